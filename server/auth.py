"""Room ids, capability keys and participant tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from itsdangerous import BadSignature, URLSafeTimedSerializer

TOKEN_SALT = "kring-participant-v1"


def new_room_id() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


def new_key() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def new_pid() -> str:
    return "p" + secrets.token_hex(6)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, stored_hash: str | None) -> bool:
    if not stored_hash:
        return False
    return hmac.compare_digest(hash_key(key), stored_hash)


class Tokens:
    """Signed, expiring participant tokens: a reconnect with one restores the same person."""

    def __init__(self, secret: str, max_age_s: int) -> None:
        self._s = URLSafeTimedSerializer(secret, salt=TOKEN_SALT)
        self.max_age_s = max_age_s

    def issue(self, room: str, pid: str, gen: str = "0") -> str:
        return self._s.dumps({"r": room, "p": pid, "g": gen})

    def read(self, token: str, room: str) -> tuple[str, str] | None:
        """(pid, generation) if the token is valid for this room, else None."""
        try:
            data = self._s.loads(token, max_age=self.max_age_s)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(data, dict) or data.get("r") != room or not isinstance(data.get("p"), str):
            return None
        return data["p"], str(data.get("g", "0"))


class ProjectorKeys:
    """The projector's own key per room: view-only, never the join or the facilitator key.

    It is derived from the server secret and a nonce kept in the room's metadata (HMAC-SHA256), so
    the metadata holds only the nonce and the key's hash, and a facilitator can be shown the key
    again after a reload. A room whose metadata has no projector fields (older rooms, group
    meetings) has the key of the empty nonce. `projector.rotate` stores a new nonce and hash,
    `projector.revoke` an empty hash: then no key matches until the next rotation.
    """

    def __init__(self, secret: str) -> None:
        self._k = hashlib.sha256(b"kring-projector-v1\0" + secret.encode()).digest()

    def derive(self, room: str, nonce: str) -> str:
        mac = hmac.new(self._k, f"{room}\0{nonce}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:24]).decode()  # 192 bits, like new_key()

    def _hash(self, room: str, meta: Mapping[str, str]) -> str:
        h = meta.get("projector_hash")
        return hash_key(self.derive(room, "")) if h is None else h

    def matches(self, key: str, room: str, meta: Mapping[str, str]) -> bool:
        """Is `key` the room's current projector key? (False once revoked.)"""
        return key_matches(key, self._hash(room, meta))

    def current(self, room: str, meta: Mapping[str, str]) -> str | None:
        """The key to show facilitators, or None when revoked (or the secret changed since)."""
        h = self._hash(room, meta)
        key = self.derive(room, meta.get("projector_nonce", ""))
        return key if key_matches(key, h) else None

    def rotated(self, room: str) -> dict[str, str]:
        """The metadata fields of a new projector key."""
        nonce = secrets.token_urlsafe(12)
        return {"projector_nonce": nonce, "projector_hash": hash_key(self.derive(room, nonce))}

    REVOKED: Mapping[str, str] = {"projector_nonce": "", "projector_hash": ""}
