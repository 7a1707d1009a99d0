"""Ed25519 key pairs for principals: generate, load, sign, verify.

A public key is written as one line, ``ed25519:<base64 of the 32 raw bytes>``,
the form the principals file holds. A private key is a PKCS#8 PEM file, mode
0600, never overwritten. ``cryptography`` is imported only here, lazily.
"""

from __future__ import annotations

import base64
import binascii
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.approvals.errors import ApprovalError
from mlgate.errors import InputError
from mlgate.files import create_new

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PREFIX = "ed25519:"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_KEY_BYTES = 16 * 1024


def public_key_text(private: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(text: object, where: str) -> bytes:
    """The 32 raw bytes of an ``ed25519:…`` public key; ``ApprovalError`` otherwise."""
    if not isinstance(text, str) or not text.startswith(PREFIX):
        raise ApprovalError(f"{where}: public_key must look like 'ed25519:<base64>'")
    try:
        raw = base64.b64decode(text[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ApprovalError(f"{where}: public_key is not valid base64") from None
    if len(raw) != 32:
        raise ApprovalError(f"{where}: public_key must be 32 bytes, not {len(raw)}")
    return raw


def generate(principal: str, out_dir: Path) -> tuple[Path, str]:
    """Write ``<principal>.key`` (0600) and ``<principal>.pub`` in ``out_dir`` (made 0700)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    if not principal.strip() or "/" in principal or principal.strip() in (".", ".."):
        raise ApprovalError(
            f"--principal {principal!r}: give the principal's id (non-empty, no '/'), "
            "e.g. omar.risk"
        )
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ApprovalError(f"{out_dir}: cannot create key directory: {exc.strerror}") from None
    if not out_dir.is_dir():
        raise ApprovalError(f"{out_dir}: not a directory")
    name = _SAFE_NAME.sub("_", principal).strip("._") or "principal"
    key_path, pub_path = out_dir / f"{name}.key", out_dir / f"{name}.pub"
    for path in (key_path, pub_path):
        if path.exists():
            raise ApprovalError(f"{path}: already exists; refusing to overwrite a key")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public = public_key_text(private)
    create_new(key_path, pem, 0o600)
    try:
        create_new(pub_path, (public + "\n").encode("ascii"), 0o644)
    except InputError:
        key_path.unlink(missing_ok=True)
        raise
    return key_path, public


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file readable by its owner only."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        info = path.stat()
        if info.st_size > MAX_KEY_BYTES or not path.is_file():
            raise ApprovalError(f"{path}: not a key file (a regular file of a few hundred bytes)")
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_BYTES + 1)
    except OSError as exc:
        raise ApprovalError(f"{path}: cannot read key: {exc.strerror}") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ApprovalError(f"{path}: private key is readable by others; chmod 600 it")
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ApprovalError(f"{path}: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ApprovalError(f"{path}: not an Ed25519 private key")
    return key


def sign(private: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(private.sign(message)).decode("ascii")


def verify(public_raw: bytes, signature: str, message: bytes) -> bool:
    """True when ``signature`` (base64) is the key's signature over ``message``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        sig = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(public_raw).verify(sig, message)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True
