"""Room ids, capability keys and participant tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

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
