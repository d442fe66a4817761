# config, gating, matching, session records, audit lines: no cryptography, in libcgbase
shared_libcgbase_la_SOURCES += \
	shared/config_values.h \
	shared/config_values.c \
	shared/config_parse.c \
	shared/gate.c \
	shared/gate_rule.c \
	shared/match.c \
	shared/session_record.c \
	shared/audit_log.h \
	shared/audit_log.c \
	shared/audit_json.c
# revocation and single use: hashing with libcrypto, and only ever asked by the verifier
shared_libcgcore_la_SOURCES += \
	shared/revocation.c \
	shared/revocation_index.h \
	shared/revocation_index.c \
	shared/replay.c
