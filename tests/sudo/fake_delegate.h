/* The fake delegate policy's knobs and counters, shared by fake_delegate.c and the tests. */
#ifndef CG_FAKE_DELEGATE_H
#define CG_FAKE_DELEGATE_H

struct fake_delegate_state {
	int check_result;          /* what check_policy returns */
	const char *command;       /* "command=" path it reports */
	const char *runas_user;    /* runas_user= (NULL: left out) */
	const char *runas_uid;     /* runas_uid= */
	const char *timeout;       /* "timeout=" value it sets (NULL: none) */
	char **env_out;            /* the user_env_out it returns (NULL: an empty one) */
	int opens, closes, checks, lists, validates, invalidates, init_sessions, hooks;
	char *info[8];             /* the command_info it owns */
	char *argv_out[8];
};

#endif /* CG_FAKE_DELEGATE_H */
