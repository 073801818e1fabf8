"""A software passkey authenticator (ES256, "none" attestation) for server tests.

It produces the same Level 3 JSON a browser's `PublicKeyCredential.toJSON()` gives, so the
API is exercised exactly as the app uses it, without a browser.
"""

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftPasskey:
    """One discoverable credential held by the soft authenticator."""

    rp_id: str
    user_handle: bytes
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(16))
    sign_count: int = 0

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        )


@dataclass
class SoftAuthenticator:
    """Answers creation and request options like a platform authenticator would."""

    origin: str
    user_verified: bool = True
    synced: bool = True
    passkeys: list[SoftPasskey] = field(default_factory=list)

    def _flags(self, extra: int = 0) -> int:
        flags = UP | extra
        if self.user_verified:
            flags |= UV
        if self.synced:
            flags |= BE | BS
        return flags

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}
        ).encode()

    def create(
        self,
        options: dict[str, Any],
        origin: str | None = None,
        rp_id: str | None = None,
        credential_id: bytes | None = None,
    ) -> dict[str, Any]:
        """Make a new passkey for `options` and return RegistrationResponseJSON."""
        rp = rp_id or options["rp"]["id"]
        passkey = SoftPasskey(rp_id=rp, user_handle=unb64url(options["user"]["id"]))
        if credential_id is not None:
            passkey.credential_id = credential_id
        self.passkeys.append(passkey)
        attested = (
            bytes(16)  # aaguid
            + struct.pack(">H", len(passkey.credential_id))
            + passkey.credential_id
            + passkey.cose_public_key()
        )
        auth_data = (
            hashlib.sha256(rp.encode()).digest() + bytes([self._flags(AT)]) + struct.pack(">I", 0) + attested
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": b64url(passkey.credential_id),
            "rawId": b64url(passkey.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def get(
        self,
        options: dict[str, Any],
        passkey: SoftPasskey | None = None,
        origin: str | None = None,
        sign_count: int | None = None,
    ) -> dict[str, Any]:
        """Sign `options` with a passkey (the newest by default); return AuthenticationResponseJSON."""
        passkey = passkey or self.passkeys[-1]
        passkey.sign_count = passkey.sign_count + 1 if sign_count is None else sign_count
        auth_data = (
            hashlib.sha256(passkey.rp_id.encode()).digest()
            + bytes([self._flags()])
            + struct.pack(">I", passkey.sign_count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = passkey.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(passkey.credential_id),
            "rawId": b64url(passkey.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(passkey.user_handle),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }
