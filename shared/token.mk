# The token pipeline: one file per step of the verification order (docs/token-format.md).
shared_libcgcore_la_SOURCES += \
	shared/token_internal.h \
	shared/token_b64url.c \
	shared/token_decode.c \
	shared/token_header.c \
	shared/token_key.c \
	shared/token_key_der.c \
	shared/token_signature.c \
	shared/token_claims_read.c \
	shared/token_four_eyes.c \
	shared/identity_fold.c \
	shared/token_verify.c \
	shared/token_inspect.c
