/*
 * windowfunnel.c
 *	  window_funnel: ClickHouse's windowFunnel over raw events, with its
 *	  modes, as an aggregate whose state is an ordinary journey.
 *
 * The state grows in memory as a compact list of events, a timestamp and
 * a bit mask of the conditions met (FunnelSummary).  Its stored form is an
 * ordinary journey, so it combines and travels (in parallel query and
 * between Citus nodes) like any journey: each event is a touchpoint whose
 * label holds the window, the modes and the conditions it meets
 * ("w3600000000m0n3|01,03"), and equal timestamps are ordered by label,
 * that is by their conditions as a list.  In strict_order mode rows
 * meeting no condition are kept too, with an empty list.
 *
 * The final function computes the exact maximum over chains of distinct
 * rows (ExactLevel) in the default mode and under strict_increase, as
 * funnel_level does; strict_order and strict_deduplication (with
 * allow_reentry) run ClickHouse's scan, the one funnel_level runs in those
 * modes (funnelscan.c), and strict_once its strict_once scan.  In the
 * default mode and under strict_increase a row fills one condition of a
 * chain at most already, and every chain counts: strict_once changes
 * nothing there.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "argcache.h"
#include "builder.h"
#include "collect.h"
#include "funnel.h"
#include "params.h"

PG_FUNCTION_INFO_V1(window_funnel_transfn);
PG_FUNCTION_INFO_V1(window_funnel_combine);
PG_FUNCTION_INFO_V1(window_funnel_final);

#define WF_MAX_STEPS 32

#define WF_DEDUPLICATION	0x01
#define WF_ORDER			0x02
#define WF_INCREASE			0x04
#define WF_REENTRY			0x08
#define WF_ONCE				0x10

/* room for "w<window>m<modes>n<conditions>|" */
#define EVENT_PREFIX_MAX 48

static const FunnelModeName WindowFunnelModes[] = {
	{"strict_deduplication", WF_DEDUPLICATION}, {"strict_order", WF_ORDER},
	{"strict_increase", WF_INCREASE}, {"allow_reentry", WF_REENTRY},
	{"strict_once", WF_ONCE},
	{"any_order", 0}			/* funnel_level's only: refused by name */
};

/* One event of the state: when, and which conditions it meets. */
typedef struct FunnelEvent
{
	TimestampTz ts;
	uint32		steps;
} FunnelEvent;

typedef struct FunnelBuilder
{
	MemoryContext cxt;
	bool		has_params;		/* window, modes and nsteps are set */
	int64		window;
	int			modes;
	int			nsteps;
	int32		nevents;
	int32		maxevents;
	FunnelEvent *events;
} FunnelBuilder;

static void
FunnelSetParams(FunnelBuilder *b, int64 window, int modes, int nsteps)
{
	if (!b->has_params)
	{
		b->window = window;
		b->modes = modes;
		b->nsteps = nsteps;
		b->has_params = true;
	}
	else if (window != b->window || modes != b->modes || nsteps != b->nsteps)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window_funnel window, modes and conditions must be the same on every row")));
}

static void
FunnelAddEvent(FunnelBuilder *b, TimestampTz ts, uint32 steps)
{
	if (b->nevents == b->maxevents)
	{
		b->maxevents = GrowCapacity(b->maxevents, JOURNEY_MAX_TOUCHPOINTS,
									"events in one window_funnel group",
									"Split the group, for example by customer.");
		b->events = ResizeArray(b->cxt, b->events, b->maxevents, sizeof(FunnelEvent));
	}
	b->events[b->nevents].ts = ts;
	b->events[b->nevents].steps = steps;
	b->nevents++;
}

/* The label of an event: "w<window>m<modes>n<conditions>|<steps>". */
static int
EventLabel(const FunnelBuilder *b, uint32 steps, char *label)
{
	int			len = snprintf(label, EVENT_PREFIX_MAX, "w" INT64_FORMAT "m%dn%d|",
							   b->window, b->modes, b->nsteps);
	bool		any = false;
	int			i;

	for (i = 0; i < WF_MAX_STEPS; i++)
		if (steps & ((uint32) 1 << i))
		{
			if (any)
				label[len++] = ',';
			label[len++] = '0' + (i + 1) / 10;
			label[len++] = '0' + (i + 1) % 10;
			any = true;
		}
	return len;
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

static void
FunnelInit(void *builder, MemoryContext cxt)
{
	((FunnelBuilder *) builder)->cxt = cxt;
}

/* A stored state is a journey: each distinct label is parsed once. */
static void
FunnelAddStored(void *builder, struct varlena *stored)
{
	FunnelBuilder *b = builder;
	Journey		j;
	uint32	   *label_steps;
	int32		i;

	JourneyDecode(stored, &j);
	label_steps = palloc(Max(j.nlabels, 1) * sizeof(uint32));
	for (i = 0; i < j.nlabels; i++)
	{
		int64		window;
		int			modes;
		int			n;

		label_steps[i] = ParseEvent(j.labels[i], j.label_lens[i], &window, &modes, &n);
		FunnelSetParams(b, window, modes, n);
	}
	for (i = 0; i < j.ntouch; i++)
	{
		FunnelAddEvent(b, j.touches[i].ts, label_steps[j.touches[i].label]);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(label_steps);
}

static void
FunnelAddBuilder(void *builder, void *other)
{
	FunnelBuilder *b = builder;
	FunnelBuilder *o = other;
	int32		i;

	if (o->has_params)
		FunnelSetParams(b, o->window, o->modes, o->nsteps);
	for (i = 0; i < o->nevents; i++)
		FunnelAddEvent(b, o->events[i].ts, o->events[i].steps);
}

/* The stored form: a journey of one touchpoint per event. */
static struct varlena *
FunnelEncode(void *builder)
{
	FunnelBuilder *b = builder;
	JourneyBuilder jb;
	char		label[EVENT_PREFIX_MAX + 3 * WF_MAX_STEPS];
	int32		i;

	JourneyBuilderInit(&jb, CurrentMemoryContext);
	for (i = 0; i < b->nevents; i++)
	{
		int			len = EventLabel(b, b->events[i].steps, label);

		JourneyBuilderAdd(&jb, b->events[i].ts, JourneyBuilderLabel(&jb, label, len),
						  false, 0);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return JourneyBuilderEncode(&jb);
}

static const SummaryType FunnelSummary = {
	"journey",
	sizeof(FunnelBuilder),
	FunnelInit,
	FunnelAddStored,
	FunnelAddBuilder,
	FunnelEncode
};

/* The window and modes of a call site, parsed once (argcache.h). */
typedef struct WindowFunnelArgs
{
	int64		window;
	int			modes;
} WindowFunnelArgs;

static void
WindowFunnelParse(FunctionCallInfo fcinfo, void *parsed)
{
	WindowFunnelArgs *a = parsed;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("window_funnel window must not be NULL")));
	a->window = IntervalMicros(PG_GETARG_INTERVAL_P(1), "window_funnel window", NULL);
}

static void
WindowFunnelModesParse(FunctionCallInfo fcinfo, void *parsed)
{
	WindowFunnelArgs *a = parsed;

	WindowFunnelParse(fcinfo, parsed);
	if (!PG_ARGISNULL(2))
		a->modes = FunnelParseModes(PG_GETARG_ARRAYTYPE_P(2), WindowFunnelModes,
									lengthof(WindowFunnelModes), "window_funnel");
}

/* Adds the row at ts meeting steps, of n conditions, to the state. */
static Datum
WindowFunnelAdd(FunctionCallInfo fcinfo, bool with_modes, TimestampTz ts,
				uint32 steps, int n)
{
	const WindowFunnelArgs *a = ArgCacheLookup(fcinfo, 1, with_modes ? 2 : 1,
											   sizeof(WindowFunnelArgs),
											   with_modes ? WindowFunnelModesParse : WindowFunnelParse);
	ExpandedSummary *es;

	if (n < 1 || n > WF_MAX_STEPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window_funnel takes between 1 and %d conditions", WF_MAX_STEPS)));
	es = SummaryArg(fcinfo, &FunnelSummary);
	FunnelSetParams(es->builder, a->window, a->modes, n);
	if (steps != 0 || (a->modes & WF_ORDER))
		FunnelAddEvent(es->builder, ts, steps);
	return SummaryReturn(es);
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
	Datum	   *flags;
	bool	   *nulls;
	int			n;
	uint32		steps = 0;
	int			i;

	if (PG_ARGISNULL(ts_arg) || PG_ARGISNULL(ts_arg + 1))
		RETURN_STATE_UNCHANGED();
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(ts_arg + 1), BOOLOID, 1, true,
					  TYPALIGN_CHAR, &flags, &nulls, &n);
	for (i = 0; i < n && i < WF_MAX_STEPS; i++)
		if (!nulls[i] && DatumGetBool(flags[i]))
			steps |= (uint32) 1 << i;
	return WindowFunnelAdd(fcinfo, with_modes, PG_GETARG_TIMESTAMPTZ(ts_arg), steps, n);
}

/*
 * window_funnel(window, [modes,] ts, c1, ..., cn) for 2 to 8 conditions:
 * the VARIADIC form without the array the executor would build per row.
 * One C function per form, since both can have as many arguments.
 */
static Datum
WindowFunnelConditions(FunctionCallInfo fcinfo, bool with_modes)
{
	int			ts_arg = with_modes ? 3 : 2;
	int			n = PG_NARGS() - ts_arg - 1;
	uint32		steps = 0;
	int			i;

	if (PG_ARGISNULL(ts_arg))
		RETURN_STATE_UNCHANGED();
	for (i = 0; i < n && i < WF_MAX_STEPS; i++)
		if (!PG_ARGISNULL(ts_arg + 1 + i) && PG_GETARG_BOOL(ts_arg + 1 + i))
			steps |= (uint32) 1 << i;
	return WindowFunnelAdd(fcinfo, with_modes, PG_GETARG_TIMESTAMPTZ(ts_arg), steps, n);
}

PG_FUNCTION_INFO_V1(window_funnel_conditions_transfn);
PG_FUNCTION_INFO_V1(window_funnel_modes_conditions_transfn);

Datum
window_funnel_conditions_transfn(PG_FUNCTION_ARGS)
{
	return WindowFunnelConditions(fcinfo, false);
}

Datum
window_funnel_modes_conditions_transfn(PG_FUNCTION_ARGS)
{
	return WindowFunnelConditions(fcinfo, true);
}

/* Merges two states as event lists (the leader of a parallel plan, Citus). */
Datum
window_funnel_combine(PG_FUNCTION_ARGS)
{
	return SummaryCombine(fcinfo, &FunnelSummary);
}

/*
 * Events in time order; at equal times, by their conditions as ascending
 * lists, a list before its extensions, and events meeting no condition
 * (strict_order keeps them) last, so that they never come between
 * conditions of the same time (S1).
 */
static int
CompareEvents(const void *a, const void *b)
{
	const FunnelEvent *x = a;
	const FunnelEvent *y = b;
	uint32		sx = x->steps;
	uint32		sy = y->steps;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if ((sx == 0) != (sy == 0))
		return sx == 0 ? 1 : -1;
	while (sx != 0 && sy != 0)
	{
		int			lx = __builtin_ctz(sx);
		int			ly = __builtin_ctz(sy);

		if (lx != ly)
			return lx < ly ? -1 : 1;
		sx &= sx - 1;
		sy &= sy - 1;
	}
	return (sx != 0) - (sy != 0);
}

/* The rows of one time meeting the same conditions, and how many. */
typedef struct ConditionSet
{
	uint32		mask;
	int32		rows;
	int32		used;			/* by the current matching */
	bool		visited;		/* by the current augmenting search */
} ConditionSet;

typedef struct GroupMatching
{
	ConditionSet *sets;
	int32		nsets;
	int32		assigned[WF_MAX_STEPS];	/* per condition: its set */
	int32		from;			/* conditions from .. are matched */
} GroupMatching;

/*
 * Matches condition s to a row of the group, moving conditions already
 * matched to other rows if need be (an augmenting path, as in Kuhn's
 * bipartite matching, over sets of interchangeable rows).
 */
static bool
Augment(GroupMatching *m, int s)
{
	int32		c;
	int			o;

	for (c = 0; c < m->nsets; c++)
	{
		ConditionSet *set = &m->sets[c];

		if (!(set->mask & ((uint32) 1 << s)) || set->visited)
			continue;
		set->visited = true;
		if (set->used < set->rows)
		{
			set->used++;
			m->assigned[s] = c;
			return true;
		}
		for (o = m->from; o < s; o++)
			if (m->assigned[o] == c && Augment(m, o))
			{
				m->assigned[s] = c;
				return true;
			}
	}
	return false;
}

/*
 * The rows events[gs, ge) of one time as sets of rows meeting the same
 * conditions (they are sorted, so equal sets are adjacent).  A matching
 * uses at most nsteps rows for a condition, so a set is kept only while
 * some condition it meets has fewer than nsteps rows in the sets kept:
 * any matching can be moved onto those, and a group of any size keeps at
 * most nsteps^2 sets.
 */
static int32
GroupSets(const FunnelEvent *events, int32 gs, int32 ge, int nsteps,
		  ConditionSet *sets)
{
	int32		slots[WF_MAX_STEPS] = {0};
	int32		n = 0;
	int32		i;
	int32		next;

	for (i = gs; i < ge; i = next)
	{
		uint32		mask = events[i].steps;
		int32		rows;
		bool		keep = false;
		int			s;

		for (next = i; next < ge && events[next].steps == mask; next++)
			;
		rows = Min(next - i, nsteps);
		for (s = 0; s < nsteps; s++)
			if ((mask & ((uint32) 1 << s)) && slots[s] < nsteps)
			{
				slots[s] += rows;
				keep = true;
			}
		if (keep)
		{
			sets[n].mask = mask;
			sets[n++].rows = rows;
		}
	}
	return n;
}

/*
 * The default mode and strict_increase: the exact maximum over chains of
 * distinct rows (S1-S4), computed over groups of equal times.  first[s] is
 * the latest start of a chain that reached condition s + 1 before the
 * group: a later start is always at least as good.  In the group, a chain
 * that reached s0 goes on through conditions s0 + 1 .. e when distinct
 * rows of the group can meet them (a matching); a chain may also start
 * there.  Under strict_increase a chain takes one row of a time at most.
 */
static int
ExactLevel(const FunnelBuilder *b, const FunnelEvent *events, int32 n)
{
	TimestampTz first[WF_MAX_STEPS];
	bool		reached[WF_MAX_STEPS] = {0};
	GroupMatching m;
	int32		g;
	int32		end;
	int			level;

	if (b->nsteps == 0)
		return 0;				/* a state that never saw a row */
	m.sets = palloc(Max(n, 1) * sizeof(ConditionSet));
	for (g = 0; g < n && !reached[b->nsteps - 1]; g = end)
	{
		TimestampTz t = events[g].ts;
		TimestampTz next_first[WF_MAX_STEPS];
		bool		next_reached[WF_MAX_STEPS];
		int			s0;

		for (end = g; end < n && events[end].ts == t; end++)
			;
		m.nsets = GroupSets(events, g, end, b->nsteps, m.sets);
		memcpy(next_first, first, sizeof(first));
		memcpy(next_reached, reached, sizeof(reached));
		for (s0 = 0; s0 < b->nsteps; s0++)
		{
			TimestampTz start = t;
			int32		c;
			int			e;

			if (s0 > 0)
			{
				if (!reached[s0 - 1] ||
					(uint64) t - (uint64) first[s0 - 1] > (uint64) b->window)
					continue;
				start = first[s0 - 1];
			}
			for (c = 0; c < m.nsets; c++)
				m.sets[c].used = 0;
			m.from = s0;
			for (e = s0; e < b->nsteps; e++)
			{
				if (e > s0 && (b->modes & WF_INCREASE))
					break;
				for (c = 0; c < m.nsets; c++)
					m.sets[c].visited = false;
				if (!Augment(&m, e))
					break;
				if (!next_reached[e] || start > next_first[e])
				{
					next_reached[e] = true;
					next_first[e] = start;
				}
			}
			CHECK_FOR_INTERRUPTS();
		}
		memcpy(first, next_first, sizeof(first));
		memcpy(reached, next_reached, sizeof(reached));
	}
	pfree(m.sets);
	for (level = b->nsteps; level > 0; level--)
		if (reached[level - 1])
			break;
	return level;
}

/* The sorted events as the scan asks for them, a row's steps from its mask. */
typedef struct EventSteps
{
	const FunnelEvent *events;
	int32		steps[WF_MAX_STEPS];
} EventSteps;

static void
NextEvent(void *arg, int32 i, FunnelScanEvent *e)
{
	EventSteps *es = arg;
	uint32		mask = es->events[i].steps;

	e->ts = es->events[i].ts;
	e->steps = es->steps;
	e->nsteps = 0;
	e->excluded = false;
	for (; mask != 0; mask &= mask - 1)
		es->steps[e->nsteps++] = __builtin_ctz(mask);
}

Datum
window_funnel_final(PG_FUNCTION_ARGS)
{
	FunnelBuilder *b = SummaryPeekBuilder(&FunnelSummary, PG_GETARG_DATUM(0));
	FunnelEvent *events;
	FunnelScanSpec spec;
	EventSteps	next;
	int32		level;

	if (b == NULL)
	{
		/* a stored state, or one a combine function made: read it as events */
		b = palloc0(sizeof(FunnelBuilder));
		FunnelInit(b, CurrentMemoryContext);
		FunnelAddStored(b, SummaryDatumGetStored(&JourneySummary, PG_GETARG_DATUM(0)));
	}
	/* sorted in a copy: a final function leaves the state as it was */
	events = palloc(Max(b->nevents, 1) * sizeof(FunnelEvent));
	memcpy(events, b->events, b->nevents * sizeof(FunnelEvent));
	qsort(events, b->nevents, sizeof(FunnelEvent), CompareEvents);
	if (!(b->modes & (WF_DEDUPLICATION | WF_ORDER)))
		PG_RETURN_INT32(ExactLevel(b, events, b->nevents));

	/* the strict modes: ClickHouse's scan, as funnel_level runs it too */
	next.events = events;
	spec.nsteps = b->nsteps;
	spec.window = b->window;
	spec.max_gap = 0;
	spec.strict_order = (b->modes & WF_ORDER) != 0;
	spec.strict_deduplication = (b->modes & WF_DEDUPLICATION) != 0;
	spec.strict_increase = (b->modes & WF_INCREASE) != 0;
	spec.allow_reentry = (b->modes & WF_REENTRY) != 0;
	spec.strict_once = (b->modes & WF_ONCE) != 0;
	level = FunnelScan(b->nevents, NextEvent, &next, &spec, NULL);
	PG_RETURN_INT32(level);
}
