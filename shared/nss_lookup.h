/* Internal to the core: the name-service look-ups that gate.c and runas_group_nss.c share,
 * each with a growing buffer capped at CG_NSS_BUF_MAX, so no answer makes us allocate
 * without bound. */
#ifndef CG_NSS_LOOKUP_H
#define CG_NSS_LOOKUP_H

#include <stddef.h>
#include <sys/types.h>

#define CG_NSS_BUF_START 4096
#define CG_NSS_BUF_MAX (1024 * 1024)

/* getpwnam_r: the account's uid, primary gid and canonical name (pw_name, which a
 * case-folding or realm-stripping name service may spell differently from what was typed).
 * 1 found, 0 no such user or name too long for canon, -1 error. */
int cg_nss_user(const char *user, uid_t *uid, gid_t *gid, char *canon, size_t canonlen);
/* getgrnam_r(name), or getgrgid_r(gid) when name is NULL: fills *gid_out and name_out
 * (either may be NULL). 1 found, 0 no such group or a name too long for name_out, -1 error. */
int cg_nss_group(const char *name, gid_t gid, gid_t *gid_out, char *name_out, size_t outlen);
/* All the user's group ids (getgrouplist), primary included; *out malloc'd. -1 on error. */
int cg_nss_user_gids(const char *user, gid_t primary, gid_t **out, int *count);

#endif /* CG_NSS_LOOKUP_H */
