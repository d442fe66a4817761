/*
 * A name service that, like SSSD or winbind with case-insensitive names, answers for any
 * spelling of one account: getpwnam_r("CAROL") gives pw_name "carol". Tests that link
 * tests/common/fake_nss.c get it in place of the C library's getpwnam_r (every other name
 * goes to the real one), so that the canonical-name rule can fail without such a service.
 * It also fails to look up one group, as a name service that is down does: getgrnam_r of
 * FAKE_NSS_BROKEN_GROUP returns EIO (every other group goes to the real one).
 */
#ifndef CG_FAKE_NSS_H
#define CG_FAKE_NSS_H

#define FAKE_NSS_USER "carol"
#define FAKE_NSS_UID 4242
#define FAKE_NSS_GID 4242
#define FAKE_NSS_BROKEN_GROUP "nss-down-changegate"

#endif /* CG_FAKE_NSS_H */
