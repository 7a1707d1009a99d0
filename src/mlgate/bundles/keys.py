"""A key pair for signing bundles (``bundle build|serve --signing-key``).

RS256 (RSA 3072) or ES256 (P-256), written as unencrypted PKCS#8 PEM (mode
0600) with its public key beside it (SubjectPublicKeyInfo PEM): the formats
``mlgate bundle verify --verification-key`` and OPA's ``--verification-key`` read.
An existing file is never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from mlgate.errors import UsageError
from mlgate.files import create_new

ALGORITHMS = ("RS256", "ES256")


def generate_signing_key(private_path: Path, alg: str = "RS256") -> Path:
    """Write the private key at ``private_path`` and its public key at ``*.pub.pem``."""
    from cryptography.hazmat.primitives import serialization  # heavy: only when used
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if alg not in ALGORITHMS:
        raise UsageError(f"--alg {alg!r}: choose one of {', '.join(ALGORITHMS)}")
    public_path = private_path.with_name(private_path.name.removesuffix(".pem") + ".pub.pem")
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=3072)
        if alg == "RS256"
        else ec.generate_private_key(ec.SECP256R1())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_path.parent.mkdir(parents=True, exist_ok=True)
    create_new(private_path, private, 0o600)
    try:
        create_new(public_path, public, 0o644)
    except BaseException:
        private_path.unlink(missing_ok=True)
        raise
    return public_path
