# The token pipeline: one file per step of the verification order (docs/token-format.md).
# Decoding without trusting (size, shape, strict JSON, reading the claims) is in libcgdecode:
# libc and jansson only, so that changegate-askpass can read a token on a developer's laptop
# without libjwt or libcrypto.
noinst_LTLIBRARIES += shared/libcgdecode.la
shared_libcgdecode_la_SOURCES = \
	shared/token_internal.h \
	shared/token_b64url.c \
	shared/token_decode.c \
	shared/token_claims_read.c \
	shared/ticket_id.c \
	shared/token_detail.c \
	shared/token_inspect.c
shared_libcgdecode_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
# $(JANSSON_LIBS) comes from those that link it (shared/Makefile.inc says why)
# libcgbase holds it (the checks after the signature name tickets and ids with it: core.mk),
# and libcgcore holds libcgbase
shared_libcgbase_la_LIBADD += shared/libcgdecode.la
shared_libcgcore_la_SOURCES += \
	shared/token_header.c \
	shared/token_key.c \
	shared/token_key_der.c \
	shared/token_signature.c \
	shared/jws_signature_evp.c \
	shared/token_four_eyes.c \
	shared/identity_fold.c \
	shared/token_policy.c \
	shared/token_verify.c
