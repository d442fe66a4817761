# config, gating, matching, login records, the core's own files (state_file.c), audit
# lines: no cryptography, in libcgbase
shared_libcgbase_la_SOURCES += \
	shared/config_values.h \
	shared/config_values.c \
	shared/config_parse.c \
	shared/nss_lookup.h \
	shared/gate.c \
	shared/gate_rule.c \
	shared/runas_group.c \
	shared/runas_group_nss.c \
	shared/match.c \
	shared/command_paths.c \
	shared/proc_session.c \
	shared/file_id.h \
	shared/file_id.c \
	shared/login_record.c \
	shared/login_record_file.c \
	shared/run_dir.h \
	shared/run_dir.c \
	shared/reaper_lock.c \
	shared/sudo_lease.c \
	shared/lease.h \
	shared/lease.c \
	shared/ssh_fp_form.c \
	shared/state_file.h \
	shared/state_file.c \
	shared/audit_log.h \
	shared/audit_log.c \
	shared/audit_origin.c \
	shared/audit_journal.c \
	shared/audit_json.c
# the checks after the signature, the plain revocation list (its index hashes with FNV-1a: no
# libcrypto), the signed list judged from its verified index, and the judgement of recorded,
# verified claims: libcgbase, so that the sudo
# front end judges a login record without loading the verifier (docs/performance.md)
shared_libcgbase_la_SOURCES += \
	shared/token_internal.h \
	shared/token_claims_check.c \
	shared/token_grant.c \
	shared/token_standing.c \
	shared/token_recorded.c \
	shared/revocation.c \
	shared/revocation_index.h \
	shared/revocation_index.c \
	shared/revocation_list.h \
	shared/revocation_list_indexed.c \
	shared/revocation_list_cache.c
# the signed revocation list verified (its signature: libcrypto) and single use (record names
# hashed with libcrypto): only ever asked by the verifier
shared_libcgcore_la_SOURCES += \
	shared/revocation_list.c \
	shared/revocation_list_parse.c \
	shared/revocation_list_install.c \
	shared/replay.c
# SSH_AUTH_INFO_0 and OpenSSH keys and certificates (issue 18): what the PAM module and the
# issuer tool read; the fingerprint hashes with libcrypto, so not in libcgbase
shared_libcgcore_la_SOURCES += \
	shared/ssh_key_blob.c \
	shared/ssh_fingerprint.c \
	shared/ssh_auth_info.c
