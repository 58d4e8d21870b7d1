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
 */
#include "postgres.h"

#include "miscadmin.h"

#include "dict.h"
#include "funnel.h"
#include "journey.h"

/* A match of the chain that reached a step: when, and the match before. */
typedef struct ScanMatch
{
	TimestampTz ts;
	int32		before;			/* index of the previous step's match, or -1 */
} ScanMatch;

typedef struct ScanChains
{
	ScanMatch  *matches;
	int32		nmatches;
	int32		maxmatches;
} ScanChains;

static int32
AddMatch(ScanChains *c, TimestampTz ts, int32 before)
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
	return c->nmatches++;
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
				match[0] = times ? AddMatch(&chains, e->ts, -1) : -1;
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
				match[s] = times ? AddMatch(&chains, e->ts, match[s - 1]) : -1;
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
