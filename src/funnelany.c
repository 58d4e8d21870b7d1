/*
 * funnelany.c
 *	  The any_order mode of funnels on stored journeys, PostHog's unordered
 *	  funnel: how many of the steps a journey completes, in whatever order.
 *
 * A chain is a set of distinct touchpoints each filling a distinct step,
 * a touchpoint labelled steps[i] able to fill step i (so a label repeated
 * in steps fills that many steps), in any order, with last - first <=
 * window and no excluded touchpoint strictly between the first and the
 * last match in time.  The level is the largest number of steps over all
 * chains.  A chain starting at time t lies within [t, E(t)], E(t) being
 * t + window or the first exclusion strictly after t, whichever is
 * earlier (touchpoints at the exclusion's own time may still belong to
 * it), and every set within [t, E(t)] is a chain; so the level is the
 * largest, over the times t of the touchpoints, of the steps that
 * [t, E(t)] can fill: per step label, the touchpoints with it, at most as
 * many as steps carry it.  E only moves forward with t, so two pointers
 * over the time-ordered touchpoints, with counts per label, find it in
 * linear time.
 *
 * The chain reported (S7) is the one that completes the top level
 * earliest, and among those the one that starts latest; its times are
 * those at which its 1st, 2nd, ... step is completed, each step as early
 * as that chain allows (the touchpoints from its start taken in time
 * order, each filling a step if one is left for its label).  The earliest
 * completion from t never comes before the earliest from an earlier
 * start, so a second pass of the two pointers finds it, and a third walks
 * the chain.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/builtins.h"

#include "funnel.h"
#include "journey.h"

/* The touchpoints in a window, and the steps they fill. */
typedef struct AnyWindow
{
	const Journey *j;
	const int32 *need;			/* per label: the steps it can fill */
	int32	   *have;			/* per label: its touchpoints in the window */
	int32		filled;			/* steps filled */
} AnyWindow;

static inline void
WindowAdd(AnyWindow *w, int32 i)
{
	int32		l = w->j->touches[i].label;

	if (w->have[l]++ < w->need[l])
		w->filled++;
}

static inline void
WindowRemove(AnyWindow *w, int32 i)
{
	int32		l = w->j->touches[i].label;

	if (--w->have[l] < w->need[l])
		w->filled--;
}

/* The end of touchpoint i's group of equal timestamps. */
static inline int32
GroupEnd(const Journey *j, int32 i)
{
	TimestampTz t = j->touches[i].ts;

	while (i < j->ntouch && j->touches[i].ts == t)
		i++;
	return i;
}

/*
 * Whether touchpoint i lies within the window of a chain starting at t,
 * x being the first excluded touchpoint after t (ntouch if none).
 */
static inline bool
InWindow(const Journey *j, int32 i, TimestampTz t, int32 x, int64 window)
{
	TimestampTz ts = j->touches[i].ts;

	return (uint64) ts - (uint64) t <= (uint64) window &&
		(x >= j->ntouch || ts <= j->touches[x].ts);
}

/* Moves x to the first excluded touchpoint strictly after t. */
static inline int32
NextExcluded(const Journey *j, const bool *excluded, int32 x, TimestampTz t)
{
	while (x < j->ntouch &&
		   (!excluded[j->touches[x].label] || j->touches[x].ts <= t))
		x++;
	return x;
}

/*
 * The level the journey reaches in any order (0 .. nsteps), step_label
 * giving each step's label in the journey (-1 if absent) and excluded
 * each label's exclusion; with times, the times at which the reported
 * chain completes its 1st, 2nd, ... step.
 */
int32
FunnelAnyOrder(const Journey *j, const int32 *step_label, int32 nsteps,
			   const bool *excluded, int64 window, TimestampTz *times)
{
	int32	   *need = palloc0(Max(j->nlabels, 1) * sizeof(int32));
	AnyWindow	w = {j, need, palloc0(Max(j->nlabels, 1) * sizeof(int32)), 0};
	int32		top = 0;
	int32		lo;
	int32		hi;
	int32		x;
	int32		s;
	TimestampTz best_end = 0;
	TimestampTz best_start = 0;
	bool		found = false;

	for (s = 0; s < nsteps; s++)
		if (step_label[s] >= 0)
			need[step_label[s]]++;

	/* the level: the most steps any start's window fills */
	for (lo = hi = x = 0; lo < j->ntouch && top < nsteps;)
	{
		TimestampTz t = j->touches[lo].ts;
		int32		end = GroupEnd(j, lo);

		x = NextExcluded(j, excluded, x, t);
		while (hi < j->ntouch && InWindow(j, hi, t, x, window))
			WindowAdd(&w, hi++);
		top = Max(top, w.filled);
		for (; lo < end; lo++)
			WindowRemove(&w, lo);
		CHECK_FOR_INTERRUPTS();
	}
	if (times == NULL || top == 0)
	{
		pfree(need);
		pfree(w.have);
		return top;
	}

	/*
	 * The earliest completion of the top level, and the latest start with
	 * it: from each start, the window grows only until it fills top steps.
	 */
	memset(w.have, 0, Max(j->nlabels, 1) * sizeof(int32));
	w.filled = 0;
	for (lo = hi = x = 0; lo < j->ntouch;)
	{
		TimestampTz t = j->touches[lo].ts;
		int32		end = GroupEnd(j, lo);

		x = NextExcluded(j, excluded, x, t);
		while (w.filled < top && hi < j->ntouch && InWindow(j, hi, t, x, window))
			WindowAdd(&w, hi++);
		if (w.filled >= top)
		{
			TimestampTz done = j->touches[hi - 1].ts;

			if (!found || done <= best_end)
			{
				/* a later start of the same completion wins */
				best_end = done;
				best_start = t;
				found = true;
			}
		}
		for (; lo < end; lo++)
			if (lo < hi)
				WindowRemove(&w, lo);
		hi = Max(hi, end);
		CHECK_FOR_INTERRUPTS();
	}
	Assert(found);

	/* the chain from that start, each step completed as early as it can be */
	memset(w.have, 0, Max(j->nlabels, 1) * sizeof(int32));
	w.filled = 0;
	for (lo = 0; j->touches[lo].ts < best_start; lo++)
		;
	for (; lo < j->ntouch && w.filled < top; lo++)
	{
		int32		before = w.filled;

		Assert(j->touches[lo].ts <= best_end);
		WindowAdd(&w, lo);
		if (w.filled > before)
			times[before] = j->touches[lo].ts;
	}
	pfree(need);
	pfree(w.have);
	return top;
}

/*
 * A funnel report's label for step s (0-based): the step's own label, or
 * under any_order, where step k is any k steps, "any k of n steps".
 */
Datum
FunnelStepLabel(const FunnelDef *def, int32 s)
{
	if (def->modes & FUNNEL_MODE_ANY_ORDER)
		return CStringGetTextDatum(psprintf("any %d of %d steps", s + 1, def->nsteps));
	return PointerGetDatum(def->steps[s]);
}
