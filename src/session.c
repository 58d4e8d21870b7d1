/*
 * session.c
 *	  Sessionization (DESIGN.md S8): window functions that number sessions
 *	  over raw events, and functions that cut stored journeys into sessions.
 *
 * One rule set serves both.  A touchpoint starts a new session when it is
 * the first one, when the gap since the previous touchpoint is strictly
 * greater than the timeout (a gap equal to the timeout stays), when it
 * falls on another local calendar day than the previous touchpoint in the
 * split_at_midnight time zone, when its label is one of the labels that
 * always start a session (a new campaign), or when the session so far
 * would last strictly longer than max_length.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "windowapi.h"

#include "builder.h"
#include "dict.h"
#include "journey.h"
#include "params.h"
#include "session.h"

#define OFF_HINT "Pass NULL to switch this rule off."

PG_FUNCTION_INFO_V1(session_number);
PG_FUNCTION_INFO_V1(session_start);
PG_FUNCTION_INFO_V1(journey_sessions);
PG_FUNCTION_INFO_V1(journey_session_count);

static int
CompareCStrings(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/*
 * Reads the rule parameters (timeout, labels, time zone, max length; NULL
 * switches a rule off) into rules, allocated in the current context.
 */
void
SessionRulesParse(SessionRules *rules, const Datum *values, const bool *isnull)
{
	memset(rules, 0, sizeof(*rules));
	if (!isnull[0])
		rules->timeout = IntervalMicros(DatumGetIntervalP(values[0]), "session timeout", OFF_HINT);
	if (!isnull[1])
	{
		ArrayType  *array = DatumGetArrayTypeP(values[1]);
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;

		deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &n);
		rules->labels = palloc(Max(n, 1) * sizeof(char *));
		rules->label_lens = palloc(Max(n, 1) * sizeof(int32));
		for (i = 0; i < n; i++)
			if (!nulls[i])
				rules->labels[rules->nlabels++] = TextDatumGetCString(elems[i]);
		/* labels hold no NUL, so strcmp orders them bytewise */
		qsort(rules->labels, rules->nlabels, sizeof(char *), CompareCStrings);
		for (i = 0; i < rules->nlabels; i++)
			rules->label_lens[i] = strlen(rules->labels[i]);
	}
	if (!isnull[2])
	{
		char	   *name = TextDatumGetCString(values[2]);

		rules->midnight_tz = pg_tzset(name);
		if (rules->midnight_tz == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" not recognized", name),
					 errhint("Use a time zone name such as Europe/Berlin or UTC.")));
		/* local days there would be off by the leap seconds (27 s in 2024) */
		if (!pg_tz_acceptable(rules->midnight_tz))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" appears to use leap seconds", name),
					 errdetail("PostgreSQL does not support leap seconds.")));
	}
	if (!isnull[3])
		rules->max_length = IntervalMicros(DatumGetIntervalP(values[3]), "maximum session length", OFF_HINT);
}

bool
SessionLabelStarts(const SessionRules *rules, const char *label, int32 len)
{
	int32		lo = 0;
	int32		hi = rules->nlabels;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;
		int			c = CompareBytes(rules->labels[mid], rules->label_lens[mid],
									 label, len);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int32
LocalDay(TimestampTz ts, pg_tz *tz)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			offset;

	if (timestamp2tm(ts, &offset, &tm, &fsec, NULL, tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return date2j(tm.tm_year, tm.tm_mon, tm.tm_mday);
}

/*
 * Advances state over a touchpoint at ts, no earlier than the previous one;
 * true if it starts a new session.
 */
bool
SessionStep(const SessionRules *rules, SessionState *state, TimestampTz ts,
			bool label_starts)
{
	int32		day = rules->midnight_tz ? LocalDay(ts, rules->midnight_tz) : 0;
	bool		starts;

	/* unsigned differences: the full timestamp range overflows int64 */
	starts = state->number == 0 || label_starts ||
		(rules->timeout > 0 &&
		 (uint64) ts - (uint64) state->prev > (uint64) rules->timeout) ||
		(rules->max_length > 0 &&
		 (uint64) ts - (uint64) state->start > (uint64) rules->max_length) ||
		(rules->midnight_tz != NULL && day != state->day);
	if (starts)
	{
		state->number++;
		state->start = ts;
	}
	state->prev = ts;
	state->day = day;
	return starts;
}

/* Window functions */

/* session_number/session_start(ts, timeout, label, labels, time zone, max length) */
#define WINDOW_LABEL_ARG 2
static const int WindowRuleArgs[SESSION_RULE_ARGS] = {1, 3, 4, 5};

typedef struct WindowSession
{
	SessionState state;
	int64		next_row;
} WindowSession;

/* The rules, read once per query: their arguments must be constants. */
static const SessionRules *
WindowRules(FunctionCallInfo fcinfo, WindowObject winobj)
{
	if (fcinfo->flinfo->fn_extra == NULL)
	{
		Datum		values[SESSION_RULE_ARGS];
		bool		isnull[SESSION_RULE_ARGS];
		MemoryContext old;
		SessionRules *rules;
		int			i;

		for (i = 0; i < SESSION_RULE_ARGS; i++)
		{
			if (!get_fn_expr_arg_stable(fcinfo->flinfo, WindowRuleArgs[i]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("session rules must be constants"),
						 errdetail("Argument %d changes from row to row.",
								   WindowRuleArgs[i] + 1)));
			values[i] = WinGetFuncArgCurrent(winobj, WindowRuleArgs[i],
											 &isnull[i]);
		}
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		rules = palloc(sizeof(SessionRules));
		SessionRulesParse(rules, values, isnull);
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = rules;
	}
	return fcinfo->flinfo->fn_extra;
}

/* Advances the partition's session over the current row; NULL if ts is. */
static WindowSession *
WindowAdvance(FunctionCallInfo fcinfo)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	const SessionRules *rules = WindowRules(fcinfo, winobj);
	WindowSession *ws = WinGetPartitionLocalMemory(winobj, sizeof(WindowSession));
	int64		row = WinGetCurrentPosition(winobj);
	bool		isnull;
	TimestampTz ts;
	bool		label_starts = false;

	if (row != ws->next_row)
		elog(ERROR, "session window function called out of row order");
	ws->next_row = row + 1;

	ts = DatumGetTimestampTz(WinGetFuncArgCurrent(winobj, 0, &isnull));
	if (isnull)
		return NULL;
	if (TIMESTAMP_NOT_FINITE(ts))
		JourneyCheckTimestamp(ts);
	if (ws->state.number > 0 && ts < ws->state.prev)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("session window functions need rows in timestamp order"),
				 errhint("Add ORDER BY on the timestamp to the OVER clause.")));
	if (rules->nlabels > 0)
	{
		Datum		label = WinGetFuncArgCurrent(winobj, WINDOW_LABEL_ARG, &isnull);

		if (!isnull)
		{
			text	   *t = DatumGetTextPP(label);

			label_starts = SessionLabelStarts(rules, VARDATA_ANY(t),
											  VARSIZE_ANY_EXHDR(t));
		}
	}
	SessionStep(rules, &ws->state, ts, label_starts);
	return ws;
}

Datum
session_number(PG_FUNCTION_ARGS)
{
	WindowSession *ws = WindowAdvance(fcinfo);

	if (ws == NULL)
		PG_RETURN_NULL();
	PG_RETURN_INT64(ws->state.number);
}

Datum
session_start(PG_FUNCTION_ARGS)
{
	WindowSession *ws = WindowAdvance(fcinfo);

	if (ws == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(ws->state.start);
}

/* Sessions of stored journeys */

/* journey_sessions/journey_session_count(j, timeout, labels, time zone, max length) */

/*
 * Decodes the journey in argument 0 and returns, in starts (palloc'd), the
 * index of each session's first touchpoint followed by ntouch; the number
 * of sessions is the return value.
 */
static int32
JourneySessionStarts(FunctionCallInfo fcinfo, Journey *j, int32 **starts)
{
	SessionRules rules;
	SessionState state = {0};
	Datum		values[SESSION_RULE_ARGS];
	bool		isnull[SESSION_RULE_ARGS];
	bool	   *label_starts;
	int32		nsessions = 0;
	int32		i;

	for (i = 0; i < SESSION_RULE_ARGS; i++)
	{
		isnull[i] = PG_ARGISNULL(i + 1);
		values[i] = isnull[i] ? (Datum) 0 : PG_GETARG_DATUM(i + 1);
	}
	SessionRulesParse(&rules, values, isnull);
	JourneyDecode(PG_GETARG_JOURNEY_P(0), j);

	label_starts = palloc(Max(j->nlabels, 1) * sizeof(bool));
	for (i = 0; i < j->nlabels; i++)
		label_starts[i] = SessionLabelStarts(&rules, j->labels[i],
											 j->label_lens[i]);
	*starts = palloc((j->ntouch + 1) * sizeof(int32));
	for (i = 0; i < j->ntouch; i++)
	{
		const JourneyTouch *t = &j->touches[i];

		if (SessionStep(&rules, &state, t->ts, label_starts[t->label]))
			(*starts)[nsessions++] = i;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	(*starts)[nsessions] = j->ntouch;
	return nsessions;
}

Datum
journey_session_count(PG_FUNCTION_ARGS)
{
	Journey		j;
	int32	   *starts;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_INT32(JourneySessionStarts(fcinfo, &j, &starts));
}

/*
 * Rows (session_no, session, session_start, session_end, duration,
 * duration_seconds, touchpoints, entry_label, exit_label), one per session;
 * session_no is bigint, as session_number's, so that the two join.
 */
Datum
journey_sessions(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {INT8OID, InvalidOid, TIMESTAMPTZOID, TIMESTAMPTZOID, INTERVALOID, FLOAT8OID, INT4OID, TEXTOID, TEXTOID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Journey		j;
	int32	   *starts;
	int32		nsessions;
	int32		s;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	nsessions = JourneySessionStarts(fcinfo, &j, &starts);
	for (s = 0; s < nsessions; s++)
	{
		const JourneyTouch *first = &j.touches[starts[s]];
		const JourneyTouch *last = &j.touches[starts[s + 1] - 1];
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		values[0] = Int64GetDatum((int64) s + 1);
		values[1] = PointerGetDatum(JourneyFromDecoded(&j, starts[s],
													   starts[s + 1], NULL));
		values[2] = TimestampTzGetDatum(first->ts);
		values[3] = TimestampTzGetDatum(last->ts);
		values[4] = DirectFunctionCall2(timestamp_mi, values[3], values[2]);
		values[5] = SecondsBetween(first->ts, last->ts);
		values[6] = Int32GetDatum(starts[s + 1] - starts[s]);
		values[7] = PointerGetDatum(cstring_to_text_with_len(j.labels[first->label],
															 j.label_lens[first->label]));
		values[8] = PointerGetDatum(cstring_to_text_with_len(j.labels[last->label],
															 j.label_lens[last->label]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
