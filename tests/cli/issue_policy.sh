#!/bin/bash
# `changegate issue --config HOSTCONF` (alias --policy) refuses what a host with that
# configuration would refuse, and prints nothing then; what it prints, the host accepts.
. "$top_srcdir/tests/cli/lib.sh"
cli_env 'ticket_pattern = ^CHG[0-9]{7}$
max_lifetime = 2h
algorithms = ES256'
HOSTCONF=$T/changegate.conf

# refused DESC CODE [mint options]: exit 2, the reason named, and no token on stdout.
refused() {
	local desc=$1 code=$2 out err rc
	shift 2
	out=$(mint alice --config "$HOSTCONF" "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	if [ "$rc" -eq 2 ] && [ -z "$out" ] &&
		printf '%s\n' "$err" | grep -q "would refuse this token ($code)"; then
		pass "$desc"
	else
		fail "$desc (exit $rc, stdout '${out:0:20}', stderr: $err)"
	fi
}

tok=$(mint alice --config "$HOSTCONF" --ttl 90m)
check "a token within the host's rules is printed" test -n "$tok"
expect_verdict "... and the host accepts it" allow "$tok" --user alice --scope login
check "--policy is the same option" sh -c "'$CG' issue --key '$T/issuer-1.key' --kid issuer-1 \
	--iss '$CG_ISS' --aud '$CG_AUD' --sub alice --ticket CHG0012345 --approved-by bob \
	--scope login --ttl 1h --policy '$HOSTCONF' | grep -q '^ey'"
refused "ticket_pattern: a ticket id the host does not take" bad_claim --ticket INC42
refused "max_lifetime: longer than the host allows" lifetime_too_long --ttl 3h
AUD=prod-other refused "audience: not the host's" bad_audience
refused "issuer: not the host's" bad_issuer --iss https://other.example
refused "emergency: the key is not in emergency_keys" bad_claim --emergency --reason outage
later=$(( $(date +%s) + 86400 ))
check "a window that opens tomorrow is judged when it opens" \
	sh -c "'$CG' issue --key '$T/issuer-1.key' --kid issuer-1 --iss '$CG_ISS' --aud '$CG_AUD' \
	--sub alice --ticket CHG0012345 --approved-by bob --scope login --ttl 1h --nbf $later \
	--config '$HOSTCONF' | grep -q '^ey'"
write_config 'algorithms = ES384 RS256'
refused "algorithms: the key's alg is not allowed" bad_alg
check_out "an unreadable host config is a usage error" "config: .*No such file" 2 \
	"$CG" issue --key "$T/issuer-1.key" --kid issuer-1 --iss "$CG_ISS" --aud "$CG_AUD" \
	--sub alice --ticket CHG0012345 --approved-by bob --scope login --ttl 1h \
	--config "$T/missing.conf"
finish
