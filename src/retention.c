/*
 * retention.c
 *	  Abandonment and retention: journeys that stalled after a step (for an
 *	  abandoned-cart campaign), ClickHouse's retention aggregate, and cohort
 *	  retention (the cohorts kind of path_counts, built by retention_counts
 *	  and read by cohort_retention).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "counts.h"
#include "periods.h"
#include "journey.h"
#include "params.h"
#include "summary.h"
#include "varint.h"

PG_FUNCTION_INFO_V1(journey_stalled_since);
PG_FUNCTION_INFO_V1(retention_transfn);
PG_FUNCTION_INFO_V1(retention_combine);
PG_FUNCTION_INFO_V1(retention_final);
PG_FUNCTION_INFO_V1(retention_counts_transfn);
PG_FUNCTION_INFO_V1(cohort_retention);

/*
 * journey_stalled_since(j, reached, completed, after, as_of): the time of
 * the last touchpoint labelled reached at or before as_of, if no touchpoint
 * labelled completed follows it up to as_of and it is at least after old;
 * else NULL.
 */
Datum
journey_stalled_since(PG_FUNCTION_ARGS)
{
	Journey		j;
	text	   *reached = PG_GETARG_TEXT_PP(1);
	text	   *completed = PG_GETARG_TEXT_PP(2);
	int64		after = IntervalMicros(PG_GETARG_INTERVAL_P(3), "waiting time", NULL);
	TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(4);
	int32		r;
	int32		c;
	int32		last = -1;
	int32		i;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	r = JourneyFindLabel(&j, VARDATA_ANY(reached), VARSIZE_ANY_EXHDR(reached));
	c = JourneyFindLabel(&j, VARDATA_ANY(completed), VARSIZE_ANY_EXHDR(completed));
	for (i = 0; i < j.ntouch && j.touches[i].ts <= as_of; i++)
		if (j.touches[i].label == r)
			last = i;
	if (last < 0)
		PG_RETURN_NULL();
	for (i = 0; i < j.ntouch && j.touches[i].ts <= as_of; i++)
		if (j.touches[i].label == c && j.touches[i].ts >= j.touches[last].ts)
			PG_RETURN_NULL();
	if ((uint64) as_of - (uint64) j.touches[last].ts < (uint64) after)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(j.touches[last].ts);
}

/*
 * retention(VARIADIC conditions): the state is a boolean[] saying which
 * conditions some row met (NULL counts as false); every row must pass the
 * same number of conditions.  The state is made once, in the aggregate's
 * context, and changed in place (as float8_accum changes its array), so
 * a row costs a pass over its conditions and no allocation.
 */

/* The elements of a one-dimensional boolean array, NULL as false, into met. */
static int
ConditionsOf(ArrayType *a, bool *met, int max)
{
	int			n = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
	const bits8 *bitmap = ARR_NULLBITMAP(a);
	/* booleans are one byte each, unaligned; NULLs take no space */
	const char *data = (const char *) a + (bitmap ? (Size) a->dataoffset : ARR_OVERHEAD_NONULLS(1));
	int			i;

	if (ARR_NDIM(a) > 1 || n < 1 || n > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention takes between 1 and %d conditions", max)));
	for (i = 0; i < n; i++)
		met[i] = (bitmap == NULL || (bitmap[i / 8] & (1 << (i % 8)))) && *data++;
	return n;
}

/*
 * The state, ready to be changed in place: argument 0, or a new array of n
 * false flags in the aggregate's context.
 */
static ArrayType *
FlagsState(FunctionCallInfo fcinfo, int n)
{
	MemoryContext aggcxt = SummaryAggContext(fcinfo);
	ArrayType  *state;

	if (PG_ARGISNULL(0))
	{
		MemoryContext old = MemoryContextSwitchTo(aggcxt);
		Datum	   *none = palloc(n * sizeof(Datum));
		int			i;

		for (i = 0; i < n; i++)
			none[i] = BoolGetDatum(false);
		state = construct_array(none, n, BOOLOID, 1, true, TYPALIGN_CHAR);
		MemoryContextSwitchTo(old);
		pfree(none);
		return state;
	}
	state = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(state) != 1 || ARR_HASNULL(state) || ARR_DIMS(state)[0] != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention needs the same number of conditions on every row"),
				 errdetail("One row has %d, another %d.",
						   ARR_NDIM(state) == 1 ? ARR_DIMS(state)[0] : 0, n)));
	return state;
}

#define RETENTION_MAX_CONDITIONS 32

/* OR the n conditions met into the state. */
static Datum
FlagsOr(FunctionCallInfo fcinfo, const bool *met, int n)
{
	ArrayType  *state = FlagsState(fcinfo, n);
	bool	   *have = (bool *) ((char *) state + ARR_OVERHEAD_NONULLS(1));	/* no nulls, 1-D */
	int			i;

	for (i = 0; i < n; i++)
		have[i] |= met[i];
	PG_RETURN_ARRAYTYPE_P(state);
}

static Datum
FlagsOrArray(FunctionCallInfo fcinfo, ArrayType *conditions)
{
	bool		met[RETENTION_MAX_CONDITIONS];
	int			n = ConditionsOf(conditions, met, RETENTION_MAX_CONDITIONS);

	return FlagsOr(fcinfo, met, n);
}

Datum
retention_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
	{
		(void) SummaryAggContext(fcinfo);
		RETURN_STATE_UNCHANGED();
	}
	return FlagsOrArray(fcinfo, PG_GETARG_ARRAYTYPE_P(1));
}

/*
 * retention(c1, ..., cn) for 2 to 8 conditions: the same from its
 * arguments, with the conditions met as the bits of an integer state, so
 * that neither the array PostgreSQL would build for every row of the
 * VARIADIC form nor a state by reference is needed.  Bit i is condition
 * i + 1; n is kept above them, at RETENTION_COUNT_SHIFT, for the final
 * function (which cannot learn it from FINALFUNC_EXTRA arguments: Citus
 * calls final functions with a count of its own).
 */
#define RETENTION_COUNT_SHIFT 24

PG_FUNCTION_INFO_V1(retention_bits_transfn);
PG_FUNCTION_INFO_V1(retention_bits_combine);
PG_FUNCTION_INFO_V1(retention_bits_final);

Datum
retention_bits_transfn(PG_FUNCTION_ARGS)
{
	int			n = PG_NARGS() - 1;
	uint32		state = PG_ARGISNULL(0) ? (uint32) n << RETENTION_COUNT_SHIFT : (uint32) PG_GETARG_INT32(0);
	int			i;

	(void) SummaryAggContext(fcinfo);
	if (n < 1 || n >= RETENTION_COUNT_SHIFT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention takes between 1 and %d conditions here", RETENTION_COUNT_SHIFT - 1)));
	for (i = 1; i <= n; i++)
		if (!PG_ARGISNULL(i) && PG_GETARG_BOOL(i))
			state |= (uint32) 1 << (i - 1);
	PG_RETURN_INT32((int32) state);
}

Datum
retention_bits_combine(PG_FUNCTION_ARGS)
{
	uint32		a;
	uint32		b;

	(void) SummaryAggContext(fcinfo);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(PG_ARGISNULL(0) ? 1 : 0));
	}
	a = (uint32) PG_GETARG_INT32(0);
	b = (uint32) PG_GETARG_INT32(1);
	if (a >> RETENTION_COUNT_SHIFT != b >> RETENTION_COUNT_SHIFT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention needs the same number of conditions on every row")));
	PG_RETURN_INT32((int32) (a | b));
}

Datum
retention_bits_final(PG_FUNCTION_ARGS)
{
	uint32		state = (uint32) PG_GETARG_INT32(0);
	int			n = state >> RETENTION_COUNT_SHIFT;
	Datum		out[RETENTION_COUNT_SHIFT];
	int			i;

	if (n < 1 || n >= RETENTION_COUNT_SHIFT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid retention state")));
	for (i = 0; i < n; i++)
		out[i] = Int32GetDatum((state & 1) && (state & ((uint32) 1 << i)) ? 1 : 0);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, n, INT4OID, 4, true, TYPALIGN_INT));
}

Datum
retention_combine(PG_FUNCTION_ARGS)
{
	(void) SummaryAggContext(fcinfo);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
			PG_RETURN_NULL();
		if (PG_ARGISNULL(0))
		{
			/* a state of the other worker's: copy it into ours before changing it */
			MemoryContext old = MemoryContextSwitchTo(SummaryAggContext(fcinfo));
			ArrayType  *copy = PG_GETARG_ARRAYTYPE_P_COPY(1);

			MemoryContextSwitchTo(old);
			PG_RETURN_ARRAYTYPE_P(copy);
		}
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	return FlagsOrArray(fcinfo, PG_GETARG_ARRAYTYPE_P(1));
}

/* r[1] = condition 1 met; r[i] = conditions 1 and i both met, as 0 or 1. */
Datum
retention_final(PG_FUNCTION_ARGS)
{
	Datum	   *flags;
	bool	   *nulls;
	Datum	   *out;
	int			n;
	int			i;

	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), BOOLOID, 1, true, TYPALIGN_CHAR,
					  &flags, &nulls, &n);
	out = palloc(Max(n, 1) * sizeof(Datum));
	for (i = 0; i < n; i++)
		out[i] = Int32GetDatum(DatumGetBool(flags[0]) && DatumGetBool(flags[i]) ? 1 : 0);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, n, INT4OID, 4, true, TYPALIGN_INT));
}

/*
 * Cohort retention (the cohorts kind of path_counts, param = period:
 * seconds if positive, calendar months in UTC if negative) counts each
 * journey once at position k for every k-th period after its first period
 * in which it has a touchpoint, keyed by the label of its cohort: the
 * number of the first period, counted from 2000-01-01 00:00 UTC.
 */

/* a / b rounded down, for b > 0 */
static inline int64
FloorDiv(int64 a, int64 b)
{
	return a / b - (a % b < 0 ? 1 : 0);
}

/*
 * Months and days in the proleptic Gregorian calendar, as timestamp2tm and
 * tm2timestamp count them, without their struct pg_tm: a cohort of months
 * asks for the month of every journey's first touchpoint and of each later
 * period it reaches.  Days count from 2000-01-01; the arithmetic counts
 * from 0000-03-01, so that a leap day ends its year, in eras of 400 years
 * (146097 days).  Astronomical years: 0 is 1 BC.
 */
#define DAYS_0000_03_01_TO_2000_01_01	730425

/* The month holding ts, counted from 2000-01 in UTC. */
static int64
MonthOf(TimestampTz ts)
{
	int64		z = FloorDiv(ts, USECS_PER_DAY) + DAYS_0000_03_01_TO_2000_01_01;
	int64		era = FloorDiv(z, 146097);
	int64		day_of_era = z - era * 146097;
	int64		year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
							   day_of_era / 146096) / 365;
	int64		day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64		month_from_march = (5 * day_of_year + 2) / 153;

	/* months from 0000-03, then from 2000-01 */
	return (era * 400 + year_of_era) * 12 + month_from_march + 2 - 2000 * 12;
}

/* The start of month number `months` (as MonthOf counts); false if out of range. */
static bool
MonthStart(int64 months, TimestampTz *start)
{
	int64		m;
	int64		year;
	int64		month_from_march;
	int64		era;
	int64		year_of_era;
	int64		days;

	/* far beyond the range of timestamptz, and far inside that of int64 */
	if (months < -PG_INT32_MAX || months > PG_INT32_MAX)
		return false;
	m = months + 2000 * 12 - 2;	/* from 0000-03 */
	year = FloorDiv(m, 12);
	month_from_march = m - year * 12;
	era = FloorDiv(year, 400);
	year_of_era = year - era * 400;
	days = era * 146097 + 365 * year_of_era + year_of_era / 4 - year_of_era / 100 +
		(153 * month_from_march + 2) / 5 - DAYS_0000_03_01_TO_2000_01_01;
	if (days < MIN_TIMESTAMP / USECS_PER_DAY || days >= END_TIMESTAMP / USECS_PER_DAY)
		return false;
	*start = days * USECS_PER_DAY;
	return true;
}

/* The number of the period holding ts; floor division. */
int64
CohortPeriod(TimestampTz ts, int32 param)
{
	if (param < 0)
		return FloorDiv(MonthOf(ts), -param);
	return FloorDiv(ts, (int64) param * USECS_PER_SEC);
}

/*
 * CohortPeriod, and in *next when the period after it starts (PG_INT64_MAX
 * if after the range of timestamptz), so that a caller going through
 * timestamps in order needs no calendar arithmetic until it gets there: a
 * month costs a timestamp2tm, once per period instead of once per
 * touchpoint.
 */
static int64
CohortPeriodUntil(TimestampTz ts, int32 param, TimestampTz *next)
{
	int64		period = CohortPeriod(ts, param);

	if (param < 0)
	{
		if (!MonthStart((period + 1) * (-param), next))
			*next = PG_INT64_MAX;
	}
	else if (pg_mul_s64_overflow(period + 1, (int64) param * USECS_PER_SEC, next))
		*next = PG_INT64_MAX;
	return period;
}

/*
 * The start of period number `period`.  The first timestamptz lies in a
 * period that starts before it: its cohort starts at the first timestamptz.
 * No other period is out of range, and a number outside the range of the
 * periods is not one a builder wrote.
 */
TimestampTz
CohortStart(int64 period, int32 param)
{
	if (period < CohortPeriod(MIN_TIMESTAMP, param) ||
		period > CohortPeriod(END_TIMESTAMP - 1, param))
		ReportCorrupt("cohort out of range");
	if (period == CohortPeriod(MIN_TIMESTAMP, param))
		return MIN_TIMESTAMP;
	if (param < 0)
	{
		TimestampTz result;

		if (!MonthStart(period * (-param), &result))
			ReportCorrupt("cohort out of range");
		return result;
	}
	return period * (int64) param * USECS_PER_SEC;
}

/*
 * A cohort's start as text a chart takes for a category axis, in UTC:
 * '2024-03' for months, '2024-03-04' for whole days, else down to the
 * second; ' BC' after years before 1.
 */
text *
CohortLabel(TimestampTz start, int32 param)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		buf[64];
	int			year;
	const char *era;

	if (timestamp2tm(start, NULL, &tm, &fsec, NULL, NULL) != 0)
		ReportCorrupt("cohort out of range");
	year = tm.tm_year > 0 ? tm.tm_year : 1 - tm.tm_year;
	era = tm.tm_year > 0 ? "" : " BC";
	if (param < 0)
		snprintf(buf, sizeof(buf), "%04d-%02d%s", year, tm.tm_mon, era);
	else if (param % SECS_PER_DAY == 0)
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d%s", year, tm.tm_mon, tm.tm_mday, era);
	else
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d%s", year, tm.tm_mon,
				 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, era);
	return cstring_to_text(buf);
}

/*
 * Whether label is a number in decimal as INT64_FORMAT writes it (the
 * labels of periods: cohorts, funnel trends); *n gets it.
 */
bool
CountsLabelNumber(const Counts *c, int32 label, int64 *n)
{
	char		buf[32];
	char	   *end;
	char		again[32];

	if (c->label_lens[label] < 1 || c->label_lens[label] >= (int32) sizeof(buf))
		return false;
	memcpy(buf, c->labels[label], c->label_lens[label]);
	buf[c->label_lens[label]] = '\0';
	errno = 0;
	*n = strtoll(buf, &end, 10);
	snprintf(again, sizeof(again), INT64_FORMAT, *n);
	return errno == 0 && *end == '\0' && strcmp(again, buf) == 0;
}

/*
 * The cohort a cohorts key counts: its label is the number of its first
 * period, in decimal as CohortsCountJourney writes it, within the periods of
 * timestamptz.  *period gets the number; false if the label is not one.
 */
static bool
CohortLabelPeriod(const Counts *c, int32 label, int64 *period)
{
	return CountsLabelNumber(c, label, period) &&
		*period >= CohortPeriod(MIN_TIMESTAMP, c->spec.param) &&
		*period <= CohortPeriod(END_TIMESTAMP - 1, c->spec.param);
}

static void
CohortsSumsBegin(const Counts *c, CountsSums *s)
{
	if (c->spec.param == 0 || c->spec.param == PG_INT32_MIN)
		CountsShapeError(c, -1, "the period is whole seconds (positive) or months (negative)");
	s->state = palloc0(Max(c->nlabels, 1) * sizeof(int64));
}

static void
CohortsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (markers || c->key_start[k + 1] - c->key_start[k] != 1 || c->positions[k] < 0)
		CountsShapeError(c, k, "a cohort is one label at a period of at least 0");
}

static void
CohortsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int64	   *size = s->state;	/* per cohort label */
	int32		pos = c->positions[k];
	int32		label = c->key_labels[c->key_start[k]];
	int64		count = c->counts[k];
	int64		period;

	if (!CohortLabelPeriod(c, label, &period) ||
		pos > CohortPeriod(END_TIMESTAMP - 1, c->spec.param) - period)
		CountsShapeError(c, k, "a cohort is the number of its first period, within the range of timestamptz");
	if (pos == 0)
	{
		size[label] = count;
		s->sum += count;
	}
	else if (count > size[label])
		CountsShapeError(c, k, "no more journeys in a later period than in the cohort");
}

static void
CohortsSumsEnd(const Counts *c, CountsSums *s)
{
	if (s->sum > c->total)
		CountsShapeError(c, -1, "no more journeys in cohorts than the total");
	pfree(s->state);
}

/*
 * The builder's label of each cohort seen, by its first period (a cache in
 * kind_state): a journey's cohort is a handful of periods in most tables,
 * and naming one costs a snprintf and a hash.  Direct-mapped; a miss names
 * the period and takes its slot.
 */
#define COHORT_CACHE_SLOTS	64

typedef struct CohortCache
{
	int64		period[COHORT_CACHE_SLOTS];
	int32		label[COHORT_CACHE_SLOTS];	/* -1: empty */
} CohortCache;

static void
CohortsSetSpec(CountsBuilder *b)
{
	CohortCache *cache = MemoryContextAlloc(b->cxt, sizeof(CohortCache));

	memset(cache->label, -1, sizeof(cache->label));
	b->kind_state = cache;
}

static int32
CohortLabelId(CountsBuilder *b, int64 period)
{
	CohortCache *cache = b->kind_state;
	int			slot = (int) ((uint64) period % COHORT_CACHE_SLOTS);
	char		name[32];

	if (cache->label[slot] < 0 || cache->period[slot] != period)
	{
		snprintf(name, sizeof(name), INT64_FORMAT, period);
		cache->label[slot] = StringDictIntern(&b->labels, name, strlen(name));
		cache->period[slot] = period;
	}
	return cache->label[slot];
}

/*
 * Cohort retention of one journey.  Touchpoints are in time order, so those
 * before the start of the next period (next) are in the period of the one
 * before them and need no period of their own.
 */
static bool
CohortsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
					const void *arg)
{
	int32		label;
	int64		first;
	TimestampTz next;
	int32		i;

	if (j->ntouch == 0)
		return true;
	first = CohortPeriodUntil(j->touches[0].ts, b->spec.param, &next);
	label = CohortLabelId(b, first);
	CountsBuilderAdd(b, 0, &label, 1, 1);
	for (i = 1; i < j->ntouch; i++)
	{
		int64		k;

		if (j->touches[i].ts < next)
			continue;
		k = CohortPeriodUntil(j->touches[i].ts, b->spec.param, &next) - first;
		if (k > PG_INT32_MAX)
			break;
		CountsBuilderAdd(b, (int32) k, &label, 1, 1);
	}
	return true;
}

const CountsKindRoutine CohortsKind = {
	.name = "cohorts", .type_name = "retention_counts", .no_path = true,
	.sums_begin = CohortsSumsBegin,
	.check_key = CohortsCheckKey, .sums_key = CohortsSumsKey,
	.sums_end = CohortsSumsEnd, .count_journey = CohortsCountJourney,
	.set_spec = CohortsSetSpec
};

COUNTS_SQL_TYPE(retention_counts);

/* retention_counts(j, period): whole seconds, or whole months */
Datum
retention_counts_transfn(PG_FUNCTION_ARGS)
{
	Interval   *period = DatumGetIntervalP(CountsRequiredArg(fcinfo, 2, "period"));
	CountsSpec	spec = {COUNTS_COHORTS, false, 0, NULL, 0};

	if (period->month > 0 && period->day == 0 && period->time == 0)
		spec.param = -period->month;
	else
		spec.param = IntervalWholeSeconds(period, "retention period",
										  "retention period must be whole months, or whole seconds up to 68 years");
	return CountsTransition(fcinfo, &spec, NULL);
}

/*
 * The cells cohort_retention returns at most.  The summary bounds its keys,
 * not its grid: a grid grows as the square of the span in periods (two
 * journeys a year apart counted by the second would make 31 million).
 */
#define COHORT_MAX_CELLS	10000000

typedef struct CohortRow
{
	int64		period;			/* the cohort's first period */
	int32		label;
} CohortRow;

static int
CompareCohortRows(const void *a, const void *b)
{
	int64		pa = ((const CohortRow *) a)->period;
	int64		pb = ((const CohortRow *) b)->period;

	return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/*
 * cohort_retention(counts, dense): (cohort, cohort_label, period, journeys,
 * share):
 * journeys of the cohort starting at `cohort` active `period` periods after
 * their first, and their share of the cohort.  The grid is a dense
 * triangle, as retention charts draw it: the latest period in which any
 * journey is active stands for "now", every cohort has every period from 0
 * to that one, with journeys 0 and share 0 where none was active, and no
 * later period (it has not happened yet).  Without dense, only the cells
 * with journeys, and no bound on the span.  Rows come by cohort, then
 * period.
 */
Datum
cohort_retention(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TIMESTAMPTZOID, TEXTOID, INT4OID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	int64	   *first;			/* per label: its cohort's first period */
	int32	   *nkeys;			/* per label: its keys */
	int32	   *start;			/* per label: where its keys begin in bylabel */
	int32	   *bylabel;		/* keys grouped by label, by position within */
	CohortRow  *cohorts;
	int32		ncohorts = 0;
	int64		latest = PG_INT64_MIN;
	int64		cells = 0;
	/* declared with one argument (before 0.4.0): the cells with journeys, as then */
	bool		dense = PG_NARGS() >= 2 && PG_GETARG_BOOL(1);
	int64		rows = 0;
	int32		k;
	int32		l;
	int32		i;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_COHORTS, COUNTS_COHORTS);
	if (c.nkeys == 0)
		return (Datum) 0;
	first = palloc(Max(c.nlabels, 1) * sizeof(int64));
	nkeys = palloc0(Max(c.nlabels, 1) * sizeof(int32));
	start = palloc(Max(c.nlabels, 1) * sizeof(int32));
	bylabel = palloc(c.nkeys * sizeof(int32));
	cohorts = palloc(Max(c.nlabels, 1) * sizeof(CohortRow));

	/* labels are checked to be period numbers (CohortsSumsKey) */
	for (l = 0; l < c.nlabels; l++)
	{
		char	   *name = pnstrdup(c.labels[l], c.label_lens[l]);

		first[l] = strtoll(name, NULL, 10);
		pfree(name);
	}
	for (k = 0; k < c.nkeys; k++)
	{
		l = c.key_labels[c.key_start[k]];
		nkeys[l]++;
		/* within the range of periods, also checked */
		latest = Max(latest, first[l] + c.positions[k]);
	}
	for (l = 0, i = 0; l < c.nlabels; l++)
	{
		start[l] = i;
		i += nkeys[l];
		if (nkeys[l] > 0)
		{
			cohorts[ncohorts].period = first[l];
			cohorts[ncohorts++].label = l;
			cells += latest - first[l] + 1;
			if (dense && cells > COHORT_MAX_CELLS)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("cohort retention grid would have more than %d cells",
								COHORT_MAX_CELLS),
						 errdetail("A cohort " INT64_FORMAT " periods before the latest period with activity has a cell for each.",
								   latest - first[l]),
						 errhint("Count with a longer period, or pass dense => false for the cells with journeys only.")));
		}
	}
	/* keys come by position: grouped by label, they stay so within each */
	memset(nkeys, 0, Max(c.nlabels, 1) * sizeof(int32));
	for (k = 0; k < c.nkeys; k++)
	{
		l = c.key_labels[c.key_start[k]];
		bylabel[start[l] + nkeys[l]++] = k;
	}
	qsort(cohorts, ncohorts, sizeof(CohortRow), CompareCohortRows);

	for (i = 0; i < ncohorts; i++)
	{
		int32		label = cohorts[i].label;
		const int32 *keys = bylabel + start[label];
		int32		next = 0;
		/* period 0 counts the whole cohort (CohortsSumsKey) */
		int64		size = c.positions[keys[0]] == 0 ? c.counts[keys[0]] : 0;
		/* dense: at most COHORT_MAX_CELLS, so an integer */
		int32		last = dense ? (int32) (latest - cohorts[i].period) : 0;
		TimestampTz start = CohortStart(cohorts[i].period, c.spec.param);
		Datum		cohort = TimestampTzGetDatum(start);
		Datum		name = PointerGetDatum(CohortLabel(start, c.spec.param));
		int32		p;

		for (p = 0; dense ? p <= last : next < nkeys[label]; p++)
		{
			Datum		values[lengthof(columns)];
			bool		nulls[lengthof(columns)] = {0};
			int64		journeys = 0;

			if (!dense)
				p = c.positions[keys[next]];
			if (next < nkeys[label] && c.positions[keys[next]] == p)
				journeys = c.counts[keys[next++]];
			values[0] = cohort;
			values[1] = name;
			values[2] = Int32GetDatum(p);
			values[3] = Int64GetDatum(journeys);
			values[4] = Float8GetDatum(CountsShare(journeys, size));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			if ((++rows & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	return (Datum) 0;
}
