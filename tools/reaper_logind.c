/*
 * Asking systemd-logind to end a login's session, in addition to our own signals: logind
 * then stops the session's scope (and whatever a PAM stack with pam_systemd put there) and
 * forgets the session. Over sd-bus, with a hard bound on time: a hung bus must never stall
 * the reaper's loop nor revocation's 5-second promise (the caller has signalled already).
 *
 * The bus is always /run/dbus/system_bus_socket: DBUS_SYSTEM_BUS_ADDRESS is not honoured,
 * as the reaper runs as root and must not be pointed at another "logind" by its environment.
 * A connection is opened per end and closed after it: ending is rare, so a fresh connection
 * costs nothing worth saving and needs no reconnect logic after dbus restarts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <systemd/sd-bus.h>

#include "reaper.h"

#define BUS_ADDRESS "unix:path=/run/dbus/system_bus_socket"
#define LOGIND "org.freedesktop.login1"
#define BUDGET_USEC (2ULL * 1000 * 1000)       /* all the calls of one end */
#define QUIET_AFTER_HANG 30                     /* seconds not asking after a timeout */

static bool absent_said;                        /* absence is logged once per process */
static time_t hung_until;

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

struct pending {
	bool done;
	sd_bus_message *reply;
};

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	(void)e;
	struct pending *p = userdata;
	p->done = true;
	p->reply = sd_bus_message_ref(m);
	return 0;
}

/* One method call, asynchronous with our own loop: sd_bus_call would wait for the
 * connection's authentication without any bound. 0 with *reply (possibly an error reply),
 * or -errno (-ETIMEDOUT past deadline). */
static int call(sd_bus *bus, uint64_t deadline, sd_bus_message *m, sd_bus_message **reply)
{
	struct pending p = {false, NULL};
	sd_bus_slot *slot = NULL;
	uint64_t now = now_usec();
	if (now >= deadline)
		return -ETIMEDOUT;
	int r = sd_bus_call_async(bus, &slot, m, on_reply, &p, deadline - now);
	while (r >= 0 && !p.done) {
		r = sd_bus_process(bus, NULL);
		if (r < 0 || p.done)
			break;
		/* checked after every step, not only before waiting: a bus that keeps sending
		 * other messages must not keep us past the deadline either */
		now = now_usec();
		if (now >= deadline)
			r = -ETIMEDOUT;
		else if (r == 0)
			r = sd_bus_wait(bus, deadline - now);
	}
	sd_bus_slot_unref(slot);
	if (!p.done)
		return r < 0 ? r : -ETIMEDOUT;
	*reply = p.reply;
	return 0;
}

/* A call to logind: 0 with *reply a method return, 1 with err_name set (an error reply), or
 * -errno. */
static int logind_call(sd_bus *bus, uint64_t deadline, const char *path, const char *iface,
		       const char *method, sd_bus_message **reply, char *err_name, size_t len,
		       const char *types, const char *a1, const char *a2)
{
	sd_bus_message *m = NULL;
	int r = sd_bus_message_new_method_call(bus, &m, LOGIND, path, iface, method);
	if (r >= 0)
		r = a2 != NULL ? sd_bus_message_append(m, types, a1, a2)
			       : sd_bus_message_append(m, types, a1);
	if (r >= 0)
		r = call(bus, deadline, m, reply);
	sd_bus_message_unref(m);
	if (r < 0)
		return r;
	const sd_bus_error *e = sd_bus_message_get_error(*reply);
	if (e == NULL)
		return 0;
	snprintf(err_name, len, "%s", e->name != NULL ? e->name : "?");
	sd_bus_message_unref(*reply);
	*reply = NULL;
	return 1;
}

/* The Audit (u) and Name (s) properties of the session at path. 0, 1 (err_name), -errno. */
static int session_props(sd_bus *bus, uint64_t deadline, const char *path, unsigned *audit,
			 char *name, size_t namelen, char *err_name, size_t errlen)
{
	static const char iface[] = "org.freedesktop.DBus.Properties";
	static const char session[] = "org.freedesktop.login1.Session";
	sd_bus_message *reply = NULL;
	uint32_t a = 0;
	const char *n = NULL;
	int r = logind_call(bus, deadline, path, iface, "Get", &reply, err_name, errlen, "ss",
			    session, "Audit");
	if (r != 0)
		return r;
	r = sd_bus_message_read(reply, "v", "u", &a);
	sd_bus_message_unref(reply);
	reply = NULL;
	if (r < 0)
		return r;
	r = logind_call(bus, deadline, path, iface, "Get", &reply, err_name, errlen, "ss",
			session, "Name");
	if (r != 0)
		return r;
	r = sd_bus_message_read(reply, "v", "s", &n);
	if (r >= 0)
		snprintf(name, namelen, "%s", n);
	sd_bus_message_unref(reply);
	*audit = a;
	return r < 0 ? r : 0;
}

/* Absence is normal on many hosts (no bus, no logind, a session logind does not manage or
 * already closed as our signals ended it): said once at LOG_INFO, then at LOG_DEBUG. */
static void say_absent(unsigned sid, const char *what)
{
	syslog(LOG_AUTHPRIV | (absent_said ? LOG_DEBUG : LOG_INFO), "session %u: not ended "
	       "through systemd-logind: %s", sid, what);
	absent_said = true;
}

/* The walk: GetSession, check, TerminateSession. */
static enum rp_logind ask(sd_bus *bus, unsigned sid, const char *user, const char *id)
{
	static const char manager_path[] = "/org/freedesktop/login1";
	static const char manager[] = "org.freedesktop.login1.Manager";
	uint64_t deadline = now_usec() + BUDGET_USEC;
	char err_name[256] = "", path[256] = "", name[256] = "";
	sd_bus_message *reply = NULL;
	const char *step = "GetSession";
	int r = logind_call(bus, deadline, manager_path, manager, "GetSession", &reply, err_name,
			    sizeof(err_name), "s", id, NULL);
	if (r == 0) {
		const char *o = NULL;
		/* a read returns > 0 on success */
		r = sd_bus_message_read(reply, "o", &o);
		if (r >= 0 && strlen(o) < sizeof(path)) {
			memcpy(path, o, strlen(o) + 1);
			r = 0;
		} else if (r >= 0) {
			r = -ENAMETOOLONG;
		}
		sd_bus_message_unref(reply);
		reply = NULL;
	}
	unsigned audit = 0;
	if (r == 0) {
		step = "reading its properties";
		r = session_props(bus, deadline, path, &audit, name, sizeof(name), err_name,
				  sizeof(err_name));
	}
	if (r == 0) {
		const char *why = rp_logind_mismatch(sid, user, audit, name);
		if (why != NULL) {
			syslog(LOG_AUTHPRIV | LOG_WARNING, "session %u: systemd-logind's session "
			       "%s not asked to terminate: %s (Audit %u)", sid, id, why, audit);
			return RP_LOGIND_REFUSED;
		}
		step = "TerminateSession";
		r = logind_call(bus, deadline, manager_path, manager, "TerminateSession", &reply,
				err_name, sizeof(err_name), "s", id, NULL);
		sd_bus_message_unref(reply);
		if (r == 0)
			return RP_LOGIND_TERMINATED;
	}
	if (r == 1 && rp_logind_error_is_absent(err_name, 0)) {
		say_absent(sid, err_name);
		return RP_LOGIND_ABSENT;
	}
	if (r == 1 && strcmp(step, "reading its properties") == 0) {
		/* a session whose Audit id cannot be read cannot be shown to be ours */
		syslog(LOG_AUTHPRIV | LOG_WARNING, "session %u: systemd-logind's session %s not "
		       "asked to terminate: its properties cannot be read (%s)", sid, id, err_name);
		return RP_LOGIND_REFUSED;
	}
	if (r == -ETIMEDOUT || (r == 1 && (strcmp(err_name, SD_BUS_ERROR_NO_REPLY) == 0 ||
					   strcmp(err_name, SD_BUS_ERROR_TIMEOUT) == 0)))
		hung_until = time(NULL) + QUIET_AFTER_HANG;
	syslog(LOG_AUTHPRIV | LOG_WARNING, "session %u: systemd-logind %s failed: %s", sid, step,
	       r == 1 ? err_name : strerror(-r));
	return RP_LOGIND_FAILED;
}

enum rp_logind rp_logind_terminate(unsigned sid, const char *user)
{
	if (time(NULL) < hung_until) {
		syslog(LOG_AUTHPRIV | LOG_WARNING, "session %u: systemd-logind not asked: the bus "
		       "did not answer in time a moment ago", sid);
		return RP_LOGIND_FAILED;
	}
	char id[16];
	snprintf(id, sizeof(id), "%u", sid);
	sd_bus *bus = NULL;
	int r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, BUS_ADDRESS);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	enum rp_logind result;
	if (r >= 0) {
		result = ask(bus, sid, user, id);
	} else if (rp_logind_error_is_absent(NULL, -r)) {
		char what[128];
		snprintf(what, sizeof(what), "no system bus (%s)", strerror(-r));
		say_absent(sid, what);
		result = RP_LOGIND_ABSENT;
	} else {
		syslog(LOG_AUTHPRIV | LOG_WARNING, "session %u: cannot connect to the system bus: "
		       "%s", sid, strerror(-r));
		result = RP_LOGIND_FAILED;
	}
	/* close, never flush: a flush waits for a peer that may not read */
	sd_bus_close(bus);
	sd_bus_unref(bus);
	return result;
}
