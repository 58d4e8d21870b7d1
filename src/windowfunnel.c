/*
 * windowfunnel.c
 *	  window_funnel: ClickHouse's windowFunnel over raw events, with its
 *	  modes, as an aggregate whose state is an ordinary journey.
 *
 * Each row meeting some condition becomes a touchpoint whose label holds
 * the window, the modes and the conditions it meets ("w3600000000m0|01,03"),
 * so the state sorts, combines and travels (in parallel query and between
 * Citus nodes) like any journey, and equal timestamps are ordered by their
 * lowest condition first.  In strict_order mode rows meeting no condition
 * are kept too, with an empty list.
 *
 * The final function then runs ClickHouse's scan: for each event in time
 * order, and for the conditions of one row in descending order (so a row
 * never follows itself), condition 1 starts a chain, and condition i
 * extends the chain that reached i - 1 if it is within the window of that
 * chain's start; the level is the highest condition reached.  Modes:
 * strict_deduplication stops at a repeated condition, strict_order stops
 * at an event out of order (or meeting no condition), strict_increase
 * needs strictly increasing times, and allow_reentry makes strict_order
 * skip, rather than stop at, a condition already reached.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "builder.h"
#include "params.h"

PG_FUNCTION_INFO_V1(window_funnel_transfn);
PG_FUNCTION_INFO_V1(window_funnel_final);

#define WF_MAX_STEPS 32

#define WF_DEDUPLICATION	0x01
#define WF_ORDER			0x02
#define WF_INCREASE			0x04
#define WF_REENTRY			0x08

/* room for "w<window>m<modes>n<conditions>|" */
#define EVENT_PREFIX_MAX 48

static int
ParseModes(ArrayType *array)
{
	static const char *const names[] = {
		"strict_deduplication", "strict_order", "strict_increase", "allow_reentry"
	};
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			modes = 0;
	int			i;
	int			m;

	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		char	   *name = nulls[i] ? "NULL" : TextDatumGetCString(elems[i]);

		for (m = 0; m < (int) lengthof(names); m++)
			if (!nulls[i] && strcmp(name, names[m]) == 0)
				break;
		if (m == (int) lengthof(names))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown window_funnel mode \"%s\"", name),
					 errhint("Use strict_deduplication, strict_order, strict_increase or allow_reentry.")));
		modes |= 1 << m;
	}
	return modes;
}

/*
 * window_funnel(window, [modes,] ts, VARIADIC conditions): NULL timestamps
 * and NULL condition arrays are skipped; NULL conditions count as false.
 */
Datum
window_funnel_transfn(PG_FUNCTION_ARGS)
{
	bool		with_modes = PG_NARGS() == 5;
	int			ts_arg = with_modes ? 3 : 2;
	ExpandedSummary *es;
	JourneyBuilder *b;
	Datum	   *flags;
	bool	   *nulls;
	int			n;
	int			modes = 0;
	int64		window;
	char		label[EVENT_PREFIX_MAX + 3 * WF_MAX_STEPS];
	int			len;
	bool		any = false;
	int			i;

	if (PG_ARGISNULL(ts_arg) || PG_ARGISNULL(ts_arg + 1))
		RETURN_STATE_UNCHANGED();
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("window_funnel window must not be NULL")));
	window = IntervalMicros(PG_GETARG_INTERVAL_P(1), "window_funnel window", NULL);
	if (with_modes && !PG_ARGISNULL(2))
		modes = ParseModes(PG_GETARG_ARRAYTYPE_P(2));
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(ts_arg + 1), BOOLOID, 1, true,
					  TYPALIGN_CHAR, &flags, &nulls, &n);
	if (n < 1 || n > WF_MAX_STEPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window_funnel takes between 1 and %d conditions", WF_MAX_STEPS)));

	/* one snprintf for the prefix, the conditions' digits by hand */
	len = snprintf(label, EVENT_PREFIX_MAX, "w" INT64_FORMAT "m%dn%d|",
				   window, modes, n);
	for (i = 0; i < n; i++)
		if (!nulls[i] && DatumGetBool(flags[i]))
		{
			if (any)
				label[len++] = ',';
			label[len++] = '0' + (i + 1) / 10;
			label[len++] = '0' + (i + 1) % 10;
			any = true;
		}
	es = SummaryArg(fcinfo, &JourneySummary);
	b = es->builder;
	if (any || (modes & WF_ORDER))
		JourneyBuilderAdd(b, PG_GETARG_TIMESTAMPTZ(ts_arg),
						  JourneyBuilderLabel(b, label, len), false, 0);
	return SummaryReturn(es);
}

/* Reads "w<window>m<modes>n<conditions>|<steps>": the conditions met. */
static uint32
ParseEvent(const char *s, int32 len, int64 *window, int *modes, int *n)
{
	char	   *text = pnstrdup(s, len);
	char	   *bar = strchr(text, '|');
	long long	w;
	uint32		steps = 0;
	char	   *p;

	if (bar == NULL || sscanf(text, "w%lldm%dn%d|", &w, modes, n) != 3 ||
		*n < 1 || *n > WF_MAX_STEPS)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("window_funnel state has a foreign label \"%s\"", text)));
	*window = w;
	for (p = bar + 1; *p; p++)
	{
		long		step = strtol(p, &p, 10);

		if (step >= 1 && step <= WF_MAX_STEPS)
			steps |= ((uint32) 1) << (step - 1);
		if (*p == '\0')
			break;
	}
	pfree(text);
	return steps;
}

Datum
window_funnel_final(PG_FUNCTION_ARGS)
{
	Journey		j;
	int64		window = 0;
	int			modes = 0;
	TimestampTz first[WF_MAX_STEPS];
	TimestampTz last[WF_MAX_STEPS];
	bool		reached[WF_MAX_STEPS] = {0};
	bool		started = false;
	int			nsteps = 0;
	uint32	   *label_steps;
	int32		i;
	int			level;

	JourneyDecode(SummaryDatumGetStored(&JourneySummary, PG_GETARG_DATUM(0)), &j);
	/* each distinct label is parsed once, not once per event */
	label_steps = palloc(Max(j.nlabels, 1) * sizeof(uint32));
	for (i = 0; i < j.nlabels; i++)
	{
		int64		w;
		int			m;
		int			n;

		label_steps[i] = ParseEvent(j.labels[i], j.label_lens[i], &w, &m, &n);
		if (i > 0 && (w != window || m != modes || n != nsteps))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("window_funnel window, modes and conditions must be the same on every row")));
		window = w;
		modes = m;
		nsteps = n;
	}

	for (i = 0; i < j.ntouch; i++)
	{
		const JourneyTouch *t = &j.touches[i];
		uint32		steps = label_steps[t->label];
		int			s;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();

		if (steps == 0)
		{
			/* strict_order: an event meeting no condition ends the search */
			if (started)
				break;
			continue;
		}
		for (s = WF_MAX_STEPS - 1; s >= 0; s--)
		{
			if (!(steps & (((uint32) 1) << s)))
				continue;
			if (s == 0)
			{
				first[0] = last[0] = t->ts;
				reached[0] = started = true;
			}
			else if ((modes & WF_DEDUPLICATION) && reached[s])
				PG_RETURN_INT32(s + 1);	/* as ClickHouse: the repeated level */
			else if ((modes & WF_ORDER) && started && !reached[s - 1])
			{
				if (modes & WF_REENTRY)
					continue;
				goto done;
			}
			else if (reached[s - 1] &&
					 (uint64) t->ts - (uint64) first[s - 1] <= (uint64) window &&
					 (!(modes & WF_INCREASE) || last[s - 1] < t->ts))
			{
				first[s] = first[s - 1];
				last[s] = t->ts;
				reached[s] = true;
				if (s + 1 == nsteps)
					goto done;
			}
		}
	}
done:
	level = 0;
	for (i = WF_MAX_STEPS; i > 0; i--)
		if (reached[i - 1])
		{
			level = i;
			break;
		}
	PG_RETURN_INT32(level);
}
