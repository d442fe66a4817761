/* Shared between the syslog line (audit_log.c) and the JSON record (audit_json.c). */
#ifndef CG_AUDIT_LOG_H
#define CG_AUDIT_LOG_H

#include "changegate.h"

/* A verified break-glass token: logged at LOG_ALERT and flagged in the JSON record. */
bool cg_audit_is_emergency(const struct cg_audit_event *ev);

#endif /* CG_AUDIT_LOG_H */
