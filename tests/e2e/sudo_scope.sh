#!/bin/bash
# What a ticket's scope leaves open through the real sudo (issue 14, items 1 and 3): the
# group sudo -g gives the command, and the files a command reads through the working
# directory. dave's sudoers rule is (ALL:ALL) with CWD=*, so sudoers lets both through, runs
# his commands where he stands, and changegate alone decides; erin's rule is under the
# test sudoers' "Defaults runcwd=/", which pins the directory. Both set-ups: the approval
# plugin and the policy wrapper.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
for g in shadow disk; do
	grep -q "^$g:" /etc/group || { echo "SKIP: no $g group in /etc/group"; exit 77; }
done
ns_add_user dave
ns_add_user svc1
ns_add_user erin
sudo_setup || { echo "cannot set up sudo"; exit 1; }
HOME_DAVE=$NS_DIR/home/dave
HOME_ERIN=$NS_DIR/home/erin
# dave runs his commands where he stands (CWD=*): "/" unless a case says otherwise (in_dir)
cd / || exit 1

# ---- item 1: the target group
T_SVC1=$(cg_mint dave --runas svc1 --cmd "/usr/bin/id -gn" --cmd "/usr/bin/head -c5 /etc/shadow")
T_SVC1_SHADOW=$(cg_mint dave --runas svc1 --runas-group shadow --cmd "/usr/bin/id -gn" \
	--cmd "/usr/bin/head -c5 /etc/shadow")
T_ROOT=$(cg_mint dave --cmd "/usr/bin/id -gn")

# ---- item 3: the working directory; /run is the namespace's own root-owned tmpfs
T_NOTES=$(cg_mint dave --cmd "/usr/bin/cat notes.txt" --cmd "/usr/bin/echo restart nginx")
ROOT_DIR=/run/cg-root-dir
DAVE_RUN=/run/cg-dave-dir
mkdir -m 0755 "$ROOT_DIR" "$DAVE_RUN"
echo "root's notes" >"$ROOT_DIR/notes.txt"
chmod 0644 "$ROOT_DIR/notes.txt"
echo "dave's notes" >"$HOME_DAVE/notes.txt"
chown dave: "$HOME_DAVE/notes.txt"
echo "root's notes in dave's dir" >"$DAVE_RUN/notes.txt"
chmod 0644 "$DAVE_RUN/notes.txt"
chown dave: "$DAVE_RUN"

# the review of item 3: programs that read the directory on their own, whatever the words say;
# each of the user's files, run as root, leaves a mark in /run (root's alone)
REVIEW_CMDS=(--cmd "/usr/bin/make install" --cmd "/usr/bin/python3 -m migrate"
	--cmd "/usr/bin/awk -fprog.awk")
T_REVIEW=$(cg_mint dave "${REVIEW_CMDS[@]}")
T_REVIEW_ERIN=$(cg_mint erin "${REVIEW_CMDS[@]}")
T_NOTES_ERIN=$(cg_mint erin --cmd "/usr/bin/cat notes.txt" --cmd "/usr/bin/echo restart nginx")
MARK=/run/cg-pwned
for h in "$HOME_DAVE" "$HOME_ERIN"; do
	printf 'install:\n\ttouch %s-make\n' "$MARK" >"$h/Makefile"
	printf 'open("%s-python", "w")\n' "$MARK" >"$h/migrate.py"
	printf 'BEGIN { print "x" > "%s-awk" }\n' "$MARK" >"$h/prog.awk"
	chown "$(basename "$h"):" "$h/Makefile" "$h/migrate.py" "$h/prog.awk"
done
echo "erin's notes" >"$HOME_ERIN/notes.txt"
chown erin: "$HOME_ERIN/notes.txt"
# unmarked: no file of the users' ever ran as root
unmarked() {
	local f
	for f in "$MARK"-*; do
		[ -e "$f" ] && { echo "$f exists: a user's file ran as root"; rm -f "$MARK"-*; return 1; }
	done
	return 0
}

for t in "$T_SVC1" "$T_SVC1_SHADOW" "$T_ROOT" "$T_NOTES" "$T_REVIEW" "$T_REVIEW_ERIN" \
	"$T_NOTES_ERIN"; do
	[ -n "$t" ] || { echo "cg_mint failed"; exit 1; }
done

cases() {
	local m=$1
	ns_check "$m: sudo -u svc1 -g shadow refused under runas [svc1]" \
		denied_with runas_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_SVC1" \
		sudo -n -u svc1 -g shadow /usr/bin/head -c5 /etc/shadow
	ns_check "$m: the refusal names the group and is logged with it" \
		log_has dave decision=deny reason=runas_denied runas=svc1 runas_group=shadow
	ns_check "$m: the user is told the group is not in the ticket" \
		output_has "does not allow running with group shadow" \
		sudo_as dave CHANGEGATE_TOKEN="$T_SVC1" sudo -n -u svc1 -g shadow /usr/bin/id -gn
	ns_check "$m: sudo -u svc1 -g disk refused too" \
		denied_with runas_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_SVC1" \
		sudo -n -u svc1 -g disk /usr/bin/id -gn
	ns_log_mark
	ns_check "$m: sudo -u svc1 (its own group) still allowed" \
		prints_and_succeeds svc1 sudo_as dave CHANGEGATE_TOKEN="$T_SVC1" \
		sudo -n -u svc1 /usr/bin/id -gn
	ns_check "$m: the allow is logged with the target's own group" \
		log_has dave decision=allow runas=svc1 runas_group=svc1
	ns_check "$m: runas_groups [shadow] allows sudo -u svc1 -g shadow" \
		prints_and_succeeds shadow sudo_as dave CHANGEGATE_TOKEN="$T_SVC1_SHADOW" \
		sudo -n -u svc1 -g shadow /usr/bin/id -gn
	ns_check "$m: runas_groups [shadow] does not stretch to disk" \
		denied_with runas_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_SVC1_SHADOW" \
		sudo -n -u svc1 -g disk /usr/bin/id -gn
	# -g alone would make the caller the target, whom a root-only ticket refuses anyway
	ns_check "$m: sudo -u root -g disk refused under a root-only ticket" \
		denied_with runas_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_ROOT" \
		sudo -n -u root -g disk /usr/bin/id -gn
	ns_check "$m: plain sudo as root still allowed" \
		prints_and_succeeds root sudo_as dave CHANGEGATE_TOKEN="$T_ROOT" sudo -n /usr/bin/id -gn

	ns_check "$m: cat notes.txt from the user's home refused" \
		denied_with command_denied dave in_dir "$HOME_DAVE" \
		sudo_as dave CHANGEGATE_TOKEN="$T_NOTES" sudo -n /usr/bin/cat notes.txt
	ns_check "$m: the refusal names the directory and says how to pin it" \
		output_has "the command would run in $HOME_DAVE, a directory root does not control" \
		in_dir "$HOME_DAVE" sudo_as dave CHANGEGATE_TOKEN="$T_NOTES" \
		sudo -n /usr/bin/cat notes.txt
	ns_check "$m: ... (cd /) or Defaults runcwd=/" \
		output_has "run it from a root-owned directory (cd /) or ask the administrators to set \`Defaults runcwd=/\`" \
		in_dir "$HOME_DAVE" sudo_as dave CHANGEGATE_TOKEN="$T_NOTES" \
		sudo -n /usr/bin/cat notes.txt
	ns_check "$m: a root file in a directory the user owns refused" \
		denied_with command_denied dave in_dir "$DAVE_RUN" \
		sudo_as dave CHANGEGATE_TOKEN="$T_NOTES" sudo -n /usr/bin/cat notes.txt
	ns_check "$m: root's file in root's directory allowed" \
		prints_and_succeeds "root's notes" in_dir "$ROOT_DIR" \
		sudo_as dave CHANGEGATE_TOKEN="$T_NOTES" sudo -n /usr/bin/cat notes.txt
	ns_check "$m: sudo -D into the user's directory refused" \
		denied_with command_denied dave in_dir "$HOME_DAVE" \
		sudo_as dave CHANGEGATE_TOKEN="$T_NOTES" sudo -n -D "$HOME_DAVE" /usr/bin/cat notes.txt
	ns_check "$m: sudo -D from root's directory into the user's refused" \
		denied_with command_denied dave in_dir "$ROOT_DIR" \
		sudo_as dave CHANGEGATE_TOKEN="$T_NOTES" sudo -n -D "$HOME_DAVE" /usr/bin/cat notes.txt
	# words naming nothing were allowed there: a race (ln -sf evil.py; rm) the user could win
	ns_check "$m: words that name nothing refused from the user's home too" \
		denied_with command_denied dave in_dir "$HOME_DAVE" \
		sudo_as dave CHANGEGATE_TOKEN="$T_NOTES" sudo -n /usr/bin/echo restart nginx

	# the review: nothing among the words names the user's file, the program reads it anyway
	ns_check "$m: make install from the home (./Makefile) refused, unpinned" \
		denied_with command_denied dave in_dir "$HOME_DAVE" \
		sudo_as dave CHANGEGATE_TOKEN="$T_REVIEW" sudo -n /usr/bin/make install
	ns_check "$m: python3 -m migrate from the home (./migrate.py) refused, unpinned" \
		denied_with command_denied dave in_dir "$HOME_DAVE" \
		sudo_as dave CHANGEGATE_TOKEN="$T_REVIEW" sudo -n /usr/bin/python3 -m migrate
	ns_check "$m: awk -fprog.awk from the home refused, unpinned (sudo -D ~ as well)" \
		denied_with command_denied dave in_dir "$HOME_DAVE" \
		sudo_as dave CHANGEGATE_TOKEN="$T_REVIEW" sudo -n -D "$HOME_DAVE" \
		/usr/bin/awk -fprog.awk
	ns_check "$m: ... none of dave's files ran as root" unmarked

	# erin stands in her home too, but runcwd=/ runs her commands in "/": allowed, and what
	# they read there is root's (no Makefile, no migrate.py, no prog.awk in "/")
	ns_log_mark
	ns_check "$m: make install under runcwd=/ allowed, and reads no Makefile of erin's" \
		output_has "No rule to make target 'install'" in_dir "$HOME_ERIN" \
		sudo_as erin CHANGEGATE_TOKEN="$T_REVIEW_ERIN" sudo -n /usr/bin/make install
	ns_check "$m: ... the allow is logged, with cwd the user's own" \
		log_has erin decision=allow reason=ok
	ns_check "$m: python3 -m migrate under runcwd=/ finds no migrate.py of erin's" \
		output_has "No module named migrate" in_dir "$HOME_ERIN" \
		sudo_as erin CHANGEGATE_TOKEN="$T_REVIEW_ERIN" sudo -n /usr/bin/python3 -m migrate
	ns_check "$m: awk -fprog.awk under runcwd=/ cannot open erin's prog.awk" \
		output_has "prog.awk" in_dir "$HOME_ERIN" \
		sudo_as erin CHANGEGATE_TOKEN="$T_REVIEW_ERIN" sudo -n /usr/bin/awk -fprog.awk
	ns_check "$m: ... none of erin's files ran as root" unmarked
	ns_check "$m: words naming nothing run under runcwd=/" \
		prints_and_succeeds "restart nginx" in_dir "$HOME_ERIN" \
		sudo_as erin CHANGEGATE_TOKEN="$T_NOTES_ERIN" sudo -n /usr/bin/echo restart nginx
	ns_check "$m: cat notes.txt under runcwd=/ reads no notes of erin's" \
		output_has "/usr/bin/cat: notes.txt: No such file or directory" in_dir "$HOME_ERIN" \
		sudo_as erin CHANGEGATE_TOKEN="$T_NOTES_ERIN" sudo -n /usr/bin/cat notes.txt
}

sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"
cases approval
sudo_conf_write "$NS_DIR/sudo.conf" "$POLICY_CONF"
cases policy
ns_check "policy: sudo -l shows the groups the ticket names" \
	output_has "groups:   shadow" sudo_as dave CHANGEGATE_TOKEN="$T_SVC1_SHADOW" sudo -n -l

ns_check "the JSON audit log carries the target group" \
	grep -q '"runas_group": *"shadow"' "$CG_AUDIT_LOG"
ns_finish
