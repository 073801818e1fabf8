"""Passkey-only accounts: ceremonies, sessions, recovery codes and their routes."""
