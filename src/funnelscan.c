/*
 * funnelscan.c
 *	  ClickHouse's windowFunnel scan, for the strict modes that both
 *	  window_funnel (over raw events) and funnel_level (over a stored
 *	  journey) take, so that a mode means the same in both.
 *
 * For each event in order, and for the steps it meets in descending order
 * (so that an event never follows itself), step 1 starts a chain, and step
 * i extends the chain that reached step i - 1 if it lies within the window
 * of that chain's first event (and, with strict_increase, strictly after
 * its last).  strict_deduplication stops at a step met again once reached,
 * returning that step; strict_order stops at an event out of order, or
 * meeting no step, once a chain has started; allow_reentry makes
 * strict_order skip, rather than stop at, an event out of order.  The
 * level is the highest step reached.  funnel_level adds its max_gap
 * (between consecutive matches) and exclusions (no excluded event strictly
 * between a chain's first and last match).
 *
 * strict_once is ClickHouse's other scan (getEventLevelStrictOnce): the
 * (event, step) pairs of one time are taken in step order, every chain is
 * kept rather than the latest per step, and a chain never takes two steps
 * from one event.  Chains that another chain of the same step dominates
 * (a start no earlier, a last match as good for strict_increase and
 * max_gap, no event of the current time that it lacks) are dropped, and
 * so are chains for which enough chains as good take disjoint events of
 * the current time (Redundant): they could extend only where another does,
 * so the levels reached and where the scan stops are those of keeping them
 * all.  Many events of one time meeting several steps each still make it
 * quadratic in their number.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "dict.h"
#include "funnel.h"
#include "journey.h"

/* A match of the chain that reached a step: when, and the match before. */
typedef struct ScanMatch
{
	TimestampTz ts;
	int32		before;			/* index of the previous step's match, or -1 */
	int32		event;			/* the event matched; strict_once: its number
								 * among the events of its time that meet a
								 * step */
} ScanMatch;

typedef struct ScanChains
{
	ScanMatch  *matches;
	int32		nmatches;
	int32		maxmatches;
} ScanChains;

static int32
AddMatch(ScanChains *c, TimestampTz ts, int32 before, int32 event)
{
	if (c->nmatches >= c->maxmatches)
	{
		c->maxmatches = GrowCapacity(c->maxmatches,
									 JOURNEY_MAX_WORK_BYTES / sizeof(ScanMatch),
									 "funnel chain matches",
									 "Use fewer steps.");
		c->matches = ResizeArray(CurrentMemoryContext, c->matches,
								 c->maxmatches, sizeof(ScanMatch));
	}
	c->matches[c->nmatches].ts = ts;
	c->matches[c->nmatches].before = before;
	c->matches[c->nmatches].event = event;
	return c->nmatches++;
}

/* strict_once: a chain that reached a step, and its last match. */
typedef struct OnceChain
{
	TimestampTz first;
	TimestampTz last;
	int32		match;
} OnceChain;

typedef struct OnceList
{
	OnceChain  *chains;
	int32		n;
	int32		max;
} OnceList;

/* strict_once: one (event, step) pair of the current time. */
typedef struct OncePair
{
	int32		step;
	int32		event;			/* numbered among the events of the time */
} OncePair;

typedef struct OnceScan
{
	const FunnelScanSpec *spec;
	ScanChains	m;
	TimestampTz now;			/* the time of the events being taken */
	uint32	   *marks;			/* per event of the time: stamp if marked */
	int32		maxmarks;
	uint32		stamp;
} OnceScan;

/*
 * The work of strict_once: a quarter of the budget for the pairs of one
 * time, the rest for the matches and the chains (two slots each).
 */
#define ONCE_MAX_PAIRS (JOURNEY_MAX_WORK_BYTES / 4 / sizeof(OncePair))
#define ONCE_MAX_MATCHES (JOURNEY_MAX_WORK_BYTES / 4 * 3 / \
						  (sizeof(ScanMatch) + 2 * sizeof(OnceChain)))

static int
ComparePairs(const void *a, const void *b)
{
	const OncePair *x = a;
	const OncePair *y = b;

	if (x->step != y->step)
		return x->step < y->step ? -1 : 1;
	return (x->event > y->event) - (x->event < y->event);
}

/* Whether the chain ending in match m took the event, at the current time. */
static bool
TookEvent(const OnceScan *o, int32 m, int32 event)
{
	for (; m >= 0 && o->m.matches[m].ts == o->now; m = o->m.matches[m].before)
		if (o->m.matches[m].event == event)
			return true;
	return false;
}

/* Whether chain x's times are as good as y's for any extension. */
static bool
TimesNoWorse(const OnceScan *o, const OnceChain *x, const OnceChain *y)
{
	return x->first >= y->first &&
		!(o->spec->max_gap > 0 && x->last < y->last) &&
		!(o->spec->strict_increase && x->last == o->now && y->last != o->now);
}

/*
 * Whether chain x can extend wherever chain y can (see the top): times as
 * good, and no event of the current time that y lacks.
 */
static bool
Dominates(const OnceScan *o, const OnceChain *x, const OnceChain *y)
{
	int32		m;

	if (!TimesNoWorse(o, x, y))
		return false;
	for (m = x->match; m >= 0 && o->m.matches[m].ts == o->now; m = o->m.matches[m].before)
		if (!TookEvent(o, y->match, o->m.matches[m].event))
			return false;
	return true;
}

/*
 * Whether chain c of step s is redundant, chains of l with times as good
 * taking pairwise disjoint events of the current time being at least as
 * many as the steps after s, plus one: the rest of any chain from c takes
 * no more events of this time than that, and so misses the events of one
 * of them, which it could extend instead.  The disjoint ones are picked
 * greedily, which finds enough of them if not always the most.
 */
static bool
Redundant(OnceScan *o, const OnceList *l, const OnceChain *c, int32 s)
{
	int32		need = o->spec->nsteps - s;
	int32		found = 0;
	int32		i;
	int32		m;

	if (++o->stamp == 0 && o->marks != NULL)
	{
		memset(o->marks, 0, o->maxmarks * sizeof(uint32));
		o->stamp = 1;
	}
	for (i = 0; i < l->n && found < need; i++)
	{
		const OnceChain *x = &l->chains[i];
		bool		disjoint = true;

		if (!TimesNoWorse(o, x, c))
			continue;
		for (m = x->match; m >= 0 && o->m.matches[m].ts == o->now; m = o->m.matches[m].before)
			disjoint &= o->marks[o->m.matches[m].event] != o->stamp;
		if (!disjoint)
			continue;
		for (m = x->match; m >= 0 && o->m.matches[m].ts == o->now; m = o->m.matches[m].before)
			o->marks[o->m.matches[m].event] = o->stamp;
		found++;
	}
	return found >= need;
}

/*
 * Adds chain c of step s to list l unless a chain of l dominates it or it
 * is redundant, dropping those it dominates; false if it was not added.
 */
static bool
AddChain(OnceScan *o, OnceList *l, const OnceChain *c, int32 s)
{
	int32		i;
	int32		n = 0;

	for (i = 0; i < l->n; i++)
		if (Dominates(o, &l->chains[i], c))
			return false;
	if (Redundant(o, l, c, s))
		return false;
	for (i = 0; i < l->n; i++)
		if (!Dominates(o, c, &l->chains[i]))
			l->chains[n++] = l->chains[i];
	l->n = n;
	if (l->n >= l->max)
	{
		l->max = GrowCapacity(l->max, ONCE_MAX_MATCHES, "funnel chains",
							  "Use fewer steps, or a shorter window.");
		l->chains = ResizeArray(CurrentMemoryContext, l->chains, l->max,
								sizeof(OnceChain));
	}
	l->chains[l->n++] = *c;
	return true;
}

/*
 * At a new time: drops the chains the others now dominate, and those past
 * the window if any is within it (a step once reached stays reached).
 */
static void
PruneChains(OnceScan *o, OnceList *l, int32 s)
{
	int32		n = l->n;
	int32		i;
	bool		within = false;

	for (i = 0; i < n; i++)
		within |= (uint64) o->now - (uint64) l->chains[i].first <= (uint64) o->spec->window;
	l->n = 0;
	for (i = 0; i < n; i++)
	{
		OnceChain	c = l->chains[i];

		if (!within ||
			(uint64) o->now - (uint64) c.first <= (uint64) o->spec->window)
			AddChain(o, l, &c, s);
	}
}

/*
 * strict_once: FunnelScan's level, each time's events taken as (event,
 * step) pairs in step order; with times, the times of the chain that
 * reached the level first, and among those of the one that started latest.
 */
static int32
ScanOnce(int32 nevents, FunnelScanNext next, void *arg,
		 const FunnelScanSpec *spec, TimestampTz *times)
{
	int32		k = spec->nsteps;
	OnceScan	o = {spec};
	OnceList   *lists = palloc0(k * sizeof(OnceList));
	int32	   *best = palloc(k * sizeof(int32));	/* per step: the reported chain */
	TimestampTz *best_first = palloc(k * sizeof(TimestampTz));
	int32	   *touched = palloc(k * sizeof(int32));	/* steps a chain joined */
	bool	   *is_touched = palloc0(k * sizeof(bool));
	int32		ntouched = 0;
	OncePair   *pairs = NULL;
	int32		maxpairs = 0;
	FunnelScanEvent e;
	bool		started = false;
	bool		excluded_earlier = false;
	TimestampTz excluded_before = 0;	/* the latest exclusion before now */
	int32		level = 0;
	int32		stop_level = -1;
	int32		i = 0;
	int32		s;

	for (s = 0; s < k; s++)
		best[s] = -1;
	if (nevents > 0)
		next(arg, 0, &e);
	while (i < nevents && stop_level < 0)
	{
		bool		unmatched = false;	/* an event of this time meets no step */
		bool		excluded = false;
		int32		npairs = 0;
		int32		nmet = 0;	/* events of this time that meet a step */
		int32		p;

		o.now = e.ts;
		for (; ntouched > 0; ntouched--)
		{
			s = touched[ntouched - 1];
			is_touched[s] = false;
			PruneChains(&o, &lists[s], s);
		}
		for (; i < nevents && e.ts == o.now; i++)
		{
			unmatched |= e.nsteps == 0;
			excluded |= e.excluded;
			for (s = 0; s < e.nsteps; s++)
			{
				if (npairs >= maxpairs)
				{
					maxpairs = GrowCapacity(maxpairs, ONCE_MAX_PAIRS,
											"funnel steps met at one time", "Use fewer steps.");
					pairs = ResizeArray(CurrentMemoryContext, pairs, maxpairs, sizeof(OncePair));
				}
				pairs[npairs].step = e.steps[s];
				pairs[npairs++].event = nmet;
			}
			nmet += e.nsteps > 0;
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			if (i + 1 < nevents)
				next(arg, i + 1, &e);
		}
		qsort(pairs, npairs, sizeof(OncePair), ComparePairs);
		if (nmet > o.maxmarks)
		{
			if (o.marks)
				pfree(o.marks);
			o.maxmarks = nmet;	/* at most npairs: within ONCE_MAX_PAIRS */
			o.marks = palloc0(o.maxmarks * sizeof(uint32));
		}

		for (p = 0; p < npairs && stop_level < 0; p++)
		{
			OnceList   *from = NULL;
			int32		nfrom = 1;
			int32		c;

			s = pairs[p].step;
			if (s > 0)
			{
				from = &lists[s - 1];
				nfrom = from->n;
				if (spec->strict_deduplication && lists[s].n > 0)
				{
					stop_level = s + 1; /* as the other scan: the repeated step */
					break;
				}
				if (spec->strict_order && started && from->n == 0)
				{
					if (!spec->allow_reentry)
						stop_level = 0;
					continue;
				}
			}
			else
				started = true;
			for (c = 0; c < nfrom; c++)
			{
				OnceChain	chain = {o.now, o.now, -1};
				int32		before = -1;

				if (from != NULL)
				{
					const OnceChain *f = &from->chains[c];

					if ((uint64) o.now - (uint64) f->first > (uint64) spec->window ||
						(spec->strict_increase && f->last >= o.now) ||
						(spec->max_gap > 0 &&
						 (uint64) o.now - (uint64) f->last > (uint64) spec->max_gap) ||
						(excluded_earlier && f->first < excluded_before) ||
						TookEvent(&o, f->match, pairs[p].event))
						continue;
					chain.first = f->first;
					before = f->match;
				}
				CHECK_FOR_INTERRUPTS();
				if (o.m.nmatches >= (int32) ONCE_MAX_MATCHES)
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("too many funnel chains"),
							 errhint("Use fewer steps, or a shorter window.")));
				chain.match = AddMatch(&o.m, o.now, before, pairs[p].event);
				if (!AddChain(&o, &lists[s], &chain, s))
				{
					o.m.nmatches--; /* nothing refers to it */
					continue;
				}
				if (best[s] < 0 ||
					(o.m.matches[best[s]].ts == o.now && chain.first > best_first[s]))
				{
					best[s] = chain.match;
					best_first[s] = chain.first;
				}
				if (!is_touched[s])
				{
					is_touched[s] = true;
					touched[ntouched++] = s;
				}
			}
			if (s + 1 == k && lists[s].n > 0)
				stop_level = k;
			CHECK_FOR_INTERRUPTS();
		}
		if (stop_level < 0 && unmatched && spec->strict_order && started)
			break;
		if (excluded)
		{
			excluded_earlier = true;
			excluded_before = o.now;
		}
	}
	if (stop_level > 0)
		level = stop_level;
	else
		for (level = k; level > 0 && lists[level - 1].n == 0; level--)
			;
	if (times && level > 0)
	{
		int32		m = best[level - 1];

		for (s = level - 1; s >= 0; s--, m = o.m.matches[m].before)
			times[s] = o.m.matches[m].ts;
	}
	for (s = 0; s < k; s++)
		if (lists[s].chains)
			pfree(lists[s].chains);
	pfree(lists);
	pfree(best);
	pfree(best_first);
	pfree(touched);
	pfree(is_touched);
	if (pairs)
		pfree(pairs);
	if (o.marks)
		pfree(o.marks);
	if (o.m.matches)
		pfree(o.m.matches);
	return level;
}

/* The scan without strict_once: the latest chain per step. */
static int32
ScanLatest(int32 nevents, FunnelScanNext next, void *arg,
		   const FunnelScanSpec *spec, TimestampTz *times)
{
	int32		k = spec->nsteps;
	TimestampTz *first = palloc(k * sizeof(TimestampTz));
	TimestampTz *last = palloc(k * sizeof(TimestampTz));
	int32	   *match = palloc(k * sizeof(int32));
	bool	   *reached = palloc0(k * sizeof(bool));
	ScanChains	chains = {0};
	bool		started = false;
	bool		excluded_seen = false;	/* an exclusion so far */
	bool		excluded_earlier = false;	/* one earlier than this event */
	TimestampTz excluded_last = 0;	/* the latest exclusion so far */
	TimestampTz excluded_before = 0;	/* the latest earlier than this event */
	int32		level = 0;
	int32		stop_level = -1;
	int32		i;
	int32		s;

	for (i = 0; i < nevents && stop_level < 0; i++)
	{
		FunnelScanEvent event;
		const FunnelScanEvent *e = &event;
		int32		n;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		next(arg, i, &event);
		if (excluded_seen && excluded_last < e->ts)
		{
			excluded_before = excluded_last;
			excluded_earlier = true;
		}
		if (e->excluded)
		{
			excluded_last = e->ts;
			excluded_seen = true;
		}
		if (e->nsteps == 0)
		{
			if (spec->strict_order && started)
				break;
			continue;
		}
		for (n = e->nsteps - 1; n >= 0 && stop_level < 0; n--)
		{
			s = e->steps[n];
			if (s == 0)
			{
				first[0] = last[0] = e->ts;
				match[0] = times ? AddMatch(&chains, e->ts, -1, i) : -1;
				reached[0] = started = true;
			}
			else if (spec->strict_deduplication && reached[s])
				stop_level = s + 1; /* as ClickHouse: the repeated step */
			else if (spec->strict_order && started && !reached[s - 1])
			{
				if (!spec->allow_reentry)
					stop_level = 0;
			}
			else if (reached[s - 1] &&
					 (uint64) e->ts - (uint64) first[s - 1] <= (uint64) spec->window &&
					 (!spec->strict_increase || last[s - 1] < e->ts) &&
					 (spec->max_gap <= 0 ||
					  (uint64) e->ts - (uint64) last[s - 1] <= (uint64) spec->max_gap) &&
					 !(excluded_earlier && first[s - 1] < excluded_before))
			{
				first[s] = first[s - 1];
				last[s] = e->ts;
				match[s] = times ? AddMatch(&chains, e->ts, match[s - 1], i) : -1;
				reached[s] = true;
				if (s + 1 == k)
					stop_level = k;
			}
		}
	}
	if (stop_level > 0)
		level = stop_level;
	else
		for (s = k; s > 0; s--)
			if (reached[s - 1])
			{
				level = s;
				break;
			}
	if (times && level > 0)
	{
		int32		m = match[level - 1];

		for (s = level - 1; s >= 0; s--, m = chains.matches[m].before)
			times[s] = chains.matches[m].ts;
	}
	pfree(first);
	pfree(last);
	pfree(match);
	pfree(reached);
	if (chains.matches)
		pfree(chains.matches);
	return level;
}

/*
 * The level the events reach under the scan, next giving event i of
 * nevents in order; with times, the time of each step of the chain that
 * reached it (times has nsteps entries).
 */
int32
FunnelScan(int32 nevents, FunnelScanNext next, void *arg,
		   const FunnelScanSpec *spec, TimestampTz *times)
{
	if (spec->strict_once)
		return ScanOnce(nevents, next, arg, spec, times);
	return ScanLatest(nevents, next, arg, spec, times);
}

/*
 * The modes in array, as the bits names gives them; what names the caller
 * in messages ("unknown window_funnel mode").  A name of bit 0 is a mode
 * the caller knows of but does not take.
 */
int
FunnelParseModes(ArrayType *array, const FunnelModeName *names, int nnames,
				 const char *what)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			modes = 0;
	int			i;
	int			m;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s modes must be a one-dimensional array", what)));
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		char	   *name;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s modes must not contain NULL", what)));
		name = TextDatumGetCString(elems[i]);
		for (m = 0; m < nnames && strcmp(name, names[m].name) != 0; m++)
			;
		if (m == nnames || names[m].bit == 0)
		{
			StringInfoData hint;
			int			ntaken = 0;
			int			taken = 0;
			int			k;

			/* a name of bit 0 is a mode of the stored journeys' funnels only */
			for (k = 0; k < nnames; k++)
				ntaken += names[k].bit != 0;
			initStringInfo(&hint);
			for (k = 0; k < nnames; k++)
				if (names[k].bit != 0)
					appendStringInfo(&hint, "%s%s", taken++ == 0 ? "" : taken < ntaken ? ", " : " or ",
									 names[k].name);
			if (m < nnames)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s does not take mode \"%s\"", what, name),
						 errhint("%s is a mode of funnel_level, funnel_counts and funnel_trend_counts over stored journeys; %s takes %s.",
								 name, what, hint.data)));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown %s mode \"%s\"", what, name),
					 errhint("Use %s.", hint.data)));
		}
		modes |= names[m].bit;
	}
	return modes;
}
