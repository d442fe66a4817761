#!/usr/bin/python3
"""Signed revocation lists minted by Debian's python3-jwt (PyJWT), for tests/cli/revocations.sh.

  list KEY ALG KID JSON     print a list PyJWT signs with the private key KEY; the members of
                            the JSON object replace the defaults (iss, aud, iat = now,
                            exp = now + 3600, revocations = {seq 1, no ids})
  forge-hs256 PUB KID JSON  the same list as HS256 keyed with the public key's PEM text
  none JSON                 the same list with alg "none" and no signature
  tamper JSON               read a list on stdin and print it with the payload's members
                            replaced by JSON, the signature kept
"""
import base64
import hashlib
import hmac
import json
import sys
import time

import jwt

ISS = "https://change.example.test"
AUD = "prod-test"


def payload(overrides):
    now = int(time.time())
    p = {"iss": ISS, "aud": AUD, "iat": now, "exp": now + 3600,
         "revocations": {"seq": 1, "chg": [], "jti": []}}
    p.update(json.loads(overrides))
    return p


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def make_list(key_path, alg, kid, overrides):
    with open(key_path) as f:
        key = f.read()
    print(jwt.encode(payload(overrides), key, algorithm=alg, headers={"kid": kid}))


def unsigned(header, overrides, key=None):
    signing_input = b64url(json.dumps(header).encode()) + "." + \
        b64url(json.dumps(payload(overrides)).encode())
    sig = b""
    if key is not None:
        sig = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    print(signing_input + "." + b64url(sig))


def forge_hs256(pub_path, kid, overrides):
    with open(pub_path, "rb") as f:
        unsigned({"alg": "HS256", "typ": "JWT", "kid": kid}, overrides, f.read())


def none(overrides):
    unsigned({"alg": "none", "typ": "JWT"}, overrides)


def tamper(overrides):
    h, p, s = sys.stdin.read().strip().split(".")
    body = json.loads(unb64url(p))
    body.update(json.loads(overrides))
    print(h + "." + b64url(json.dumps(body).encode()) + "." + s)


def main(argv):
    cmds = {"list": (make_list, 4), "forge-hs256": (forge_hs256, 3), "none": (none, 1),
            "tamper": (tamper, 1)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.exit(__doc__)
    cmds[argv[1]][0](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
