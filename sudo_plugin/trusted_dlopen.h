/*
 * The one way changegate_sudo.so loads another object into sudo: the verifier it opens for a
 * gated user's token (verifier_load.c) and the policy the wrapper delegates to
 * (policy_plugin.c). Both run as root inside sudo, so both must pass the rules every file
 * that decides who gets in passes.
 */
#ifndef CGS_TRUSTED_DLOPEN_H
#define CGS_TRUSTED_DLOPEN_H

#include <stddef.h>

/* dlopen(RTLD_NOW | RTLD_LOCAL) of dir/name, where path is that file's full, absolute name.
 * The directory and then the file are opened O_NOFOLLOW and checked as open files
 * (cg_check_trusted_fd: regular or directory, owned by root or the euid, not group or other
 * writable); the object is then loaded through /proc/self/fd/N, so nothing renamed or
 * swapped after the checks can take its place. Where /proc is not mounted (a chroot rescue
 * shell, a container) it is loaded by path instead and kept only when it is the checked
 * file (cgs_loaded_is): the checked directory lets only root swap it, and refusing would
 * lock root out of sudo. The handle, with *fd = N, or NULL with err saying why.
 *
 * Keep *fd open while the object may stay loaded, even after your dlclose (sudo or the
 * caller may hold it too): glibc finds a loaded object by the name it was opened under, so
 * a later "/proc/self/fd/N" of another file would get this object instead. */
void *cgs_dlopen_trusted(const char *dir, const char *name, const char *path, int *fd,
			 char *err, size_t errlen);

/* 0 when the object h was loaded from is the file open at fd (the same device and inode, by
 * the name the dynamic linker recorded), else -1 with err saying why (path names it). */
int cgs_loaded_is(void *h, int fd, const char *path, char *err, size_t errlen);

#endif /* CGS_TRUSTED_DLOPEN_H */
