# Helpers for the sshd end-to-end tests, sourced after nslib.sh and ns_enter: the real sshd
# on 127.0.0.1 with the example pam.d/sshd and sshd_config Match blocks, and the real ssh
# client answering the token prompt through SSH_ASKPASS.

CG_PAM_MODULE=$top_builddir/pam_module/.libs/pam_changegate.so

# sshd_prereqs: skips (exit 77) without sshd and ssh, fails without the built module.
sshd_prereqs() {
	if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null; then
		echo "SKIP: openssh-server and openssh-client are not installed"
		exit 77
	fi
	if [ ! -e "$CG_PAM_MODULE" ]; then
		echo "pam_changegate.so is not built: $CG_PAM_MODULE" >&2
		exit 1
	fi
}

# sshd_start: host key, keys dir, sshd_config (test lines, $SSHD_EXTRA_CONFIG's lines, then
# the example's), pam.d/sshd (the example, with the built module and the test config), then
# sshd itself.
sshd_start() {
	SSHD_DIR=$NS_DIR/sshd
	mkdir -p "$SSHD_DIR/authorized_keys" "$SSHD_DIR/client"
	chmod 0755 "$SSHD_DIR" "$SSHD_DIR/authorized_keys"
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519" || return 1
	SSHD_PORT=$((20000 + RANDOM % 30000))
	cat >"$SSHD_DIR/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys/%u
# homes and keys live under /tmp in the test
StrictModes no
PasswordAuthentication no
PermitRootLogin prohibit-password
LogLevel VERBOSE
${SSHD_EXTRA_CONFIG:-}
EOF
	cat "$top_srcdir/examples/sshd_config.d/changegate.conf" >>"$SSHD_DIR/sshd_config"
	sed "s#pam_changegate\\.so#$CG_PAM_MODULE config=$CG_CONFIG#" \
		"$top_srcdir/examples/pam.d/sshd" >"$SSHD_DIR/pam.sshd"
	ns_bind "$SSHD_DIR/pam.sshd" /etc/pam.d/sshd || return 1
	/usr/sbin/sshd -t -f "$SSHD_DIR/sshd_config" || return 1
	ns_daemon /usr/sbin/sshd -D -f "$SSHD_DIR/sshd_config" -E "$SSHD_DIR/sshd.log"
	local i
	for i in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$SSHD_PORT") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "sshd did not start listening on $SSHD_PORT" >&2
	cat "$SSHD_DIR/sshd.log" >&2
	return 1
}

# The askpass program: prints the token file's contents (nothing if there is none) and
# notes each prompt it answered.
sshd_askpass_setup() {
	cat >"$SSHD_DIR/askpass" <<EOF
#!/bin/sh
printf '%s\n' "\$1" >>"$SSHD_DIR/askpass.log"
[ -f "\$CG_TOKEN_FILE" ] && cat "\$CG_TOKEN_FILE"
exit 0
EOF
	chmod 0755 "$SSHD_DIR/askpass"
}

# sshd_user_key USER: a key pair for USER, authorised for USER.
sshd_user_key() {
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/client/$1" || return 1
	cp "$SSHD_DIR/client/$1.pub" "$SSHD_DIR/authorized_keys/$1"
	chmod 0644 "$SSHD_DIR/authorized_keys/$1"
}

# ssh_login KEY ASKPASS USER COMMAND...: logs in as USER with the private key KEY (and
# KEY-cert.pub, which ssh offers when it exists), answering every prompt through ASKPASS.
# SSH_TIMEOUT (default 30) bounds the client's life; SSH_PTY=1 gives the login a terminal
# (ssh -tt).
ssh_login() {
	local key=$1 askpass=$2 user=$3
	shift 3
	HOME=$SSHD_DIR/client SSH_ASKPASS=$askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
		timeout "${SSH_TIMEOUT:-30}" ssh ${SSH_PTY:+-tt} -F /dev/null -p "$SSHD_PORT" \
		-i "$key" \
		-o IdentitiesOnly=yes -o BatchMode=no -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=INFO -o ConnectTimeout=10 \
		-o NumberOfPasswordPrompts=1 \
		-o PreferredAuthentications=publickey,keyboard-interactive \
		"$user@127.0.0.1" "$@" </dev/null
}

# ssh_as USER TOKENFILE COMMAND...: logs in as USER with USER's key, answering the token
# prompt with TOKENFILE's contents ("-" for no file: an empty answer). SSH_TIMEOUT and
# SSH_PTY as for ssh_login.
ssh_as() {
	local user=$1 tokfile=$2
	shift 2
	CG_TOKEN_FILE=$tokfile ssh_login "$SSHD_DIR/client/$user" "$SSHD_DIR/askpass" "$user" "$@"
}

# token_file NAME: writes stdin to $SSHD_DIR/NAME.tok and prints its path.
token_file() {
	local f=$SSHD_DIR/$1.tok
	cat >"$f"
	chmod 0600 "$f"
	echo "$f"
}

# A token the CLI would refuse to issue (self-approved), signed with the issuer's key by
# Debian's python3-jwt: mint_python USER APPROVER.
mint_python() {
	/usr/bin/python3 - "$CG_ISSUER_KEY" "$CG_ISSUER" "$CG_AUDIENCE" "$1" "$2" <<'PY'
import sys, time, uuid, jwt
key, iss, aud, sub, approver = sys.argv[1:6]
now = int(time.time())
claims = {"iss": iss, "aud": aud, "sub": sub, "jti": uuid.uuid4().hex, "chg": "CHG0012345",
          "approved_by": approver, "iat": now, "nbf": now, "exp": now + 3600,
          "scope": ["login"]}
with open(key) as f:
    print(jwt.encode(claims, f.read(), algorithm="ES256", headers={"kid": "issuer-1"}))
PY
}

# tokens_leaked: true when a token of $SSHD_DIR/*.tok, or its signature alone (the
# secret-looking part), appears in the syslog.
tokens_leaked() {
	local f t
	for f in "$SSHD_DIR"/*.tok; do
		t=$(cat "$f")
		[ -n "$t" ] || continue
		grep -qF -- "$t" "$NS_LOG" && return 0
		grep -qF -- "${t##*.}" "$NS_LOG" && return 0
	done
	return 1
}

# sshd_show_logs_on_failure: when a check failed, the ends of the syslog and sshd's own log.
sshd_show_logs_on_failure() {
	[ "$NS_FAIL" -gt 0 ] || return 0
	echo "# syslog (last 80 lines):"
	tail -n 80 "$NS_LOG" | sed 's/^/#   /'
	echo "# sshd log (last 40 lines):"
	tail -n 40 "$SSHD_DIR/sshd.log" | sed 's/^/#   /'
}
