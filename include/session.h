/*
 * session.h
 *	  Session rules (DESIGN.md S8) shared by the window functions over raw
 *	  events and the functions that cut stored journeys into sessions.
 */
#ifndef JOURNEY_SESSION_H
#define JOURNEY_SESSION_H

#include "fmgr.h"
#include "pgtime.h"
#include "utils/timestamp.h"

typedef struct SessionRules
{
	int64		timeout;		/* inactivity gap in microseconds; 0: none */
	int64		max_length;		/* microseconds; 0: none */
	pg_tz	   *midnight_tz;	/* split at local midnight here; NULL: none */
	int32		nlabels;		/* labels that always start a session */
	char	  **labels;			/* sorted bytewise */
	int32	   *label_lens;
} SessionRules;

typedef struct SessionState
{
	int64		number;			/* current session, from 1; 0 before any */
	TimestampTz start;			/* first touchpoint of the current session */
	TimestampTz prev;			/* previous touchpoint */
	int32		day;			/* local Julian day of prev, with midnight_tz */
} SessionState;

/* The rule parameters in SQL order: timeout, labels, time zone, max length. */
#define SESSION_RULE_ARGS 4

extern void SessionRulesParse(SessionRules *rules, const Datum *values,
							  const bool *isnull);
extern bool SessionLabelStarts(const SessionRules *rules, const char *label,
							   int32 len);
extern bool SessionStep(const SessionRules *rules, SessionState *state,
						TimestampTz ts, bool label_starts);

#endif							/* JOURNEY_SESSION_H */
