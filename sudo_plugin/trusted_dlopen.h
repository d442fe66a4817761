/*
 * The one way changegate_sudo.so loads another object into sudo: the verifier it opens for a
 * gated user's token (verifier_load.c) and the policy the wrapper delegates to
 * (policy_plugin.c). Both run as root inside sudo, so both must pass the rules every file
 * that decides who gets in passes.
 */
#ifndef CGS_TRUSTED_DLOPEN_H
#define CGS_TRUSTED_DLOPEN_H

#include <stddef.h>

/* dlopen(RTLD_NOW | RTLD_LOCAL) of dir/name, where path is that file's full name (for the
 * messages). The directory and then the file are opened O_NOFOLLOW and checked as open
 * files (cg_check_trusted_fd: regular or directory, owned by root or the euid, not group or
 * other writable); the object is then loaded through /proc/self/fd/N, so nothing renamed or
 * swapped after the checks can take its place. The handle, with *fd = N, or NULL with err
 * saying why.
 *
 * Keep *fd open while the object may stay loaded, even after your dlclose (sudo or the
 * caller may hold it too): glibc finds a loaded object by the name it was opened under, so
 * a later "/proc/self/fd/N" of another file would get this object instead. */
void *cgs_dlopen_trusted(const char *dir, const char *name, const char *path, int *fd,
			 char *err, size_t errlen);

#endif /* CGS_TRUSTED_DLOPEN_H */
