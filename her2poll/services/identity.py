"""Signed participant tokens: a phone's identity, bound to one session.

The token is the participant's random public id signed with the app's secret
key (itsdangerous), so a client can keep it but cannot forge another
participant's, and a token from one session is worthless in another.
"""

from __future__ import annotations

from functools import lru_cache

from itsdangerous import BadSignature, Serializer, URLSafeSerializer
from itsdangerous.encoding import base64_encode

_SALT = "her2poll.participant.v1"


class _Uncompressed(URLSafeSerializer):
    """Tokens as :class:`URLSafeSerializer` writes them, without trying zlib first.

    A token's payload is a few dozen bytes that never compress, yet every join
    paid for a compressor (a few percent of a connect's CPU). Reading is
    unchanged, so tokens written either way stay valid.
    """

    def dump_payload(self, obj: object) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


@lru_cache(maxsize=8)
def _serializer(secret_key: str) -> URLSafeSerializer:
    return _Uncompressed(secret_key, salt=_SALT)


def sign(secret_key: str, session_code: str, public_id: str) -> str:
    return _serializer(secret_key).dumps({"s": session_code, "p": public_id})


def verify(secret_key: str, session_code: str, token: str | None) -> str | None:
    """The public id in ``token`` if it is genuine and for this session, else None."""
    if not token:
        return None
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != session_code:
        return None
    public_id = data.get("p")
    return public_id if isinstance(public_id, str) else None
