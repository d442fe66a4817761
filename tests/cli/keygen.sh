#!/bin/bash
# `changegate keygen`: every algorithm, the file modes whatever the umask, the key types, and
# that an existing key is never overwritten.
. "${top_srcdir:?}/tests/cli/lib.sh"

umask 0000   # the modes must not depend on it
for alg in ES256 ES384 ES512 RS256 RS384 RS512; do
	p="$T/k-$alg"
	check "keygen $alg" "$CG" keygen --alg "$alg" --out "$p"
	check_out "$alg private key is mode 0600" '^600$' 0 stat -c %a "$p.key"
	check_out "$alg public key is mode 0644" '^644$' 0 stat -c %a "$p.pub"
	case $alg in
	ES256) want='ASN1 OID: prime256v1' ;;
	ES384) want='ASN1 OID: secp384r1' ;;
	ES512) want='ASN1 OID: secp521r1' ;;
	*) want='Private-Key: \(3072 bit' ;;
	esac
	check_out "$alg private key is the right type" "$want" 0 \
		openssl pkey -in "$p.key" -noout -text
	check_out "$alg public key is the private key's" "^$(openssl pkey -in "$p.key" -pubout | sha256sum | cut -c1-64)" 0 \
		sh -c "openssl pkey -pubin -in '$p.pub' | sha256sum"
done
umask 0022

before=$(sha256sum "$T/k-ES256.key" "$T/k-ES256.pub")
check_out "refuses to overwrite an existing key" 'already exists' 1 \
	"$CG" keygen --alg ES256 --out "$T/k-ES256"
check "the existing key is unchanged" test "$before" = "$(sha256sum "$T/k-ES256.key" "$T/k-ES256.pub")"

# Only the public half exists: nothing may be left behind, the .pub is not replaced.
cp "$T/k-ES384.pub" "$T/half.pub"
check_out "refuses when only PREFIX.pub exists" 'half.pub already exists' 1 \
	"$CG" keygen --alg ES256 --out "$T/half"
check "no private key left behind" test ! -e "$T/half.key"

ln -s "$T/elsewhere" "$T/link.key"
check_rc "does not follow a symlink at PREFIX.key" 1 "$CG" keygen --alg ES256 --out "$T/link"
check "nothing created through the symlink" test ! -e "$T/elsewhere"

check_rc "unknown alg is a usage error" 2 "$CG" keygen --alg HS256 --out "$T/x"
check_rc "lower-case alg is a usage error" 2 "$CG" keygen --alg es256 --out "$T/x"
check_rc "missing --out is a usage error" 2 "$CG" keygen --alg ES256
check_rc "unknown option is a usage error" 2 "$CG" keygen --alg ES256 --out "$T/x" --force
check "nothing written by the failed calls" test ! -e "$T/x.key"
finish
