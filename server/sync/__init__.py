"""Offline-first sync: devices push numbered mutations and pull changes past a version cursor."""
