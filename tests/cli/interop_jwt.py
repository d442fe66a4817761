#!/usr/bin/python3
"""The other side of the interop test, with Debian's python3-jwt (PyJWT).

  mint KEY ALG KID SUB      print a token PyJWT signs with the private key KEY
  mint-with KEY ALG KID SUB JSON
                            the same, with the claims of the JSON object replacing the
                            defaults (values `changegate issue` refuses to mint)
  forge-hs256 PUB KID SUB   print an HS256 token keyed with the public key's PEM text
                            (the algorithm-confusion attack; changegate must refuse it)
  verify PUB ALG ISS AUD    read a token on stdin, verify it with PyJWT, print its claims

Claims use the issuer and audience the shell test configures.
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


def claims(sub):
    now = int(time.time())
    return {
        "iss": ISS, "aud": AUD, "sub": sub, "jti": "pyjwt-%d" % now,
        "chg": "CHG0077777", "approved_by": "approver",
        "iat": now, "nbf": now, "exp": now + 600, "scope": ["login", "sudo"],
        "cmds": ["/usr/bin/id"],
    }


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(key_path, alg, kid, sub, overrides="{}"):
    with open(key_path) as f:
        key = f.read()
    c = claims(sub)
    c.update(json.loads(overrides))
    print(jwt.encode(c, key, algorithm=alg, headers={"kid": kid}))


def forge_hs256(pub_path, kid, sub):
    with open(pub_path, "rb") as f:
        secret = f.read()
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    signing_input = b64url(json.dumps(header).encode()) + "." + \
        b64url(json.dumps(claims(sub)).encode())
    sig = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    print(signing_input + "." + b64url(sig))


def verify(pub_path, alg, iss, aud):
    token = sys.stdin.read()
    if token.endswith("\n"):
        token = token[:-1]
    with open(pub_path) as f:
        pub = f.read()
    header = jwt.get_unverified_header(token)
    if header.get("alg") != alg or header.get("typ") != "JWT" or not header.get("kid"):
        sys.exit("unexpected header: %r" % header)
    decoded = jwt.decode(token, pub, algorithms=[alg], audience=aud, issuer=iss,
                         options={"require": ["iss", "aud", "sub", "jti", "iat", "nbf",
                                              "exp"]})
    print(json.dumps(decoded, sort_keys=True))


def main(argv):
    cmds = {"mint": (mint, 4), "mint-with": (mint, 5), "forge-hs256": (forge_hs256, 3),
            "verify": (verify, 4)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.exit(__doc__)
    try:
        cmds[argv[1]][0](*argv[2:])
    except jwt.PyJWTError as e:
        print("PyJWT refused the token: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
