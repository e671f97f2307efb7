#!/usr/bin/python3
"""Independent reader of the llmsec format, written from docs/encrypted-format.md only.

Usage: llmsec-decrypt-reference.py FILE KEYFILE [SIGNER_PUBLIC_PEM] > plaintext
Supports versions 1 and 2, key-file (type 4) and passphrase (types 3 and 5, LLMSEC_PASSPHRASE)
recipients, and with SIGNER_PUBLIC_PEM checks the version 2 sender signature (EC P-256, Ed25519).
Prints the recorded name to stderr. Exits 1 on any authentication failure. Needs python3-cryptography.
"""
import hashlib
import hmac
import os
import struct
import sys
import unicodedata

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"LLMSEC\x1a\x0a"


def hkdf(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info.encode()).derive(ikm)


def unwrap(kek, wrapped):
    try:
        return AESGCM(kek).decrypt(b"\x00" * 12, wrapped, None)
    except Exception:
        return None


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(1)


def scrypt(passphrase, salt, logn, r, p):
    secret = unicodedata.normalize("NFC", passphrase).encode()
    return hashlib.scrypt(secret, salt=salt, n=2**logn, r=r, p=p, maxmem=2**29, dklen=32)


def open_stanza(stype, body, key, passphrase):
    if stype == 4 and key is not None and len(body) == 64:
        return unwrap(hkdf(key, body[:16], "llmsec/v1 key-file"), body[16:])
    if stype == 3 and passphrase and len(body) == 67:
        return unwrap(scrypt(passphrase, body[:16], body[16], body[17], body[18]), body[19:])
    if stype == 5 and passphrase and len(body) == 83:
        secret = scrypt(passphrase, body[:16], body[16], body[17], body[18])
        return unwrap(hkdf(secret, body[19:35], "llmsec/v2 passphrase"), body[35:])
    return None


def read_meta(data, at, end):
    flags, mode, nlen = struct.unpack(">BHH", data[at : at + 5])
    name = data[at + 5 : at + 5 + nlen].decode()
    at += 5 + nlen
    alg, sig = data[at], None
    if alg:
        slen = struct.unpack(">H", data[at + 1 : at + 3])[0]
        sig = (alg, slen, data[at + 3 : at + 35])
        at += 35
    else:
        at += 1
    if at != end:
        fail("corrupt metadata")
    return name, sig


def verify_signature(pem_path, sig, mac, n, sealed_segments, signature):
    alg, _, signer = sig
    public = serialization.load_pem_public_key(open(pem_path, "rb").read())
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if hashlib.sha256(spki).digest() != signer:
        fail("signed by another key")
    digests = b"".join(hashlib.sha256(segment).digest() for segment in sealed_segments)
    message = b"llmsec/v2 signature\x00" + mac + n.to_bytes(8, "big") + hashlib.sha256(digests).digest()
    try:
        if alg == 1:
            half = len(signature) // 2
            der = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
            public.verify(der, message, ec.ECDSA(hashes.SHA256()))
        elif alg == 3:
            public.verify(signature, message)
        else:
            fail("signature algorithm not supported by this reader")
    except Exception:
        fail("signature does not verify")


def main(path, keyfile, signer_pem):
    data = open(path, "rb").read()
    if data[:8] != MAGIC:
        sys.exit(2)
    version, suite, log2c, count, hlen, plen = struct.unpack(">BBBBIQ", data[8:24])
    if version not in (1, 2) or suite != 1 or not 6 <= log2c <= 24 or not 1 <= count <= 32 or not 91 <= hlen <= 65536:
        fail("corrupt header")
    salt, at, stanzas = data[24:56], 56, []
    for _ in range(count):
        stype, slen = struct.unpack(">BH", data[at : at + 3])
        stanzas.append((stype, data[at + 3 : at + 3 + slen]))
        at += 3 + slen
    name, sig = read_meta(data, at, hlen - 32) if version == 2 else (None, None)
    if version == 1 and at != hlen - 32:
        fail("corrupt header")
    if name is not None:
        sys.stderr.write("name: %s\n" % name)
    key = open(keyfile, "rb").read() if keyfile else None
    passphrase = os.environ.get("LLMSEC_PASSPHRASE")
    file_key = None
    for stype, body in stanzas:
        file_key = open_stanza(stype, body, key, passphrase)
        if file_key:
            break
    if not file_key:
        fail("key does not match")
    payload_key = hkdf(file_key, salt, "llmsec/v1 payload")
    mac_key = hkdf(file_key, salt, "llmsec/v1 header")
    if not hmac.compare_digest(hmac.new(mac_key, data[: hlen - 32], hashlib.sha256).digest(), data[hlen - 32 : hlen]):
        fail("header MAC")
    size = 1 << log2c
    n = max(1, -(-plen // size))
    slen = sig[1] if sig else 0
    if len(data) != hlen + plen + 16 * n + slen:
        fail("wrong size")
    if signer_pem:
        if not sig:
            fail("not signed")
        per_segment = 2 ** (24 - log2c)
        ends = [min(n, j + per_segment) for j in range(0, n, per_segment)]
        sealed = [data[hlen + j * (size + 16) : hlen + (e - 1) * (size + 16) + min(size, plen - (e - 1) * size) + 16]
                  for j, e in zip(range(0, n, per_segment), ends)]
        verify_signature(signer_pem, sig, data[hlen - 32 : hlen], n, sealed, data[len(data) - slen :])
    gcm, out = AESGCM(payload_key), sys.stdout.buffer
    for i in range(n):
        length = min(size, plen - i * size)
        offset = hlen + i * (size + 16)
        nonce = i.to_bytes(11, "big") + (b"\x01" if i == n - 1 else b"\x00")
        try:
            out.write(gcm.decrypt(nonce, data[offset : offset + length + 16], None))
        except Exception:
            fail("chunk %d" % i)


if __name__ == "__main__":
    main(
        sys.argv[1],
        sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None,
        sys.argv[3] if len(sys.argv) > 3 else None,
    )
