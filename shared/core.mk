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
	shared/file_id.c \
	shared/login_record.c \
	shared/login_record_file.c \
	shared/run_dir.h \
	shared/run_dir.c \
	shared/reaper_lock.c \
	shared/sudo_lease.c \
	shared/lease.h \
	shared/lease.c \
	shared/state_file.h \
	shared/state_file.c \
	shared/audit_log.h \
	shared/audit_log.c \
	shared/audit_json.c
# revocation and single use: hashing with libcrypto, and only ever asked by the verifier (the
# id alphabet that the claims, issue, revoke and the list share, ticket_id.c, is in
# libcgdecode with the claim reader: shared/token.mk)
shared_libcgcore_la_SOURCES += \
	shared/revocation.c \
	shared/revocation_index.h \
	shared/revocation_index.c \
	shared/revocation_list.h \
	shared/revocation_list.c \
	shared/revocation_list_parse.c \
	shared/revocation_list_cache.c \
	shared/revocation_list_install.c \
	shared/replay.c
