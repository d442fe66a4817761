/*
 * A stand-in for systemd-logind on a test's private system bus (this machine has no
 * logind): owns org.freedesktop.login1, answers Manager.GetSession and
 * Manager.TerminateSession for the sessions named on its command line, and serves their Id,
 * Audit and Name properties, as logind does. Each call is appended to RECORD ("GetSession
 * ID", "TerminateSession ID"), which is what the tests check; a terminated session is then
 * forgotten (NoSuchSession), as logind forgets a session it stopped.
 *
 * Usage: fake_logind RECORD READY ID:AUDIT:NAME...
 * READY is created once the name is owned. Runs until killed (SIGTERM).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#define SESSIONS_MAX 16

struct session {
	char *id;
	uint32_t audit;
	char *name;
	char *path;
	sd_bus_slot *slot;
};

static struct session sessions[SESSIONS_MAX];
static size_t nsessions;
static FILE *record;

static struct session *find(const char *id)
{
	for (size_t i = 0; i < nsessions; i++) {
		if (sessions[i].slot != NULL && strcmp(sessions[i].id, id) == 0)
			return &sessions[i];
	}
	return NULL;
}

static int no_such(sd_bus_message *m, const char *id)
{
	return sd_bus_reply_method_errorf(m, "org.freedesktop.login1.NoSuchSession",
					  "No session '%s' known", id);
}

static int get_session(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	(void)userdata;
	(void)e;
	const char *id = NULL;
	int r = sd_bus_message_read(m, "s", &id);
	if (r < 0)
		return r;
	fprintf(record, "GetSession %s\n", id);
	fflush(record);
	struct session *s = find(id);
	return s != NULL ? sd_bus_reply_method_return(m, "o", s->path) : no_such(m, id);
}

static int terminate_session(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	(void)userdata;
	(void)e;
	const char *id = NULL;
	int r = sd_bus_message_read(m, "s", &id);
	if (r < 0)
		return r;
	fprintf(record, "TerminateSession %s\n", id);
	fflush(record);
	struct session *s = find(id);
	if (s == NULL)
		return no_such(m, id);
	s->slot = sd_bus_slot_unref(s->slot);
	return sd_bus_reply_method_return(m, "");
}

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("GetSession", "s", "o", get_session, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("TerminateSession", "s", "", terminate_session, 0),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable session_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Id", "s", NULL, offsetof(struct session, id),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Audit", "u", NULL, offsetof(struct session, audit),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Name", "s", NULL, offsetof(struct session, name),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_VTABLE_END
};

/* ID:AUDIT:NAME into s; 0 or -1. */
static int parse_session(char *arg, struct session *s)
{
	char *audit = strchr(arg, ':');
	char *name = audit != NULL ? strchr(audit + 1, ':') : NULL;
	if (name == NULL)
		return -1;
	*audit++ = '\0';
	*name++ = '\0';
	char *end;
	unsigned long v = strtoul(audit, &end, 10);
	if (*arg == '\0' || *end != '\0' || v > UINT32_MAX)
		return -1;
	s->id = arg;
	s->audit = (uint32_t)v;
	s->name = name;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc - 3 > SESSIONS_MAX) {
		fprintf(stderr, "usage: fake_logind RECORD READY ID:AUDIT:NAME...\n");
		return 2;
	}
	record = fopen(argv[1], "a");
	if (record == NULL) {
		perror(argv[1]);
		return 1;
	}
	sd_bus *bus = NULL;
	int r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/login1",
					     "org.freedesktop.login1.Manager", manager_vtable,
					     NULL);
	for (int i = 3; r >= 0 && i < argc; i++) {
		struct session *s = &sessions[nsessions++];
		if (parse_session(argv[i], s) != 0) {
			fprintf(stderr, "fake_logind: bad session %s\n", argv[i]);
			return 2;
		}
		r = sd_bus_path_encode("/org/freedesktop/login1/session", s->id, &s->path);
		if (r >= 0)
			r = sd_bus_add_object_vtable(bus, &s->slot, s->path,
						     "org.freedesktop.login1.Session",
						     session_vtable, s);
	}
	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.login1", 0);
	if (r < 0) {
		fprintf(stderr, "fake_logind: %s\n", strerror(-r));
		return 1;
	}
	FILE *ready = fopen(argv[2], "w");
	if (ready == NULL || fclose(ready) != 0) {
		perror(argv[2]);
		return 1;
	}
	for (;;) {
		r = sd_bus_process(bus, NULL);
		if (r < 0) {
			fprintf(stderr, "fake_logind: %s\n", strerror(-r));
			return 1;
		}
		if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
			return 1;
	}
}
