/*
 * trends.c
 *	  Funnel trends: the funnel_trends kind of path_counts, built by
 *	  funnel_trend_counts, counts the level each journey reaches under a
 *	  funnel by the period of its entry (its step-1 match in the chain
 *	  funnel_level reports), and funnel_trends reads the conversion to each
 *	  step per entry period, a trend line with no self-join.
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "counts.h"
#include "funnel.h"
#include "journey.h"
#include "params.h"
#include "periods.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(funnel_trend_counts_transfn);
PG_FUNCTION_INFO_V1(funnel_trends);

/*
 * A funnel trend (COUNTS_FUNNEL_TRENDS, param = the period: seconds if
 * positive, calendar months in UTC if negative; anchor = the funnel's
 * definition as FunnelDefSerialize writes it) counts each journey that
 * reaches step 1 once, at position level (1 .. steps), keyed by one label:
 * the number of its entry period, in decimal.  Journeys that reach no step
 * count in the total only.  Periods of whole months are numbered from
 * 2000-01 as cohort retention numbers them; periods of seconds from Monday
 * 2000-01-03 00:00 UTC, so that weeks start on Mondays.  A funnel with
 * open or optional steps also counts, at TREND_REACHED + step (1-based),
 * the journeys of the period some chain of which ends with the step; the
 * entry is then the reported chain's first match.
 */
#define TREND_REACHED		1000
#define TREND_MONDAY		(2 * USECS_PER_DAY) /* 2000-01-03 after 2000-01-01 */

/* The cells funnel_trends returns at most (periods x steps). */
#define TREND_MAX_CELLS		10000000

/* The number of the period holding ts. */
static int64
TrendPeriod(TimestampTz ts, int32 param)
{
	return param < 0 ? CohortPeriod(ts, param) : CohortPeriod(ts - TREND_MONDAY, param);
}

/* The start of period number `period`, or the first timestamptz if later. */
static TimestampTz
TrendStart(int64 period, int32 param)
{
	if (param < 0)
		return CohortStart(period, param);
	if (period == TrendPeriod(MIN_TIMESTAMP, param))
		return MIN_TIMESTAMP;
	return period * (int64) param * USECS_PER_SEC + TREND_MONDAY;
}

/*
 * The period a key counts: its label is the number of a period within the
 * range of timestamptz, in decimal as TrendsCountJourney writes it.
 */
static bool
TrendLabelPeriod(const Counts *c, int32 label, int64 *period)
{
	return CountsLabelNumber(c, label, period) &&
		*period >= TrendPeriod(MIN_TIMESTAMP, c->spec.param) &&
		*period <= TrendPeriod(END_TIMESTAMP - 1, c->spec.param);
}

static void
TrendsCheckSpec(const Counts *c)
{
	FunnelDef	def;

	if (c->spec.param == 0 || c->spec.param == PG_INT32_MIN)
		CountsShapeError(c, -1, "the period is whole seconds (positive) or months (negative)");
	if (c->spec.anchor == NULL ||
		!FunnelDefParse(c->spec.anchor, c->spec.anchor_len, &def) ||
		def.nsteps > FUNNEL_COUNTS_MAX_STEPS)
		CountsShapeError(c, -1, "a funnel trend has a definition (anchor) of 1 to 100 steps");
}

static void
TrendsCheckKey(const Counts *c, int32 k, bool markers)
{
	FunnelDef	def;
	int64		period;
	int32		pos;

	/* the spec is checked: the definition parses */
	FunnelDefParse(c->spec.anchor, c->spec.anchor_len, &def);
	pos = c->positions[k];
	if (FunnelSkipsSteps(&def) && pos > TREND_REACHED)
		pos -= TREND_REACHED;
	if (markers || c->key_start[k + 1] - c->key_start[k] != 1 ||
		pos < 1 || pos > def.nsteps ||
		!TrendLabelPeriod(c, c->key_labels[c->key_start[k]], &period))
		CountsShapeError(c, k, "a funnel trend key is a level from 1 to the steps and the number of an entry period");
}

static void
TrendsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	if (c->positions[k] < TREND_REACHED)
		s->sum += c->counts[k];
}

static void
TrendsSumsEnd(const Counts *c, CountsSums *s)
{
	if (s->sum > c->total)
		CountsShapeError(c, -1, "no more journeys entering than the total");
}

/* A journey's level, keyed by its entry period; arg is the FunnelDef. */
static bool
TrendsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	const FunnelDef *def = arg;
	TimestampTz *times = palloc(def->nsteps * sizeof(TimestampTz));
	bool	   *flags = palloc(2 * def->nsteps * sizeof(bool));
	bool	   *matched = flags;
	bool	   *reached = flags + def->nsteps;
	int32		level = FunnelEvaluateSteps(def, j, times, matched, reached, NULL);

	if (level > 0)
	{
		char		name[32];
		int32		label;
		int32		s;

		for (s = 0; !matched[s]; s++)
			;					/* the chain's entry */
		snprintf(name, sizeof(name), INT64_FORMAT, TrendPeriod(times[s], b->spec.param));
		label = StringDictIntern(&b->labels, name, strlen(name));
		CountsBuilderAdd(b, level, &label, 1, 1);
		for (s = 0; s < def->nsteps && FunnelSkipsSteps(def); s++)
			if (reached[s])
				CountsBuilderAdd(b, TREND_REACHED + s + 1, &label, 1, 1);
	}
	pfree(times);
	pfree(flags);
	return true;
}

const CountsKindRoutine FunnelTrendsKind = {
	.name = "funnel_trends", .type_name = "funnel_trend_counts", .no_path = true,
	.check_spec = TrendsCheckSpec, .check_key = TrendsCheckKey,
	.sums_key = TrendsSumsKey, .sums_end = TrendsSumsEnd,
	.count_journey = TrendsCountJourney
};

COUNTS_SQL_TYPE(funnel_trend_counts);

/*
 * The period argument: day, week (from Monday), month, or an interval of
 * whole months or whole seconds (up to 68 years).
 */
static int32
TrendPeriodArg(text *arg)
{
	char	   *s = text_to_cstring(arg);
	Interval   *iv;
	const char *p;

	if (pg_strcasecmp(s, "day") == 0)
		return SECS_PER_DAY;
	if (pg_strcasecmp(s, "week") == 0)
		return 7 * SECS_PER_DAY;
	if (pg_strcasecmp(s, "month") == 0)
		return -1;
	for (p = s; *p && !isdigit((unsigned char) *p); p++)
		;
	if (*p == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown funnel trend period \"%s\"", s),
				 errhint("Use day, week (from Monday), month, or an interval such as '6 hours' or '3 months'.")));
	iv = DatumGetIntervalP(DirectFunctionCall3(interval_in, CStringGetDatum(s),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
	if (iv->month > 0 && iv->day == 0 && iv->time == 0)
		return -iv->month;
	return IntervalWholeSeconds(iv, "funnel trend period",
								"funnel trend period must be whole months, or whole seconds up to 68 years");
}

static void
TrendParse(FunctionCallInfo fcinfo, void *parsed)
{
	FunnelSummaryArgs *a = parsed;

	CountsRequiredArg(fcinfo, 2, "funnel steps");
	a->p.spec.kind = COUNTS_FUNNEL_TRENDS;
	a->p.spec.param = TrendPeriodArg(DatumGetTextPP(CountsRequiredArg(fcinfo, 4, "funnel trend period")));
	FunnelSummaryDef(fcinfo, 5, "funnel trend", a);
}

/* funnel_trend_counts(j, steps, within, period [, max_gap, exclude, mode]) */
Datum
funnel_trend_counts_transfn(PG_FUNCTION_ARGS)
{
	return CountsParsedTransition(fcinfo, sizeof(FunnelSummaryArgs), TrendParse);
}

/*
 * funnel_trends(counts): (period_start, period_label, step, label,
 * journeys, conversion): per entry period and step, the journeys entering
 * in that period that reached the step, and their share of the period's
 * entrants (NULL in a period nobody entered).  Dense: every period from
 * the first to the last with entrants, every step; by period, then step.
 */
Datum
funnel_trends(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TIMESTAMPTZOID, TEXTOID, INT4OID, TEXTOID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	FunnelDef	def;
	int64	   *period;			/* per label: its period */
	int64		lo = PG_INT64_MAX;
	int64		hi = PG_INT64_MIN;
	int64	   *reached;		/* per period and step */
	int64	   *entrants;		/* per period: journeys reaching some step */
	bool		skips;
	int64		nperiods;
	int64		rows = 0;
	int32		k;
	int32		l;
	int64		p;
	int32		s;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c,
							COUNTS_FUNNEL_TRENDS, COUNTS_FUNNEL_TRENDS);
	FunnelDefDeserialize(c.spec.anchor, c.spec.anchor_len, &def);
	if (c.nkeys == 0)
		return (Datum) 0;
	period = palloc(Max(c.nlabels, 1) * sizeof(int64));
	/* the labels of keys are checked to be period numbers (TrendsCheckKey) */
	for (l = 0; l < c.nlabels; l++)
		if (!CountsLabelNumber(&c, l, &period[l]))
			period[l] = 0;		/* a label no key names */
	for (k = 0; k < c.nkeys; k++)
	{
		int64		q = period[c.key_labels[c.key_start[k]]];

		lo = Min(lo, q);
		hi = Max(hi, q);
	}
	nperiods = hi - lo + 1;		/* periods of timestamptz: no overflow */
	if (nperiods > TREND_MAX_CELLS / def.nsteps)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("funnel trend would have more than %d cells", TREND_MAX_CELLS),
				 errdetail("The entries span " INT64_FORMAT " periods of %d steps each.",
						   nperiods, def.nsteps),
				 errhint("Count with a longer period.")));
	reached = palloc0(nperiods * def.nsteps * sizeof(int64));
	entrants = palloc0(nperiods * sizeof(int64));
	skips = FunnelSkipsSteps(&def);
	for (k = 0; k < c.nkeys; k++)
	{
		int64		q = period[c.key_labels[c.key_start[k]]] - lo;
		int64	   *cell = reached + q * def.nsteps;
		int32		pos = c.positions[k];

		if (pos > TREND_REACHED)
			cell[pos - TREND_REACHED - 1] += c.counts[k];
		else
		{
			entrants[q] += c.counts[k];
			for (s = 0; s < pos && !skips; s++)
				cell[s] += c.counts[k];
		}
	}

	for (p = 0; p < nperiods; p++)
	{
		TimestampTz start = TrendStart(lo + p, c.spec.param);
		Datum		period_start = TimestampTzGetDatum(start);
		Datum		label = PointerGetDatum(CohortLabel(start, c.spec.param));
		const int64 *cell = reached + p * def.nsteps;

		for (s = 0; s < def.nsteps; s++)
		{
			Datum		values[lengthof(columns)];
			bool		nulls[lengthof(columns)] = {0};

			values[0] = period_start;
			values[1] = label;
			values[2] = Int32GetDatum(s + 1);
			values[3] = FunnelStepLabel(&def, s);
			values[4] = Int64GetDatum(cell[s]);
			if (entrants[p] > 0)
				values[5] = Float8GetDatum((double) cell[s] / (double) entrants[p]);
			else
				nulls[5] = true;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			if ((++rows & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	return (Datum) 0;
}
