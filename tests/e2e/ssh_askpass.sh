#!/bin/bash
# The developer's side through the real programs: the ssh client, run as the gated user with
# SSH_ASKPASS=changegate-askpass SSH_ASKPASS_REQUIRE=force and no terminal, against the real
# sshd (publickey, then keyboard-interactive through pam_changegate), in a private mount
# namespace. Issue 15: tokens from $CHANGEGATE_TOKEN_FILE and from the token directory, tokens
# longer than ssh's 1023-byte answer, the file mode rules, a key passphrase prompt.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null || ! command -v setpriv >/dev/null; then
	echo "SKIP: openssh-server, openssh-client and setpriv are needed"
	exit 77
fi
if [ ! -e "$CG_PAM_MODULE" ]; then
	echo "pam_changegate.so is not built: $CG_PAM_MODULE" >&2
	exit 1
fi

ns_changegate_env || exit 1
ns_add_user alice developers
sshd_start || exit 1
# sudo in the login, when it is installed: the long token's ticket, recorded at login
HAVE_SUDO=0
if sudo_available && sudo_setup; then
	sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"
	HAVE_SUDO=1
fi

# The programs as a developer has them: installed where the user can run them.
BIN=$NS_DIR/bin
mkdir -m 0755 "$BIN"
install -m 0755 "$top_builddir/tools/changegate-askpass" "$top_builddir/tools/changegate" "$BIN/"
# ssh hands the prompt to the askpass program and shows it nowhere: note each one, then run
# the real helper in its place
cat >"$BIN/askpass-noting" <<EOF2
#!/bin/sh
printf '%s\n' "\$1" >>"$SSHD_DIR/prompts.log"
exec changegate-askpass "\$@"
EOF2
chmod 0755 "$BIN/askpass-noting"
: >"$SSHD_DIR/prompts.log"
chmod 0666 "$SSHD_DIR/prompts.log"
AHOME=$NS_DIR/home/alice
install -d -m 0700 -o alice -g alice "$AHOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$AHOME/.ssh/id_ed25519" || exit 1
ssh-keygen -q -t ed25519 -N 'a passphrase' -C locked -f "$AHOME/.ssh/id_locked" || exit 1
chown alice:alice "$AHOME/.ssh"/id_*
cat "$AHOME/.ssh/id_ed25519.pub" "$AHOME/.ssh/id_locked.pub" >"$SSHD_DIR/authorized_keys/alice"
chmod 0644 "$SSHD_DIR/authorized_keys/alice"
STORE=$AHOME/.config/changegate/tokens

# as_alice CMD...: CMD as alice, with her home and a clean environment.
as_alice() {
	setpriv --reuid=alice --regid=alice --init-groups \
		env -i HOME="$AHOME" PATH="$BIN:/usr/bin:/bin" LANG=C "$@"
}

# login KEY [VAR=VALUE...] -- COMMAND: ssh as alice with KEY, the helper answering prompts
# (noted in prompts.log), no terminal; stdout and stderr (ssh's and the helper's) together.
login() {
	local key=$1
	shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	as_alice "${envs[@]}" SSH_ASKPASS=askpass-noting SSH_ASKPASS_REQUIRE=force \
		setsid -w timeout 30 ssh -F /dev/null -p "$SSHD_PORT" -i "$AHOME/.ssh/$key" \
		-o IdentitiesOnly=yes -o BatchMode=no -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=DEBUG2 -o ConnectTimeout=10 \
		-o NumberOfPasswordPrompts=1 \
		-o PreferredAuthentications=publickey,keyboard-interactive \
		alice@127.0.0.1 "$@" </dev/null 2>&1
}

# tokfile NAME MODE [cg_mint options]: a token for alice in $SSHD_DIR/NAME.tok, owned by her.
tokfile() {
	local name=$1 mode=$2
	shift 2
	# issue's advice (a sudo scope without --cmd) is for issuers, not this test's log
	cg_mint alice "$@" >"$SSHD_DIR/$name.tok" 2>>"$SSHD_DIR/mint.err" || return 1
	chown alice:alice "$SSHD_DIR/$name.tok"
	chmod "$mode" "$SSHD_DIR/$name.tok"
	echo "$SSHD_DIR/$name.tok"
}

# in NAME [login args...]: the login runs `echo in-$CHANGEGATE_TICKET`, and the log says allow.
logged_in() {
	local name=$1 out
	shift
	ns_log_mark
	out=$(login "$@" 'echo "in-$CHANGEGATE_TICKET"')
	printf '%s\n' "$out" >"$SSHD_DIR/$name.out"
	printf '%s\n' "$out" | grep -q '^in-CHG' || { printf '%s\n' "$out" | tail -n 20; return 1; }
	ns_log_wait 'pam_changegate.*decision=allow reason=ok .*event=session_open user=alice'
}

# refused NAME REASON [login args...]: the login fails, and the log says why.
refused() {
	local name=$1 reason=$2 out
	shift 2
	ns_log_mark
	if out=$(login "$@" true); then
		echo "login succeeded: $out"
		return 1
	fi
	printf '%s\n' "$out" >"$SSHD_DIR/$name.out"
	ns_log_wait "pam_changegate.*decision=deny reason=$reason .*user=alice" || {
		printf '%s\n' "$out" | tail -n 20
		ns_log_since
		return 1
	}
}

# ---- $CHANGEGATE_TOKEN_FILE
tf=$(tokfile file 0600) || exit 1
ns_check "CHANGEGATE_TOKEN_FILE: in" logged_in file id_ed25519 CHANGEGATE_TOKEN_FILE="$tf" --
ns_check "... the prompt named alice, the host and the audience" \
	grep -qxF "(alice@127.0.0.1) Change ticket token for alice on $CG_HOSTNAME ($CG_AUDIENCE): " \
	"$SSHD_DIR/prompts.log"

# ---- no token at all
ns_check "no token directory: refused" refused none no_token id_ed25519 --
ns_check "... the helper said where it looked" grep -q "$STORE: No such file or directory" \
	"$SSHD_DIR/none.out"

# ---- a token file others can read: refused by the helper, before any host sees it
chmod 0644 "$tf"
ns_check "token file readable by others: refused" refused readable no_token id_ed25519 \
	CHANGEGATE_TOKEN_FILE="$tf" --
ns_check "... by the helper, naming the file" grep -q "$tf: mode 0644 lets group or others in" \
	"$SSHD_DIR/readable.out"
chmod 0600 "$tf"

# ---- a token longer than ssh's answer: 24 cmds
cmds=()
for i in $(seq -w 1 24); do cmds+=(--cmd "/usr/local/sbin/deploy-service-$i"); done
lf=$(tokfile long 0600 --ticket CHG0024024 "${cmds[@]}" --cmd /usr/bin/id) || exit 1
ns_check "the long token is over 1023 bytes ($(($(wc -c <"$lf") - 1)))" \
	test "$(($(wc -c <"$lf") - 1))" -gt 1023
ns_check "a token over 1023 bytes: in" logged_in long id_ed25519 CHANGEGATE_TOKEN_FILE="$lf" --
ns_check "... through a continuation prompt" \
	grep -q "continued from byte 1023 (the answer was cut after 1023 characters" \
	"$SSHD_DIR/prompts.log"
ns_check "... with its own ticket" grep -qx "in-CHG0024024" "$SSHD_DIR/long.out"
if [ "$HAVE_SUDO" = 1 ]; then
	long_sudo() {
		login id_ed25519 CHANGEGATE_TOKEN_FILE="$lf" -- 'sudo -n /usr/bin/id -u' | grep -qx 0
	}
	ns_check "... and sudo in that login uses the long token's ticket, unasked" long_sudo
fi

# ---- the token directory
install -d -m 0700 -o alice -g alice "$AHOME/.config" "$AHOME/.config/changegate" "$STORE"
CG_AUDIENCE=prod-elsewhere cg_mint alice --ticket CHG0099001 >"$STORE/other-audience" \
	2>>"$SSHD_DIR/mint.err"
chown alice:alice "$STORE/other-audience"
chmod 0600 "$STORE/other-audience"
ns_check "token directory with another audience's token only: refused" refused otheraud no_token \
	id_ed25519 --
ns_check "... the helper said why" grep -q "other-audience is for another audience" \
	"$SSHD_DIR/otheraud.out"
cp "$SSHD_DIR/file.tok" "$SSHD_DIR/add.tok"
chmod 0644 "$SSHD_DIR/add.tok"
ns_check "changegate token add, as alice" \
	as_alice changegate token add "$SSHD_DIR/add.tok"
ns_check "... which changegate token list shows" \
	sh -c "setpriv --reuid=alice --regid=alice --init-groups env -i HOME='$AHOME' '$BIN/changegate' token list | grep -q '^CHG0012345	$CG_AUDIENCE	alice	.*good'"
ns_check "this audience's token added: in" logged_in added id_ed25519 --

# ---- a key passphrase prompt never gets a token
cat >"$BIN/fallback" <<EOF2
#!/bin/sh
printf '%s\n' "\$1" >>"$SSHD_DIR/fallback.log"
case "\$1" in
*passphrase*) echo 'a passphrase' ;;
*) exit 1 ;;
esac
EOF2
chmod 0755 "$BIN/fallback"
touch "$SSHD_DIR/fallback.log"
chmod 0666 "$SSHD_DIR/fallback.log"
ns_check "encrypted key with a fallback: in" logged_in locked id_locked \
	CHANGEGATE_ASKPASS_FALLBACK="$BIN/fallback" --
ns_check "... the fallback answered the passphrase prompt" grep -q "passphrase for key" \
	"$SSHD_DIR/fallback.log"
ns_check_fails "... and never saw changegate's prompt" grep -q "Change ticket token" \
	"$SSHD_DIR/fallback.log"
no_passphrase() {
	local out
	out=$(login id_locked -- true)
	printf '%s\n' "$out" >"$SSHD_DIR/nofallback.out"
	# an empty answer: ssh says so and goes on without the key (a token would be "incorrect")
	printf '%s\n' "$out" | grep -q "no passphrase given, try next key" &&
		! printf '%s\n' "$out" | grep -q "incorrect passphrase"
}
ns_check "encrypted key without a fallback: the passphrase prompt gets an empty answer" \
	no_passphrase

# ---- no token, nor its signature, in sshd's log or the syslog
leaked() {
	local f t
	for f in "$SSHD_DIR"/*.tok "$STORE"/*; do
		t=$(cat "$f")
		[ -n "$t" ] || continue
		grep -qF -- "${t##*.}" "$SSHD_DIR/sshd.log" "$NS_LOG" && return 0
	done
	return 1
}
ns_check_fails "no token in sshd's log or the syslog" leaked
sshd_show_logs_on_failure
ns_finish
