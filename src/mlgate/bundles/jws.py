"""Keys and JWS compact tokens for bundle signatures: RS256, ES256 and HS256.

A key file is a PEM key (RSA of 2048 bits or more → RS256; EC P-256 → ES256)
or, with ``--alg HS256``, a shared secret: the file's bytes exactly, as OPA
reads ``--verification-key``. The token's own ``alg`` never chooses how it is
checked: it must equal the key's algorithm (no ``none``, no RS/HS confusion).
``cryptography`` is imported only when a PEM key is used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import InputError

ALGORITHMS = ("RS256", "ES256", "HS256")
MAX_KEY_BYTES = 64 * 1024
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class Key:
    """A loaded key: ``private`` can sign; every key can verify."""

    alg: str
    source: str
    secret: bytes = b""
    pem_key: Any = None  # a cryptography private or public key object
    private: bool = False


def load_key(path: Path, alg: str | None = None, *, for_signing: bool) -> Key:
    """Read a signing (private) or verification key; ``InputError`` with the reason."""
    where = str(path)
    if alg is not None and alg not in ALGORITHMS:
        raise InputError(f"unsupported signing algorithm {alg!r}; use {', '.join(ALGORITHMS)}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{where}: cannot read key: {exc.strerror}") from None
    if len(raw) > MAX_KEY_BYTES:
        raise InputError(f"{where}: not a key (larger than {MAX_KEY_BYTES // 1024} KB)")
    is_pem = raw.lstrip().startswith(b"-----BEGIN ")
    if alg == "HS256":
        if is_pem:
            raise InputError(f"{where}: HS256 takes a shared secret, not a PEM key")
        if for_signing and len(raw) < MIN_SECRET_BYTES:
            raise InputError(f"{where}: an HS256 secret must be at least {MIN_SECRET_BYTES} bytes")
        if not raw:
            raise InputError(f"{where}: the HS256 secret is empty")
        return Key("HS256", where, secret=raw, private=True)
    if not is_pem:
        raise InputError(f"{where}: not a PEM key (for a shared HMAC secret give --alg HS256)")
    return _pem_key(raw, where, alg, for_signing=for_signing)


def _pem_key(raw: bytes, where: str, alg: str | None, *, for_signing: bool) -> Key:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    key: Any
    private = b"PRIVATE KEY" in raw
    try:
        if private:
            key = serialization.load_pem_private_key(raw, password=None)
        elif b"CERTIFICATE" in raw:
            key = x509.load_pem_x509_certificate(raw).public_key()
        else:
            key = serialization.load_pem_public_key(raw)
    except TypeError:
        raise InputError(f"{where}: encrypted private keys are not supported") from None
    except ValueError as exc:
        raise InputError(f"{where}: not a readable PEM key ({_first(exc)})") from None
    if for_signing and not private:
        raise InputError(f"{where}: this is a public key; signing needs the private key")
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        kind = "RS256"
        if key.key_size < 2048:
            raise InputError(f"{where}: RSA key of {key.key_size} bits; use 2048 or more")
    elif isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if key.curve.name != "secp256r1":
            raise InputError(f"{where}: EC key on {key.curve.name}; ES256 needs P-256")
        kind = "ES256"
    else:
        raise InputError(f"{where}: {type(key).__name__} keys are not supported; use RSA or EC")
    if alg is not None and alg != kind:
        raise InputError(f"{where}: this key signs {kind}, not {alg}")
    return Key(kind, where, pem_key=key, private=private)


def _first(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not text or any(c not in _B64URL for c in text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def encode(header: dict[str, Any], payload: dict[str, Any], key: Key) -> str:
    """A JWS compact token: ``b64(header).b64(payload).b64(signature)``."""
    if not key.private:
        raise InputError(f"{key.source}: signing needs a private key")
    head = b64url(json.dumps({**header, "alg": key.alg}, separators=(",", ":")).encode())
    body = b64url(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    signing_input = f"{head}.{body}".encode("ascii")
    return f"{head}.{body}.{b64url(_sign(signing_input, key))}"


def _sign(message: bytes, key: Key) -> bytes:
    if key.alg == "HS256":
        return hmac.new(key.secret, message, hashlib.sha256).digest()
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    if key.alg == "RS256":
        return bytes(key.pem_key.sign(message, padding.PKCS1v15(), hashes.SHA256()))
    r, s = decode_dss_signature(key.pem_key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def signature_valid(signing_input: bytes, signature: bytes, key: Key) -> bool:
    """Whether ``signature`` is ``key``'s signature (in ``key.alg``) over the input."""
    if key.alg == "HS256":
        expected = hmac.new(key.secret, signing_input, hashlib.sha256).digest()
        return hmac.compare_digest(expected, signature)
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    public = key.pem_key.public_key() if key.private else key.pem_key
    try:
        if key.alg == "RS256":
            public.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            if len(signature) != 64:
                return False
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            public.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
