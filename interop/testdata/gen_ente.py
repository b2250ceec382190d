#!/usr/bin/python3
"""Builds the Ente Auth encrypted-export fixture and secretstream vectors with
libsodium itself (through PyNaCl: apt-get install python3-nacl), so that
Latchkey's own decryption is checked against the reference implementation.

Run from this folder: /usr/bin/python3 gen_ente.py
Writes ente_encrypted.json (password "test") and secretstream.json.
The accounts are made up for the test; ente_test.go lists them.
"""
import base64, json, os, urllib.parse
import nacl.pwhash
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_state as State,
    crypto_secretstream_xchacha20poly1305_init_push as init_push,
    crypto_secretstream_xchacha20poly1305_push as push,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE as TAG_MESSAGE,
    crypto_secretstream_xchacha20poly1305_TAG_PUSH as TAG_PUSH,
    crypto_secretstream_xchacha20poly1305_TAG_REKEY as TAG_REKEY,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL as TAG_FINAL,
)

b64 = lambda b: base64.b64encode(b).decode()

def display(pinned=False, trashed=False, tags=(), note=None):
    d = {"pinned": pinned, "trashed": trashed, "lastUsedAt": 0, "tapCount": 0, "tags": list(tags)}
    if note is not None:
        d["note"] = note
    return urllib.parse.quote(json.dumps(d, separators=(",", ":")), safe="")

lines = [
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30&codeDisplay=" + display(pinned=True, tags=["Work"]),
    "otpauth://totp/Forge:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Forge&algorithm=SHA256&digits=8&period=60&codeDisplay=" + display(tags=["Work", "Code"], note="recovery codes in the safe"),
    "otpauth://hotp/Bank:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Bank&algorithm=SHA512&digits=7&counter=42&codeDisplay=" + display(),
    "otpauth://steam/Steam:dave?secret=ONSWG4TFOQYTEMZU&issuer=Steam&algorithm=SHA1&digits=5&period=30&codeDisplay=" + display(),
    "otpauth://totp/Old:erin?secret=KRUGS4ZANFZSAYJA&issuer=Old&codeDisplay=" + display(trashed=True),
]
plain = ("\n".join(lines) + "\n").encode()

password = b"test"
salt = os.urandom(16)
# Small limits keep the test fast; Ente itself uses 1 GiB / 4 passes or an
# equivalent. The parameters are read from the file, so any are exercised.
mem, ops = 8 << 20, 2
key = nacl.pwhash.argon2id.kdf(32, password, salt, opslimit=ops, memlimit=mem)
state = State()
header = init_push(state, key)
ct = push(state, plain, None, TAG_FINAL)
with open("ente_encrypted.json", "w") as f:
    json.dump({"version": 1, "kdfParams": {"memLimit": mem, "opsLimit": ops, "salt": b64(salt)},
               "encryptedData": b64(ct), "encryptionNonce": b64(header)}, f, indent=2)
    f.write("\n")

# A stream of several messages with every tag, a rekey in the middle, and
# an empty message: exercises the nonce update and rekeying of pull.
key = os.urandom(32)
state = State()
header = init_push(state, key)
msgs = [(b"first", TAG_MESSAGE), (b"", TAG_MESSAGE), (b"x" * 100, TAG_PUSH),
        (b"after rekey", TAG_REKEY), (b"y" * 64, TAG_MESSAGE), (b"last", TAG_FINAL)]
out = []
for m, tag in msgs:
    out.append({"plain": b64(m), "tag": tag, "cipher": b64(push(state, m, None, tag))})
with open("secretstream.json", "w") as f:
    json.dump({"key": b64(key), "header": b64(header), "messages": out}, f, indent=2)
    f.write("\n")
