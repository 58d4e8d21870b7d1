/*
 * funnel.c
 *	  Funnels on stored journeys (DESIGN.md S1-S7): the highest step a
 *	  journey reaches, and the timestamps of the chain that reaches it.
 *
 * A chain matches steps 1..m with distinct touchpoints, step i by a
 * touchpoint labelled steps[i], in non-decreasing time (touchpoints with
 * equal timestamps may fill consecutive steps in step order, S1), with
 * last - first <= window (S3), consecutive matches at most max_gap apart,
 * and no excluded touchpoint strictly between the first and the last
 * match in time (S6).  The level is the largest m over all chains (S4),
 * found exactly by dynamic programming over groups of equal timestamps:
 * for each step, the chains completing it are kept as a Pareto list of
 * (time of the last match, time of the first match), since a later first
 * match is better for the window and the exclusions and a later last match
 * is better for max_gap.  The timestamps reported are those of the chain
 * that reaches the top level earliest, and among those the one that
 * started latest (S7).
 *
 * Modes: strict_increase requires strictly increasing timestamps;
 * consecutive requires the matched touchpoints to be consecutive in the
 * journey, touchpoints of equal timestamps taken in any order (so in step
 * order, S1): no other touchpoint lies strictly inside the chain in time.
 * strict_order, strict_deduplication and allow_reentry run ClickHouse's
 * scan instead (funnelscan.c), as window_funnel does in those modes, and
 * strict_once makes it ClickHouse's strict_once scan; without the scan,
 * strict_once changes nothing (a touchpoint fills one step at most, S2,
 * and every chain counts, S4).  any_order (funnelany.c) counts the steps
 * completed in any order instead, and takes no other mode.
 *
 * Open funnels and optional steps (modes open and optional=N): a chain
 * matches steps s_1 < ... < s_m in order, under the same rules of time,
 * window, max_gap, exclusions and ties, where every step skipped between
 * s_1 and s_m is optional and every step before s_1 is optional (with
 * open, any).  Step k is reached when some valid chain ends with it, and
 * continued when some valid chain matches it and a later step; the level
 * is the highest step reached, and the timestamps are those of the chain
 * that reaches it first and then starts latest (S7), NULL for the steps it
 * skips.  With neither mode every chain matches 1..m and this is the
 * search above, which then runs unchanged.  RunSkipFunnel keeps the same
 * Pareto lists: a chain may start at a step whose predecessors may all be
 * skipped, extend from the list of any earlier step across optional ones,
 * and a group of equal timestamps fills its first and last step and the
 * steps between that are not optional.  On ties of S7 it takes the nearest
 * earlier step, so an optional step is matched when that starts no later.
 * These run neither with consecutive nor with ClickHouse's scan, which
 * follow every step in order (0A000).
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "dict.h"
#include "journey.h"
#include "funnel.h"
#include "params.h"
#include "varint.h"

PG_FUNCTION_INFO_V1(funnel_level);
PG_FUNCTION_INFO_V1(funnel_timestamps);

#define FUNNEL_MAX_STEPS 10000

/*
 * Mode bits, stored in funnel_counts values' definitions: consecutive was
 * named strict_order until 0.4.0, when strict_order came to mean what it
 * means in window_funnel (and ClickHouse).
 */
#define MODE_STRICT_INCREASE 0x01
#define MODE_CONSECUTIVE	0x02
#define MODE_STRICT_ORDER	0x04
#define MODE_STRICT_DEDUPLICATION 0x08
#define MODE_ALLOW_REENTRY	0x10
#define MODE_STRICT_ONCE	0x20
#define MODE_ANY_ORDER		FUNNEL_MODE_ANY_ORDER	/* funnelany.c */
#define MODE_OPEN			0x80
#define MODE_OPTIONAL		0x100	/* some step is optional=N */
#define MODE_SCAN			(MODE_STRICT_ORDER | MODE_STRICT_DEDUPLICATION)
#define MODE_ALL			(0x7F | MODE_SKIPS)
/* a chain may skip steps: the search of RunSkipFunnel */
#define MODE_SKIPS			(MODE_OPEN | MODE_OPTIONAL)
/* what does not combine with consecutive, the exact search of its own */
#define MODE_NOT_CONSECUTIVE (MODE_SCAN | MODE_ALLOW_REENTRY | MODE_STRICT_ONCE)

static const FunnelModeName FunnelModes[] = {
	{"strict_increase", MODE_STRICT_INCREASE}, {"consecutive", MODE_CONSECUTIVE},
	{"strict_order", MODE_STRICT_ORDER}, {"strict_deduplication", MODE_STRICT_DEDUPLICATION},
	{"allow_reentry", MODE_ALLOW_REENTRY}, {"strict_once", MODE_STRICT_ONCE},
	{"any_order", MODE_ANY_ORDER}, {"open", MODE_OPEN}
};

#define OPTIONAL_PREFIX		"optional="

typedef struct FunnelSpec
{
	int32		nsteps;
	int32	   *step_label;		/* per step: label index in the journey, -1 absent */
	bool	   *excluded;		/* per journey label */
	int64		window;
	int64		max_gap;		/* 0: none */
	int			modes;
	const bool *optional;		/* per step, or NULL: none */
} FunnelSpec;

/* A chain completing step `step` in the group at time last. */
typedef struct Entry
{
	int32		step;			/* 0-based */
	int32		first_step;		/* first step filled in this group */
	TimestampTz first;			/* time of the chain's first match */
	TimestampTz last;
	int32		parent;			/* entry of step first_step - 1, or -1 */
} Entry;

typedef struct Pareto
{
	int32	   *ids;			/* entries, last increasing, first decreasing */
	int32		n;
	int32		max;
} Pareto;

typedef struct Funnel
{
	Entry	   *entries;
	int32		nentries;
	int32		maxentries;
	int32		best;			/* entry of the highest level, or -1 */
	bool	   *reached;		/* RunSkipFunnel's, per step, or NULL */
	bool	   *continued;
} Funnel;

static int32
AddEntry(Funnel *f, const Entry *e)
{
	if (f->nentries >= f->maxentries)
	{
		/* an entry and its place in a Pareto list, within the budget */
		f->maxentries = GrowCapacity(f->maxentries,
									 JOURNEY_MAX_WORK_BYTES / (sizeof(Entry) + sizeof(int32)),
									 "funnel chain entries",
									 "Use fewer steps, or a shorter window.");
		f->entries = ResizeArray(CurrentMemoryContext, f->entries,
								 f->maxentries, sizeof(Entry));
	}
	f->entries[f->nentries] = *e;
	return f->nentries++;
}

/* Whether an excluded touchpoint lies strictly between first and last. */
static bool
ExcludedBetween(const TimestampTz *excl, int32 nexcl, TimestampTz first,
				TimestampTz last)
{
	int32		lo = 0;
	int32		hi = nexcl;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (excl[mid] <= first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nexcl && excl[lo] < last;
}

/*
 * The entry of the Pareto list that can best be extended to time t, or -1:
 * the one with the latest first match among those no more than max_gap
 * before t, if it also satisfies the window and the exclusions.
 */
static int32
Extendable(const Funnel *f, const Pareto *p, const FunnelSpec *spec,
		   const TimestampTz *excl, int32 nexcl, TimestampTz t)
{
	int32		lo = 0;
	int32		hi = p->n;
	const Entry *e;

	if (spec->max_gap > 0)
		while (lo < hi)
		{
			int32		mid = lo + (hi - lo) / 2;

			if ((uint64) t - (uint64) f->entries[p->ids[mid]].last > (uint64) spec->max_gap)
				lo = mid + 1;
			else
				hi = mid;
		}
	if (lo >= p->n)
		return -1;
	e = &f->entries[p->ids[lo]];
	if ((uint64) t - (uint64) e->first > (uint64) spec->window ||
		ExcludedBetween(excl, nexcl, e->first, t))
		return -1;
	return p->ids[lo];
}

static void
ParetoInsert(const Funnel *f, Pareto *p, int32 id)
{
	TimestampTz first = f->entries[id].first;

	while (p->n > 0 && f->entries[p->ids[p->n - 1]].first <= first)
		p->n--;
	if (p->n >= p->max)
	{
		p->max = GrowCapacity(p->max, MaxAllocSize / sizeof(int32),
							  "funnel chain entries", "Use fewer steps.");
		p->ids = ResizeArray(CurrentMemoryContext, p->ids, p->max, sizeof(int32));
	}
	p->ids[p->n++] = id;
}

/* Records the entry if it reaches a higher level than any before. */
static void
NoteLevel(Funnel *f, int32 id)
{
	if (f->best < 0 || f->entries[id].step > f->entries[f->best].step)
		f->best = id;
}

/* The times of the journey's excluded touchpoints, ascending; their number. */
static int32
ExcludedTimes(const Journey *j, const FunnelSpec *spec, TimestampTz **excl)
{
	int32		n = 0;
	int32		i;

	*excl = palloc(Max(j->ntouch, 1) * sizeof(TimestampTz));
	for (i = 0; i < j->ntouch; i++)
		if (spec->excluded[j->touches[i].label])
			(*excl)[n++] = j->touches[i].ts;
	return n;
}

/* A group's chains join the lists only once the group is done. */
static void
JoinPending(Funnel *f, Pareto *lists, const int32 *pending, int32 npending)
{
	int32		i;

	for (i = 0; i < npending; i++)
	{
		ParetoInsert(f, &lists[f->entries[pending[i]].step], pending[i]);
		NoteLevel(f, pending[i]);
	}
}

/* The dynamic programme over groups of equal timestamps. */
static void
RunFunnel(const Journey *j, const FunnelSpec *spec, Funnel *f)
{
	int32		k = spec->nsteps;
	Pareto	   *lists = palloc0(k * sizeof(Pareto));
	int32	   *available = palloc0(Max(j->nlabels, 1) * sizeof(int32));
	int32	   *ingroup = palloc0(Max(j->nlabels, 1) * sizeof(int32));
	int32	   *pending = palloc(k * sizeof(int32));
	TimestampTz *excl;
	int32		nexcl = ExcludedTimes(j, spec, &excl);
	int32		g;
	int32		i;

	for (g = 0; g < j->ntouch;)
	{
		TimestampTz t = j->touches[g].ts;
		int32		end = g;
		int32		npending = 0;
		int32		a = 0;		/* first step of the feasible range ending at b */
		int32		b;
		int32		s;

		while (end < j->ntouch && j->touches[end].ts == t)
		{
			ingroup[j->touches[end].label]++;
			available[j->touches[end++].label]++;
		}

		/*
		 * For each step b, the ranges [a, b] of steps that this group can
		 * fill need no label more often than the group has it; they form a
		 * suffix of [0, b], so a only moves forward.  available[] counts
		 * what filling steps [a, b) leaves unused.
		 */
		for (b = 0; b < k; b++)
		{
			int32		label = spec->step_label[b];
			int32		best_first_step = -1;
			int32		best_parent = -1;
			TimestampTz best_first = 0;

			if (label < 0 || ingroup[label] == 0)
			{
				for (s = a; s < b; s++)
					available[spec->step_label[s]]++;
				a = b + 1;
				continue;
			}
			while (available[label] == 0)
				available[spec->step_label[a++]]++;
			available[label]--;
			if (spec->modes & MODE_STRICT_INCREASE)
			{
				for (s = a; s < b; s++)
					available[spec->step_label[s]]++;
				a = b;
			}
			for (s = b; s >= a; s--)
			{
				int32		parent = -1;
				TimestampTz first = t;

				if (s > 0)
				{
					parent = Extendable(f, &lists[s - 1], spec, excl, nexcl, t);
					if (parent < 0)
						continue;
					first = f->entries[parent].first;
				}
				if (best_first_step < 0 || first > best_first)
				{
					best_first_step = s;
					best_first = first;
					best_parent = parent;
				}
			}
			if (best_first_step >= 0)
			{
				Entry		e = {b, best_first_step, best_first, t, best_parent};

				pending[npending++] = AddEntry(f, &e);
			}
			CHECK_FOR_INTERRUPTS();
		}
		for (i = g; i < end; i++)
			ingroup[j->touches[i].label] = available[j->touches[i].label] = 0;

		/* this group's chains join the lists only now: ranges covered it */
		JoinPending(f, lists, pending, npending);
		g = end;
	}
}

/*
 * open and optional steps: the same programme, where a chain may start at a
 * step all of whose predecessors may be skipped (any, if open) and extend
 * from any earlier step across optional ones.  A group of equal timestamps
 * fills a set of steps s .. b: s, b and the steps between that are not
 * optional (the fewest labels; the optional ones are then skipped).  Also
 * notes, per step, whether some chain ends with it (reached) and whether
 * some chain matches it and a later step (continued).
 */
static void
RunSkipFunnel(const Journey *j, const FunnelSpec *spec, Funnel *f)
{
	int32		k = spec->nsteps;
	int32	   *lowest = palloc(k * sizeof(int32));	/* earliest step a chain at s extends */
	bool	   *fresh = palloc(k * sizeof(bool));	/* a chain may start at s */
	Pareto	   *lists = palloc0(k * sizeof(Pareto));
	int32	   *ingroup = palloc0(Max(j->nlabels, 1) * sizeof(int32));
	int32	   *used = palloc0(Max(j->nlabels, 1) * sizeof(int32));
	int32	   *pending = palloc(k * sizeof(int32));
	int32	   *start_parent = palloc(k * sizeof(int32));
	TimestampTz *start_first = palloc(k * sizeof(TimestampTz));
	bool	   *can_start = palloc(k * sizeof(bool));
	TimestampTz *excl;
	int32		nexcl = ExcludedTimes(j, spec, &excl);
	bool		strict = (spec->modes & MODE_STRICT_INCREASE) != 0;
	int32		g;
	int32		i;
	int32		s;

#define OPTIONAL(s) (spec->optional != NULL && spec->optional[s])
#define LABEL_IN(s) (spec->step_label[s] >= 0 && ingroup[spec->step_label[s]] > 0)
	for (s = 0; s < k; s++)
	{
		fresh[s] = s == 0 || (spec->modes & MODE_OPEN) || (fresh[s - 1] && OPTIONAL(s - 1));
		lowest[s] = s == 0 ? 0 : OPTIONAL(s - 1) ? lowest[s - 1] : s - 1;
	}

	for (g = 0; g < j->ntouch;)
	{
		TimestampTz t = j->touches[g].ts;
		int32		end = g;
		int32		npending = 0;
		int32		b;

		while (end < j->ntouch && j->touches[end].ts == t)
			ingroup[j->touches[end++].label]++;

		/* how a chain can have its first match of this group at step s */
		for (s = 0; s < k; s++)
		{
			int32		p;

			can_start[s] = false;
			if (!LABEL_IN(s))
				continue;
			if (fresh[s])
			{
				can_start[s] = true;
				start_first[s] = t;
				start_parent[s] = -1;
			}
			for (p = s - 1; s > 0 && p >= lowest[s]; p--)
			{
				int32		id = Extendable(f, &lists[p], spec, excl, nexcl, t);

				if (id < 0)
					continue;
				f->continued[p] = true;
				if (!can_start[s] || f->entries[id].first > start_first[s])
				{
					can_start[s] = true;
					start_first[s] = f->entries[id].first;
					start_parent[s] = id;
				}
			}
			CHECK_FOR_INTERRUPTS();
		}

		/*
		 * Chains ending at b: for s from b down, used[] counts the labels of
		 * b and of the steps strictly between s and b that are not optional;
		 * once they exceed the group no lower s fits.
		 */
		for (b = 0; b < k; b++)
		{
			int32		best_s = -1;
			int32		lowest_fit = b;
			int32		m;

			if (!LABEL_IN(b))
				continue;
			used[spec->step_label[b]]++;
			for (s = b; s >= 0; s--)
			{
				int32		ls = spec->step_label[s];

				if (s + 1 < b && !OPTIONAL(s + 1))
				{
					/* step s + 1 is now strictly inside */
					int32		li = spec->step_label[s + 1];

					if (li < 0 || ++used[li] > ingroup[li])
						break;
				}
				if (s < b && (strict || !LABEL_IN(s) || used[ls] + 1 > ingroup[ls]))
				{
					if (strict)
						break;
					continue;
				}
				if (!can_start[s])
					continue;
				if (best_s < 0 || start_first[s] > start_first[best_s])
					best_s = s;
				if (s == b)
					continue;
				lowest_fit = s;
				f->continued[s] = true;
				/* an optional step inside, if the group has its label too */
				for (m = s + 1; m < b; m++)
				{
					int32		lm = spec->step_label[m];

					if (OPTIONAL(m) && !f->continued[m] && LABEL_IN(m) &&
						used[lm] + (ls == lm) + 1 <= ingroup[lm])
						f->continued[m] = true;
				}
				CHECK_FOR_INTERRUPTS();
			}
			for (m = Max(s, 0); m <= b; m++)
				if (spec->step_label[m] >= 0)
					used[spec->step_label[m]] = 0;
			/* the steps inside that are not optional lie on a chain to b */
			for (s = lowest_fit + 1; s < b; s++)
				if (!OPTIONAL(s))
					f->continued[s] = true;
			if (best_s >= 0)
			{
				Entry		e = {b, best_s, start_first[best_s], t, start_parent[best_s]};

				f->reached[b] = true;
				pending[npending++] = AddEntry(f, &e);
			}
		}
		for (i = g; i < end; i++)
			ingroup[j->touches[i].label] = 0;
		JoinPending(f, lists, pending, npending);
		g = end;
	}
#undef OPTIONAL
#undef LABEL_IN
}

/*
 * strict_order: how many of steps pos, pos + 1, ... (at most limit) the
 * touchpoints [gs, ge) of one group of equal timestamps can fill, taken in
 * step order (S1); cnt[] is zero per label on entry and on return.
 */
static int32
TakeSteps(const Journey *j, const FunnelSpec *spec, int32 gs, int32 ge,
		  int32 pos, int32 limit, int32 *cnt)
{
	int32		q = 0;
	int32		i;

	for (i = gs; i < ge; i++)
		cnt[j->touches[i].label]++;
	while (q < limit && spec->step_label[pos + q] >= 0 &&
		   cnt[spec->step_label[pos + q]] > 0)
		cnt[spec->step_label[pos + q++]]--;
	for (i = gs; i < ge; i++)
		cnt[j->touches[i].label] = 0;
	return q;
}

/*
 * strict_order: the chain that fills r steps in group g and goes on as far
 * as it can; its level, and when it ends in *last.  Touchpoints of equal
 * timestamps may be ordered as the steps need, so the chain is consecutive
 * when no other touchpoint lies strictly inside it in time: it takes any r
 * of its first group, the whole of every group after but the last, and any
 * of its last.  With record, its matches are added as entries of f.
 */
static int32
StrictWalk(const Journey *j, const FunnelSpec *spec, const int32 *group,
		   int32 ngroups, int32 g, int32 r, int32 *cnt, Funnel *f, bool record,
		   TimestampTz *last)
{
	TimestampTz first = j->touches[group[g]].ts;
	int32		pos = r;
	int32		parent = -1;
	int32		h;

	*last = first;
	if (record)
	{
		Entry		e = {r - 1, 0, first, first, -1};

		parent = AddEntry(f, &e);
	}
	for (h = g + 1; h < ngroups && pos < spec->nsteps; h++)
	{
		TimestampTz t = j->touches[group[h]].ts;
		int32		size = group[h + 1] - group[h];
		int32		q;

		if ((uint64) t - (uint64) first > (uint64) spec->window ||
			(spec->max_gap > 0 &&
			 (uint64) t - (uint64) *last > (uint64) spec->max_gap))
			break;
		q = TakeSteps(j, spec, group[h], group[h + 1], pos,
					  (spec->modes & MODE_STRICT_INCREASE) ? 1 : spec->nsteps - pos, cnt);
		if (q == 0)
			break;
		if (record)
		{
			Entry		e = {pos + q - 1, pos, first, t, parent};

			parent = AddEntry(f, &e);
		}
		pos += q;
		*last = t;
		if (q < size)
			break;				/* the rest of the group would lie inside */
		CHECK_FOR_INTERRUPTS();
	}
	if (record)
		f->best = parent;
	return pos;
}

/*
 * strict_order: the best chain over every start (a group and how many
 * steps it fills), by S7: the highest level, then the earliest end, then
 * the latest start (the groups are in time order).
 */
static void
RunStrictOrder(const Journey *j, const FunnelSpec *spec, Funnel *f)
{
	int32	   *group = palloc((j->ntouch + 1) * sizeof(int32));
	int32	   *cnt = palloc0(Max(j->nlabels, 1) * sizeof(int32));
	int32		ngroups = 0;
	int32		best_level = 0;
	int32		best_g = -1;
	int32		best_r = 0;
	TimestampTz best_last = 0;
	int32		g;
	int32		i;

	for (i = 0; i < j->ntouch; i++)
		if (i == 0 || j->touches[i].ts != j->touches[i - 1].ts)
			group[ngroups++] = i;
	group[ngroups] = j->ntouch;
	for (g = 0; g < ngroups; g++)
	{
		int32		rmax = TakeSteps(j, spec, group[g], group[g + 1], 0,
									 (spec->modes & MODE_STRICT_INCREASE) ? 1 : spec->nsteps, cnt);
		int32		r;

		for (r = 1; r <= rmax; r++)
		{
			TimestampTz last;
			int32		level = StrictWalk(j, spec, group, ngroups, g, r, cnt, f, false, &last);

			if (level > best_level || (level == best_level && last <= best_last))
			{
				best_level = level;
				best_g = g;
				best_r = r;
				best_last = last;
			}
		}
		CHECK_FOR_INTERRUPTS();
	}
	if (best_g >= 0)
	{
		TimestampTz last;

		StrictWalk(j, spec, group, ngroups, best_g, best_r, cnt, f, true, &last);
	}
	pfree(group);
	pfree(cnt);
}

/* A journey's touchpoints as the scan's events, and their order. */
typedef struct TouchSteps
{
	const Journey *j;
	const FunnelSpec *spec;
	int32	   *order;			/* touchpoints by time, then by their steps */
	int32	   *first;			/* label l fills steps[first[l] .. first[l + 1]) */
	int32	   *steps;
} TouchSteps;

/*
 * Touchpoints in time order; at equal times, by their steps as ascending
 * lists, a list before its extensions, and touchpoints meeting no step
 * last, so that they never come between steps of the same time (S1), as
 * window_funnel orders its rows.
 */
static int
CompareTouchSteps(const void *a, const void *b, void *arg)
{
	const TouchSteps *ts = arg;
	const JourneyTouch *x = &ts->j->touches[*(const int32 *) a];
	const JourneyTouch *y = &ts->j->touches[*(const int32 *) b];
	const int32 *sx = ts->steps + ts->first[x->label];
	const int32 *sy = ts->steps + ts->first[y->label];
	int32		nx = ts->first[x->label + 1] - ts->first[x->label];
	int32		ny = ts->first[y->label + 1] - ts->first[y->label];
	int32		i;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if ((nx == 0) != (ny == 0))
		return nx == 0 ? 1 : -1;
	for (i = 0; i < nx && i < ny; i++)
		if (sx[i] != sy[i])
			return sx[i] < sy[i] ? -1 : 1;
	return (nx > i) - (ny > i);
}

static void
NextTouch(void *arg, int32 i, FunnelScanEvent *e)
{
	const TouchSteps *ts = arg;
	int32		l = ts->j->touches[ts->order[i]].label;

	e->ts = ts->j->touches[ts->order[i]].ts;
	e->steps = ts->steps + ts->first[l];
	e->nsteps = ts->first[l + 1] - ts->first[l];
	e->excluded = ts->spec->excluded[l];
}

/*
 * strict_order, strict_deduplication: ClickHouse's scan over the
 * touchpoints, each an event meeting the steps its label fills, exactly as
 * window_funnel runs it over rows.
 */
static int32
RunScan(const Journey *j, const FunnelSpec *spec, TimestampTz *times)
{
	TouchSteps	ts = {j, spec};
	int32	   *fill;
	FunnelScanSpec scan;
	int32		level;
	int32		i;
	int32		s;

	/* each label's steps, ascending */
	ts.first = palloc0((j->nlabels + 1) * sizeof(int32));
	ts.steps = palloc(Max(spec->nsteps, 1) * sizeof(int32));
	for (s = 0; s < spec->nsteps; s++)
		if (spec->step_label[s] >= 0)
			ts.first[spec->step_label[s] + 1]++;
	for (i = 0; i < j->nlabels; i++)
		ts.first[i + 1] += ts.first[i];
	fill = palloc(Max(j->nlabels, 1) * sizeof(int32));
	memcpy(fill, ts.first, Max(j->nlabels, 1) * sizeof(int32));
	for (s = 0; s < spec->nsteps; s++)
		if (spec->step_label[s] >= 0)
			ts.steps[fill[spec->step_label[s]]++] = s;
	ts.order = palloc(Max(j->ntouch, 1) * sizeof(int32));
	for (i = 0; i < j->ntouch; i++)
		ts.order[i] = i;
	qsort_arg(ts.order, j->ntouch, sizeof(int32), CompareTouchSteps, &ts);

	scan.nsteps = spec->nsteps;
	scan.window = spec->window;
	scan.max_gap = spec->max_gap;
	scan.strict_order = (spec->modes & MODE_STRICT_ORDER) != 0;
	scan.strict_deduplication = (spec->modes & MODE_STRICT_DEDUPLICATION) != 0;
	scan.strict_increase = (spec->modes & MODE_STRICT_INCREASE) != 0;
	scan.allow_reentry = (spec->modes & MODE_ALLOW_REENTRY) != 0;
	scan.strict_once = (spec->modes & MODE_STRICT_ONCE) != 0;
	level = FunnelScan(j->ntouch, NextTouch, &ts, &scan, times);
	pfree(ts.order);
	pfree(ts.first);
	pfree(ts.steps);
	pfree(fill);
	return level;
}

/* Label index of j equal to t, or -1. */
static int32
FindLabel(const Journey *j, text *t)
{
	return JourneyFindLabel(j, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/*
 * The funnel's modes: the names of FunnelModes, and optional=N (step N,
 * 1-based, may be skipped), each step at most once.
 */
static void
FunnelModesArg(ArrayType *array, FunnelDef *def)
{
	Datum	   *elems;
	int			n;
	int			nrest = 0;
	int			i;
	const int	plen = strlen(OPTIONAL_PREFIX);

	elems = TextElements(array, "funnel modes", &n);
	for (i = 0; i < n; i++)
	{
		text	   *t = DatumGetTextPP(elems[i]);
		char	   *name;
		char	   *end;
		long		step;

		if (VARSIZE_ANY_EXHDR(t) < plen ||
			strncmp(VARDATA_ANY(t), OPTIONAL_PREFIX, plen) != 0)
		{
			elems[nrest++] = elems[i];
			continue;
		}
		name = text_to_cstring(t);
		errno = 0;
		step = strtol(name + plen, &end, 10);
		if (!isdigit((unsigned char) name[plen]) || *end != '\0' || errno != 0 ||
			step < 1 || step > def->nsteps)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("funnel mode \"%s\" does not name a step", name),
					 errhint("Write optional=N with N a step number from 1 to %d.", def->nsteps)));
		if (def->optional == NULL)
			def->optional = palloc0(def->nsteps * sizeof(bool));
		if (def->optional[step - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("funnel step %ld is optional more than once", step)));
		def->optional[step - 1] = true;
		def->modes |= MODE_OPTIONAL;
	}
	def->modes |= FunnelParseModes(construct_array(elems, nrest, TEXTOID, -1, false, TYPALIGN_INT),
								   FunnelModes, lengthof(FunnelModes), "funnel");
}

/* Whether modes combine: false, and what does not, if they do not. */
static bool
FunnelModesCombine(int modes, const char **detail)
{
	if ((modes & MODE_CONSECUTIVE) && (modes & MODE_NOT_CONSECUTIVE))
		*detail = "consecutive";
	else if ((modes & MODE_SKIPS) && (modes & (MODE_CONSECUTIVE | MODE_NOT_CONSECUTIVE)))
		*detail = "skips";
	else
		return true;
	return false;
}

/*
 * Reads a funnel's definition from the arguments steps, within, max_gap,
 * exclude and mode, starting at argument first; steps and within must not
 * be NULL.
 */
void
FunnelDefFromArgs(FunctionCallInfo fcinfo, int first, FunnelDef *def)
{
	FunnelDefFromArgsAt(fcinfo, first, first + 2, def);
}

/* The same, with max_gap, exclude and mode from argument options on. */
void
FunnelDefFromArgsAt(FunctionCallInfo fcinfo, int first, int options, FunnelDef *def)
{
	Datum	   *elems;
	int			n;
	int			i;
	int			s;
	const char *what = NULL;

#define ARG_NULL(n) (PG_NARGS() <= (n) || PG_ARGISNULL(n))
	memset(def, 0, sizeof(*def));
	if (ARG_NULL(first + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("funnel window must not be NULL")));
	elems = TextElements(PG_GETARG_ARRAYTYPE_P(first), "funnel steps", &n);
	if (n < 1 || n > FUNNEL_MAX_STEPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a funnel needs between 1 and %d steps", FUNNEL_MAX_STEPS)));
	def->nsteps = n;
	def->steps = palloc(n * sizeof(text *));
	for (i = 0; i < n; i++)
		def->steps[i] = DatumGetTextPP(elems[i]);
	def->window = IntervalMicros(PG_GETARG_INTERVAL_P(first + 1), "funnel window", NULL);
	if (!ARG_NULL(options))
		def->max_gap = IntervalMicros(PG_GETARG_INTERVAL_P(options),
									  "maximum gap between steps",
									  "Pass NULL for no limit between steps.");
	if (!ARG_NULL(options + 1))
	{
		elems = TextElements(PG_GETARG_ARRAYTYPE_P(options + 1), "exclusion labels", &n);
		def->nexclude = n;
		def->exclude = palloc(Max(n, 1) * sizeof(text *));
		for (i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();	/* exclusions x steps */
			def->exclude[i] = DatumGetTextPP(elems[i]);
			for (s = 0; s < def->nsteps; s++)
				if (CompareBytes(VARDATA_ANY(def->exclude[i]), VARSIZE_ANY_EXHDR(def->exclude[i]),
								 VARDATA_ANY(def->steps[s]), VARSIZE_ANY_EXHDR(def->steps[s])) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("label \"%s\" is both a step and an exclusion",
									text_to_cstring(def->exclude[i]))));
		}
	}
	if (!ARG_NULL(options + 2))
		FunnelModesArg(PG_GETARG_ARRAYTYPE_P(options + 2), def);
	if (!FunnelModesCombine(def->modes, &what) && strcmp(what, "skips") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("funnel modes open and optional combine only with strict_increase"),
				 errhint("consecutive and ClickHouse's modes follow every step in order; an open funnel or optional steps are searched by the exact maximum over chains.")));
	if ((def->modes & MODE_CONSECUTIVE) && (def->modes & MODE_NOT_CONSECUTIVE))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("funnel mode consecutive does not combine with strict_order, strict_deduplication, allow_reentry or strict_once"),
				 errhint("consecutive is the exact maximum over chains of consecutive touchpoints; the others are ClickHouse's.")));
	if (def->modes & MODE_ANY_ORDER)
	{
		int			nmodes = (int) lengthof(FunnelModes);

		/* it orders nothing: every other mode, and max_gap, order steps */
		for (i = 0; i < nmodes; i++)
			if ((def->modes & FunnelModes[i].bit) && FunnelModes[i].bit != MODE_ANY_ORDER)
				break;
		if (i < nmodes || def->max_gap != 0 || (def->modes & MODE_OPTIONAL))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("funnel mode any_order does not combine with %s",
							i < nmodes ? FunnelModes[i].name :
							def->max_gap != 0 ? "max_gap" : "optional steps"),
					 errhint("any_order counts the steps completed in any order within the window; the other modes and max_gap are about their order.")));
	}
#undef ARG_NULL
}

/*
 * The level the journey reaches (0 .. nsteps), and if times is not NULL
 * the time of each matched step of the chain that reaches it first (S7).
 */
int32
FunnelEvaluate(const FunnelDef *def, const Journey *j, TimestampTz *times)
{
	return FunnelEvaluateSteps(def, j, times, NULL, NULL, NULL);
}

/*
 * The same; with open or optional steps, matched[] says which steps of
 * times[] the chain matches (all up to the level otherwise), and reached[]
 * and continued[], if not NULL, whether some chain ends with each step and
 * whether some chain matches it and a later one (for other funnels, a step
 * is reached up to the level and continued below it).
 */
int32
FunnelEvaluateSteps(const FunnelDef *def, const Journey *j, TimestampTz *times,
					bool *matched, bool *reached, bool *continued)
{
	FunnelSpec	spec = {0};
	Funnel		f = {0};
	int32		level;
	int32		id;
	int			i;

	spec.nsteps = def->nsteps;
	spec.step_label = palloc(def->nsteps * sizeof(int32));
	for (i = 0; i < def->nsteps; i++)
		spec.step_label[i] = FindLabel(j, def->steps[i]);
	spec.excluded = palloc0(Max(j->nlabels, 1) * sizeof(bool));
	for (i = 0; i < def->nexclude; i++)
	{
		int32		label = FindLabel(j, def->exclude[i]);

		if (label >= 0)
			spec.excluded[label] = true;
	}
	spec.window = def->window;
	spec.max_gap = def->max_gap;
	spec.modes = def->modes;
	spec.optional = def->optional;
	f.best = -1;
	if (matched != NULL)
		memset(matched, 0, def->nsteps * sizeof(bool));
	if (spec.modes & MODE_ANY_ORDER)
		level = FunnelAnyOrder(j, spec.step_label, spec.nsteps, spec.excluded, spec.window, times);
	else if (spec.modes & MODE_SCAN)
		level = RunScan(j, &spec, times);
	else
	{
		if (spec.modes & MODE_CONSECUTIVE)
			RunStrictOrder(j, &spec, &f);
		else if (spec.modes & MODE_SKIPS)
		{
			f.reached = palloc0(def->nsteps * sizeof(bool));
			f.continued = palloc0(def->nsteps * sizeof(bool));
			RunSkipFunnel(j, &spec, &f);
		}
		else
			RunFunnel(j, &spec, &f);
		level = f.best < 0 ? 0 : f.entries[f.best].step + 1;
		for (id = f.best; id >= 0; id = f.entries[id].parent)
		{
			const Entry *e = &f.entries[id];
			int32		st;

			/* a group fills its first and last step and those not optional */
			for (st = e->first_step; st <= e->step; st++)
				if (st == e->first_step || st == e->step ||
					def->optional == NULL || !def->optional[st])
				{
					if (times != NULL)
						times[st] = e->last;
					if (matched != NULL)
						matched[st] = true;
				}
		}
	}
	if (matched != NULL && !(spec.modes & MODE_SKIPS))
		memset(matched, true, level * sizeof(bool));
	for (i = 0; i < def->nsteps; i++)
	{
		if (reached != NULL)
			reached[i] = f.reached ? f.reached[i] : i < level;
		if (continued != NULL)
			continued[i] = f.continued ? f.continued[i] : i + 1 < level;
	}
	if (f.entries)
		pfree(f.entries);
	pfree(spec.step_label);
	pfree(spec.excluded);
	return level;
}

/* Whether a chain of the funnel may skip steps (open, optional steps). */
bool
FunnelSkipsSteps(const FunnelDef *def)
{
	return (def->modes & MODE_SKIPS) != 0;
}

/* Refuses open and optional steps where what cannot take them. */
void
FunnelRefuseSkips(const FunnelDef *def, const char *what)
{
	if (FunnelSkipsSteps(def))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s does not take funnel modes open or optional", what),
				 errhint("Use a funnel whose chains match every step from the first.")));
}

/* A label of a serialised list: its length, ':', and its bytes. */
void
AppendCounted(StringInfo buf, text *t)
{
	appendStringInfo(buf, "%d:", (int) VARSIZE_ANY_EXHDR(t));
	appendBinaryStringInfo(buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/*
 * A funnel's definition as text, to be stored with what is counted for it:
 * within=us;gap=us;modes=bits;steps=len:label...;exclude=len:label...
 * and, with the optional bit, ;optional=N,N... (ascending step numbers).
 */
char *
FunnelDefSerialize(const FunnelDef *def, int32 *len)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "within=" INT64_FORMAT ";gap=" INT64_FORMAT ";modes=%d;steps=",
					 def->window, def->max_gap, def->modes);
	for (i = 0; i < def->nsteps; i++)
		AppendCounted(&buf, def->steps[i]);
	appendStringInfoString(&buf, ";exclude=");
	for (i = 0; i < def->nexclude; i++)
		AppendCounted(&buf, def->exclude[i]);
	/* only with the bit, so that the definitions of 0.5.0 stay as they were */
	if (def->modes & MODE_OPTIONAL)
	{
		const char *sep = ";" OPTIONAL_PREFIX;

		for (i = 0; i < def->nsteps; i++)
			if (def->optional[i])
			{
				appendStringInfo(&buf, "%s%d", sep, i + 1);
				sep = ",";
			}
	}
	*len = buf.len;
	return buf.data;
}

/*
 * The labels of one list of a serialised definition, up to ';' or the end;
 * false if it is malformed.
 */
bool
ReadCounted(const char **pp, const char *end, text ***list, int32 *n)
{
	const char *p = *pp;
	int32		max = 0;

	*list = NULL;
	*n = 0;
	while (p < end && *p != ';')
	{
		char	   *colon;
		long		len = strtol(p, &colon, 10);

		if (colon == p || colon >= end || *colon != ':' || len < 0 || len > end - colon - 1)
			return false;
		if (*n >= max)
		{
			max = Max(8, 2 * max);
			*list = *list ? repalloc(*list, max * sizeof(text *)) : palloc(max * sizeof(text *));
		}
		(*list)[(*n)++] = cstring_to_text_with_len(colon + 1, (int) len);
		p = colon + 1 + len;
	}
	*pp = p;
	return true;
}

/* ;optional=N,N... to the end: ascending step numbers, at least one. */
static bool
ReadOptional(const char *p, const char *end, FunnelDef *def)
{
	const int	plen = strlen(OPTIONAL_PREFIX);
	int32		last = 0;

	if (end - p < plen + 2 || *p != ';' || strncmp(p + 1, OPTIONAL_PREFIX, plen) != 0)
		return false;
	def->optional = palloc0(def->nsteps * sizeof(bool));
	for (p += plen + 1;; p++)
	{
		const char *digits = p;
		int32		step = 0;

		for (; p < end && *p >= '0' && *p <= '9' && step <= def->nsteps; p++)
			step = step * 10 + (*p - '0');
		if (p == digits || *digits == '0' || step <= last || step > def->nsteps)
			return false;
		def->optional[step - 1] = true;
		last = step;
		if (p == end)
			return true;
		if (*p != ',')
			return false;
	}
}

/* Reads a serialised definition; false if it is malformed. */
bool
FunnelDefParse(const char *stored, int32 len, FunnelDef *def)
{
	/* the stored definition has no terminating zero; sscanf needs one */
	char	   *buf = palloc(len + 1);
	const char *end = buf + len;
	const char *p;
	long long	window;
	long long	gap;
	int			modes;
	int			used;
	const char *what;

	memcpy(buf, stored, len);
	buf[len] = '\0';
	memset(def, 0, sizeof(*def));
	if (sscanf(buf, "within=%lld;gap=%lld;modes=%d;steps=%n", &window, &gap, &modes, &used) != 3 ||
		used <= 0 || used > len)
		return false;
	if ((modes & ~MODE_ALL) != 0 || !FunnelModesCombine(modes, &what) ||
		((modes & MODE_ANY_ORDER) && ((modes & ~MODE_ANY_ORDER) != 0 || gap != 0)))
		return false;
	def->window = window;
	def->max_gap = gap;
	def->modes = modes;
	p = buf + used;
	if (!ReadCounted(&p, end, &def->steps, &def->nsteps) ||
		end - p < 9 || strncmp(p, ";exclude=", 9) != 0 || def->nsteps < 1)
		return false;
	p += 9;
	if (!ReadCounted(&p, end, &def->exclude, &def->nexclude))
		return false;
	if (modes & MODE_OPTIONAL)
		return ReadOptional(p, end, def);
	return p == end;
}

void
FunnelDefDeserialize(const char *stored, int32 len, FunnelDef *def)
{
	if (!FunnelDefParse(stored, len, def))
		ReportCorrupt("bad funnel definition");
}

/* funnel_level(j, steps, within, max_gap, exclude, mode): 0 .. steps */
Datum
funnel_level(PG_FUNCTION_ARGS)
{
	FunnelDef	def;
	Journey		j;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	FunnelDefFromArgs(fcinfo, 1, &def);
	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	PG_RETURN_INT32(FunnelEvaluate(&def, &j, NULL));
}

/*
 * funnel_timestamps(...): the time of each matched step of the chain (S7),
 * NULL for the steps it skips.
 */
Datum
funnel_timestamps(PG_FUNCTION_ARGS)
{
	FunnelDef	def;
	Journey		j;
	TimestampTz *times;
	bool	   *matched;
	Datum	   *elems;
	bool	   *nulls;
	int32		level;
	int32		i;
	int			dims[1];
	int			lbs[1] = {1};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	FunnelDefFromArgs(fcinfo, 1, &def);
	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	times = palloc(def.nsteps * sizeof(TimestampTz));
	matched = palloc(def.nsteps * sizeof(bool));
	level = FunnelEvaluateSteps(&def, &j, times, matched, NULL, NULL);
	elems = palloc(Max(level, 1) * sizeof(Datum));
	nulls = palloc(Max(level, 1) * sizeof(bool));
	for (i = 0; i < level; i++)
	{
		elems[i] = TimestampTzGetDatum(matched[i] ? times[i] : 0);
		nulls[i] = !matched[i];
	}
	dims[0] = level;
	if (level == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TIMESTAMPTZOID));
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, TIMESTAMPTZOID,
											 sizeof(TimestampTz), FLOAT8PASSBYVAL,
											 TYPALIGN_DOUBLE));
}
