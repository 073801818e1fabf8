"""Web Push with VAPID (pywebpush): the key pair, and a sender that reports what happened."""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid, b64urlencode
from pywebpush import WebPushException, webpush


def load_vapid(data_dir: Path, pem_from_config: str | None) -> Vapid:
    """The VAPID key: from configuration, else made once and kept in the data dir (mode 600)."""
    if pem_from_config:
        return Vapid.from_pem(pem_from_config.encode())
    path = data_dir / "vapid_private.pem"
    if not path.exists():
        vapid = Vapid()
        vapid.generate_keys()
        pem = vapid.private_pem()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    return Vapid.from_file(str(path))


def application_server_key(vapid: Vapid) -> str:
    """The public key as the browser's `applicationServerKey` wants it (base64url, uncompressed)."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(raw)


class SubscriptionGone(Exception):
    """The push service says this subscription no longer exists (404/410): delete it."""


class PushFailed(Exception):
    """The push service was unreachable or refused; try again on a later run."""


@dataclass
class PushSender:
    """Encrypts a payload for one subscription (RFC 8291) and posts it with a VAPID header."""

    vapid: Vapid
    subject: str
    timeout: float = 10.0

    def send(self, subscription: dict[str, Any], payload: dict[str, Any], ttl: int, topic: str) -> None:
        """Deliver or raise SubscriptionGone / PushFailed."""
        try:
            webpush(
                subscription_info=subscription,
                data=json.dumps(payload),
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject},
                ttl=ttl,
                timeout=self.timeout,
                # Same topic: the push service keeps only the latest undelivered copy.
                headers={"Topic": topic, "Urgency": "normal"},
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                raise SubscriptionGone(str(status)) from None
            raise PushFailed(f"push service answered {status}" if status else str(error)) from None
        except OSError as error:  # requests' connection errors are OSErrors
            raise PushFailed(f"push service unreachable: {error.__class__.__name__}") from None
