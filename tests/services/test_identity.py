"""Participant tokens: the same tokens as itsdangerous's URL-safe serializer, read either way."""

from __future__ import annotations

from itsdangerous import URLSafeSerializer

from her2poll.services import identity

KEY = "test-signing-key"


def reference() -> URLSafeSerializer:
    return URLSafeSerializer(KEY, salt=identity._SALT)


def test_a_token_is_what_the_url_safe_serializer_writes() -> None:
    token = identity.sign(KEY, "ABCD", "p-123456789")
    assert token == reference().dumps({"s": "ABCD", "p": "p-123456789"})
    assert identity.verify(KEY, "ABCD", token) == "p-123456789"


def test_a_compressed_token_from_before_still_finds_its_participant() -> None:
    long_id = "p" * 200  # compresses, so the serializer writes it zlib-compressed
    token = reference().dumps({"s": "ABCD", "p": long_id})
    assert token.startswith(".")
    assert identity.verify(KEY, "ABCD", token) == long_id


def test_a_token_for_another_session_or_key_names_nobody() -> None:
    token = identity.sign(KEY, "ABCD", "p-1")
    assert identity.verify(KEY, "WXYZ", token) is None
    assert identity.verify("another-key", "ABCD", token) is None
