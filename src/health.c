/*
 * health.c
 *	  Touchpoint health (the health kind of path_counts, built by
 *	  health_counts): per label, how many touchpoints and journeys it has,
 *	  how often a journey ends there, its values, the time to the next
 *	  touchpoint, and where journeys come back after a session ended there;
 *	  and its readers, touchpoint_health and reentries.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "counts.h"
#include "journey.h"
#include "params.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(health_counts_transfn);
PG_FUNCTION_INFO_V1(touchpoint_health);
PG_FUNCTION_INFO_V1(reentries);

/*
 * Touchpoint health (COUNTS_HEALTH, param = session timeout in seconds)
 * keeps, per label, one key per statistic at these positions; the time to
 * the next touchpoint is a histogram of GapBucket buckets above
 * HEALTH_GAPS.  Value sums are in micro-units, split by sign since counts
 * are never negative.
 */
#define HEALTH_TOUCHPOINTS		0
#define HEALTH_JOURNEYS			1
#define HEALTH_EXITS			2
#define HEALTH_REENTRIES		3	/* key (exit label, re-entry label) */
#define HEALTH_VALUES			4
#define HEALTH_VALUE_PLUS		5
#define HEALTH_VALUE_MINUS		6
#define HEALTH_GAPS				100
#define HEALTH_VALUE_SCALE		1000000
#define HEALTH_STATS 6			/* touchpoints, journeys, exits, values, gaps, re-entries */

static void
HealthSumsBegin(const Counts *c, CountsSums *s)
{
	if (c->spec.param < 0)
		CountsShapeError(c, -1, "the session timeout is not negative");
	s->state = palloc0((Size) Max(c->nlabels, 1) * HEALTH_STATS * sizeof(int64));
}

static void
HealthCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (markers || c->key_start[k + 1] - c->key_start[k] != (pos == HEALTH_REENTRIES ? 2 : 1) ||
		pos < 0 || (pos > HEALTH_VALUE_MINUS && pos < HEALTH_GAPS) ||
		pos > HEALTH_GAPS + GAP_MAX_BUCKET)
		CountsShapeError(c, k, "a statistic is one label (two for re-entries) at a known position");
}

static void
HealthSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int32		pos = c->positions[k];
	int64		count = c->counts[k];
	int64	   *st = (int64 *) s->state + (Size) c->key_labels[c->key_start[k]] * HEALTH_STATS;

	if (pos <= HEALTH_EXITS)
		st[pos] += count;
	else if (pos == HEALTH_VALUES)
		st[3] += count;
	else if (pos >= HEALTH_GAPS)
		st[4] += count;
	else if (pos == HEALTH_REENTRIES)
		st[5] += count;
	else if (st[3] == 0)
		CountsShapeError(c, k, "a value sum needs values");
	if (pos == HEALTH_EXITS)
		s->sum += count;
	if (pos == HEALTH_JOURNEYS && count > c->total)
		CountsShapeError(c, k, "no more journeys with a label than journeys");
}

static void
HealthSumsEnd(const Counts *c, CountsSums *s)
{
	int32		l;

	if (s->sum > c->total)
		CountsShapeError(c, -1, "no more exits than journeys");
	for (l = 0; l < c->nlabels; l++)
	{
		int64	   *st = (int64 *) s->state + (Size) l * HEALTH_STATS;

		if (st[1] > st[0] || st[2] > st[1] || st[3] > st[0] ||
			st[2] + st[4] != st[0] || st[5] > st[4])
			CountsShapeError(c, -1, psprintf("label %d: journeys, exits and values are at most its touchpoints, every touchpoint an exit or a gap, and re-entries at most its gaps", l + 1));
	}
	pfree(s->state);
}

/* Touchpoint health of one journey. */
static bool
HealthCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	int32	   *map = palloc(Max(j->nlabels, 1) * sizeof(int32));
	bool	   *seen = palloc0(Max(j->nlabels, 1) * sizeof(bool));
	uint64		timeout = (uint64) b->spec.param * USECS_PER_SEC;
	int32		i;

	for (i = 0; i < j->nlabels; i++)
		map[i] = StringDictIntern(&b->labels, j->labels[i], j->label_lens[i]);
	for (i = 0; i < j->ntouch; i++)
	{
		const JourneyTouch *t = &j->touches[i];
		int32		l = map[t->label];

		CountsBuilderAdd(b, HEALTH_TOUCHPOINTS, &l, 1, 1);
		if (!seen[t->label])
			CountsBuilderAdd(b, HEALTH_JOURNEYS, &l, 1, 1);
		seen[t->label] = true;
		if (t->has_value)
		{
			int128		units = (int128) rint(t->value * HEALTH_VALUE_SCALE);

			if (units > PG_INT64_MAX || units < -PG_INT64_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("touchpoint value too large for touchpoint health")));
			CountsBuilderAdd(b, HEALTH_VALUES, &l, 1, 1);
			if (units != 0)
				CountsBuilderAdd(b, units > 0 ? HEALTH_VALUE_PLUS : HEALTH_VALUE_MINUS,
								 &l, 1, (int64) (units > 0 ? units : -units));
		}
		if (i + 1 < j->ntouch)
		{
			uint64		gap = (uint64) j->touches[i + 1].ts - (uint64) t->ts;

			CountsBuilderAdd(b, HEALTH_GAPS + GapBucket(gap), &l, 1, 1);
			if (gap > timeout)
			{
				int32		pair[2] = {l, map[j->touches[i + 1].label]};

				CountsBuilderAdd(b, HEALTH_REENTRIES, pair, 2, 1);
			}
		}
		else
			CountsBuilderAdd(b, HEALTH_EXITS, &l, 1, 1);
	}
	pfree(map);
	pfree(seen);
	return true;
}

/* health_counts(j [, timeout]): the timeout in whole seconds */
Datum
health_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_HEALTH, false, 30 * SECS_PER_MINUTE, NULL, 0};

	if (PG_NARGS() > 2)
		spec.param = IntervalWholeSeconds(DatumGetIntervalP(CountsRequiredArg(fcinfo, 2, "timeout")),
										  "session timeout",
										  "session timeout must be whole seconds, at most 68 years");
	return CountsTransition(fcinfo, &spec, NULL);
}

const CountsKindRoutine HealthKind = {
	.name = "health", .type_name = "health_counts", .sums_begin = HealthSumsBegin,
	.check_key = HealthCheckKey, .sums_key = HealthSumsKey,
	.sums_end = HealthSumsEnd, .count_journey = HealthCountJourney
};

COUNTS_SQL_TYPE(health_counts);

/*
 * reentries(counts): (exit_label, reentry_label, occurrences, share): how
 * often a session ended at exit_label and the journey came back later at
 * reentry_label; share of the drop-outs at exit_label.
 */
Datum
reentries(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, TEXTOID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	int64	   *dropouts;
	int32		k;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_HEALTH, COUNTS_HEALTH);
	dropouts = palloc0(Max(c.nlabels, 1) * sizeof(int64));
	for (k = 0; k < c.nkeys; k++)
		if (c.positions[k] == HEALTH_REENTRIES)
			dropouts[c.key_labels[c.key_start[k]]] += c.counts[k];
	for (k = 0; k < c.nkeys; k++)
	{
		const int32 *key = c.key_labels + c.key_start[k];
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		if (c.positions[k] != HEALTH_REENTRIES)
			continue;
		values[0] = PointerGetDatum(CountsLabelText(&c, key[0]));
		values[1] = PointerGetDatum(CountsLabelText(&c, key[1]));
		values[2] = Int64GetDatum(c.counts[k]);
		values[3] = Float8GetDatum(CountsShare(c.counts[k], dropouts[key[0]]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

typedef struct LabelHealth
{
	int64		stat[HEALTH_VALUE_MINUS + 1];	/* by position */
	int64		dropouts;		/* sessions ended here, journey went on */
	int64		gaps_seen;		/* histogram counts read so far */
	int64		median;			/* lower median gap, or -1 */
} LabelHealth;

/*
 * touchpoint_health(counts): per label (label, journeys, touchpoints,
 * exits, exit_rate, avg_value, median_time_to_next, median_seconds_to_next,
 * dropouts): the median both as an interval and as float8 seconds.
 */
Datum
touchpoint_health(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, INT8OID, INT8OID, INT8OID, FLOAT8OID, FLOAT8OID, INTERVALOID, FLOAT8OID, INT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	LabelHealth *h;
	int32		k;
	int32		l;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_HEALTH, COUNTS_HEALTH);
	h = palloc0(Max(c.nlabels, 1) * sizeof(LabelHealth));
	for (l = 0; l < c.nlabels; l++)
		h[l].median = -1;
	for (k = 0; k < c.nkeys; k++)
	{
		int32		pos = c.positions[k];
		LabelHealth *lh = &h[c.key_labels[c.key_start[k]]];
		int64		gaps;

		if (pos == HEALTH_REENTRIES)
			lh->dropouts += c.counts[k];
		else if (pos < HEALTH_GAPS)
			lh->stat[pos] += c.counts[k];
		else
		{
			/*
			 * Buckets come in increasing order after the statistics: the
			 * lower median, element (gaps - 1) / 2, is crossed once.
			 */
			gaps = lh->stat[HEALTH_TOUCHPOINTS] - lh->stat[HEALTH_EXITS];
			if (lh->median < 0 && lh->gaps_seen + c.counts[k] > (gaps - 1) / 2)
				lh->median = (int64) GapBucketMiddle(pos - HEALTH_GAPS);
			lh->gaps_seen += c.counts[k];
		}
	}
	for (l = 0; l < c.nlabels; l++)
	{
		const LabelHealth *lh = &h[l];
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		values[0] = PointerGetDatum(cstring_to_text_with_len(c.labels[l], c.label_lens[l]));
		values[1] = Int64GetDatum(lh->stat[HEALTH_JOURNEYS]);
		values[2] = Int64GetDatum(lh->stat[HEALTH_TOUCHPOINTS]);
		values[3] = Int64GetDatum(lh->stat[HEALTH_EXITS]);
		values[4] = Float8GetDatum(CountsShare(lh->stat[HEALTH_EXITS], lh->stat[HEALTH_JOURNEYS]));
		nulls[5] = lh->stat[HEALTH_VALUES] == 0;
		if (!nulls[5])
			values[5] = Float8GetDatum(((double) lh->stat[HEALTH_VALUE_PLUS] -
										(double) lh->stat[HEALTH_VALUE_MINUS]) /
									   HEALTH_VALUE_SCALE / lh->stat[HEALTH_VALUES]);
		DurationColumns(values, nulls, 6, lh->median);
		values[8] = Int64GetDatum(lh->dropouts);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
