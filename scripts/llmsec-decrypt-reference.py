#!/usr/bin/python3
"""Independent reader of the llmsec format, written from docs/encrypted-format.md only.

Usage: llmsec-decrypt-reference.py FILE KEYFILE > plaintext
Supports key-file (type 4) and passphrase (type 3, LLMSEC_PASSPHRASE) recipients.
Exits 1 on any authentication failure. Needs python3-cryptography.
"""
import hashlib
import hmac
import os
import struct
import sys
import unicodedata

from cryptography.hazmat.primitives import hashes
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


def main(path, keyfile):
    data = open(path, "rb").read()
    if data[:8] != MAGIC:
        sys.exit(2)
    version, suite, log2c, count, hlen, plen = struct.unpack(">BBBBIQ", data[8:24])
    if version != 1 or suite != 1 or not 6 <= log2c <= 24 or not 1 <= count <= 32 or not 91 <= hlen <= 65536:
        fail("corrupt header")
    salt, at, stanzas = data[24:56], 56, []
    for _ in range(count):
        stype, slen = struct.unpack(">BH", data[at : at + 3])
        stanzas.append((stype, data[at + 3 : at + 3 + slen]))
        at += 3 + slen
    if at != hlen - 32:
        fail("corrupt header")
    key = open(keyfile, "rb").read() if keyfile else None
    passphrase = os.environ.get("LLMSEC_PASSPHRASE")
    file_key = None
    for stype, body in stanzas:
        if stype == 4 and key is not None and len(body) == 64:
            file_key = unwrap(hkdf(key, body[:16], "llmsec/v1 key-file"), body[16:])
        elif stype == 3 and passphrase and len(body) == 67:
            logn, r, p = body[16], body[17], body[18]
            secret = unicodedata.normalize("NFC", passphrase).encode()
            kek = hashlib.scrypt(secret, salt=body[:16], n=2**logn, r=r, p=p, maxmem=2**29, dklen=32)
            file_key = unwrap(kek, body[19:])
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
    if len(data) != hlen + plen + 16 * n:
        fail("wrong size")
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
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None)
