/*
 * A /tmp of this process's own, for tests that start many pam_wrapper processes at once.
 *
 * pam_wrapper 1.1.4 copies its service files into /tmp/pam.X, X one of 62 letters, chosen by
 * lstat() then mkdir() without O_EXCL semantics: two processes that start together can pick
 * the same name, overwrite each other's copies and fail a login ("Failed to create
 * pam_wrapper config dir ... File exists"). A process in its own mount namespace with a fresh
 * tmpfs on /tmp has all 62 names to itself, so the race cannot happen, however many run.
 */
#ifndef CG_PRIVATE_TMP_H
#define CG_PRIVATE_TMP_H

/* Moves the calling process into a new mount namespace (a new user namespace too when not
 * root) whose /tmp is an empty tmpfs. Each directory in keep (NULL-terminated) that lies
 * under /tmp stays visible at the same place, bind-mounted from the old /tmp: the test tree,
 * the module's directory. 0 on success, else the failed step (> 0), with nothing that the
 * caller could undo. */
int lt_private_tmp(const char *const *keep);
/* The same with a fresh tmpfs over cover instead of /tmp: how a test proves that what it
 * keeps is enough wherever the checkout lies (a checkout under /tmp is covered too). */
int lt_private_dir(const char *cover, const char *const *keep);

#endif /* CG_PRIVATE_TMP_H */
