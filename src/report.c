/*
 * report.c
 *	  Funnel reports: the funnel kind of path_counts (how funnel_counts
 *	  counts a journey's level and the time histograms of its steps, and
 *	  the shape of those keys), and its readers: per step, who entered, who
 *	  reached it, the drop-off, conversion rates with Wilson score
 *	  intervals, and time-to-convert percentiles; and a step-by-step
 *	  comparison of two segments with a two-proportion z-test.  Normal
 *	  quantiles and tail probabilities come from GSL.
 */
#include "postgres.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "counts.h"
#include "journey.h"
#include "funnel.h"
#include "params.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(funnel_counts_transfn);
PG_FUNCTION_INFO_V1(funnel_report);

/*
 * A funnel report (COUNTS_FUNNEL, param = number of steps, anchor = the
 * funnel's definition as FunnelDefSerialize writes it) counts the journeys
 * reaching exactly each level at position level, and histograms of the
 * time to each step s (0-based, from 1) from the first step and from the
 * step before, at FUNNEL_HISTOGRAMS + s * 4096 (+ 2048) + gap bucket.
 */
#define FUNNEL_REPORT_MAX_STEPS	FUNNEL_COUNTS_MAX_STEPS
#define FUNNEL_HISTOGRAMS		1000
#define FUNNEL_HISTOGRAM(step, from_previous, bucket) \
	(FUNNEL_HISTOGRAMS + (step) * 4096 + ((from_previous) ? 2048 : 0) + (bucket))
#define FUNNEL_REACHED			500000
#define FUNNEL_CONTINUED		501000
#define FUNNEL_TIMED			502000
#define FUNNEL_STEP_KEYS_END	503000
PG_FUNCTION_INFO_V1(funnel_compare);

/* The funnel kind of path_counts, built by funnel_counts */

/* Journeys reaching each step, and the counts of its two time histograms. */
typedef struct FunnelSums
{
	bool		skips;			/* the funnel has open or optional steps */
	int128		reach[FUNNEL_REPORT_MAX_STEPS + 1];
	int128		hist[FUNNEL_REPORT_MAX_STEPS][2];
	int128		level[FUNNEL_REPORT_MAX_STEPS + 1];
	int128		steps[3][FUNNEL_REPORT_MAX_STEPS];	/* reached, continued, timed */
} FunnelSums;

static void
FunnelCheckSpec(const Counts *c)
{
	FunnelDef	def;
	int32		param = c->spec.param;

	if (c->spec.anchor == NULL || param < 1 || param > FUNNEL_REPORT_MAX_STEPS ||
		!FunnelDefParse(c->spec.anchor, c->spec.anchor_len, &def) ||
		def.nsteps != param)
		CountsShapeError(c, -1, "a funnel report has a definition (anchor) of param steps, 1 to 100");
}

static void
FunnelSumsBegin(const Counts *c, CountsSums *s)
{
	FunnelSums *fs = palloc0(sizeof(FunnelSums));
	FunnelDef	def;

	/* the spec is checked: the definition parses */
	FunnelDefParse(c->spec.anchor, c->spec.anchor_len, &def);
	fs->skips = FunnelSkipsSteps(&def);
	s->state = fs;
}

static void
FunnelCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		nsteps = c->spec.param;
	int32		pos = c->positions[k];

	if (c->key_start[k + 1] - c->key_start[k] != 0 ||
		(pos >= FUNNEL_REACHED ? pos >= FUNNEL_STEP_KEYS_END || (pos - FUNNEL_REACHED) % 1000 >= nsteps :
		 pos < FUNNEL_HISTOGRAMS ? pos < 0 || pos > nsteps :
		 (pos - FUNNEL_HISTOGRAMS) / 4096 >= nsteps ||
		 (pos - FUNNEL_HISTOGRAMS) % 2048 > GAP_MAX_BUCKET))
		CountsShapeError(c, k, "a level or histogram bucket of the funnel has no labels");
}

static void
FunnelSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	FunnelSums *fs = s->state;
	int32		pos = c->positions[k];
	int64		count = c->counts[k];
	int32		step;

	if (pos >= FUNNEL_REACHED)
	{
		if (!fs->skips)
			CountsShapeError(c, k, "only a funnel with open or optional steps counts its steps apart");
		fs->steps[(pos - FUNNEL_REACHED) / 1000][(pos - FUNNEL_REACHED) % 1000] += count;
	}
	else if (pos <= c->spec.param)
	{
		s->sum += count;
		fs->level[pos] += count;
		for (step = 0; step < pos; step++)
			fs->reach[step] += count;
	}
	else
	{
		step = (pos - FUNNEL_HISTOGRAMS) / 4096;
		if (step == 0)
			CountsShapeError(c, k, "step 1 has no time histogram");
		fs->hist[step][(pos - FUNNEL_HISTOGRAMS) % 4096 >= 2048] += count;
	}
}

static void
FunnelSumsEnd(const Counts *c, CountsSums *s)
{
	FunnelSums *fs = s->state;
	int32		step;

	CountsSumsAddUp(c, s);
	for (step = 0; step < c->spec.param && fs->skips; step++)
	{
		int128		timed = fs->steps[2][step];

		if (fs->steps[0][step] > c->total || fs->steps[1][step] > fs->steps[0][step] ||
			timed > fs->steps[0][step] || fs->level[step + 1] > fs->steps[0][step] ||
			(step + 1 == c->spec.param && fs->steps[1][step] != 0) ||
			fs->hist[step][0] != timed || fs->hist[step][1] != timed)
			CountsShapeError(c, -1, psprintf("step %d has no more journeys continuing, timed or at its level than reaching it, and its histograms count those timed", step + 1));
	}
	for (step = 1; step < c->spec.param && !fs->skips; step++)
		if (fs->hist[step][0] != fs->reach[step] || fs->hist[step][1] != fs->reach[step])
			CountsShapeError(c, -1, psprintf("the time histograms of step %d count every journey that reached it", step + 1));
	pfree(fs);
}

/* A funnel report's counts of one journey; arg is the FunnelDef. */
static bool
FunnelCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	const FunnelDef *def = arg;
	TimestampTz *times = palloc(def->nsteps * sizeof(TimestampTz));
	bool	   *flags = palloc(3 * def->nsteps * sizeof(bool));
	bool	   *matched = flags;
	bool	   *reached = flags + def->nsteps;
	bool	   *continued = flags + 2 * def->nsteps;
	int32		level = FunnelEvaluateSteps(def, j, times, matched, reached, continued);
	bool		skips = FunnelSkipsSteps(def);
	int32		entry = -1;
	int32		prev = -1;
	int32		s;

	CountsBuilderAdd(b, level, NULL, 0, 1);
	for (s = 0; s < level; s++)
	{
		if (!matched[s])
			continue;
		if (entry < 0)
			entry = s;
		else
		{
			CountsBuilderAdd(b, FUNNEL_HISTOGRAM(s, false,
												 GapBucket((uint64) times[s] - (uint64) times[entry])),
							 NULL, 0, 1);
			CountsBuilderAdd(b, FUNNEL_HISTOGRAM(s, true,
												 GapBucket((uint64) times[s] - (uint64) times[prev])),
							 NULL, 0, 1);
			if (skips)
				CountsBuilderAdd(b, FUNNEL_TIMED + s, NULL, 0, 1);
		}
		prev = s;
	}
	for (s = 0; s < def->nsteps && skips; s++)
	{
		if (reached[s])
			CountsBuilderAdd(b, FUNNEL_REACHED + s, NULL, 0, 1);
		if (continued[s])
			CountsBuilderAdd(b, FUNNEL_CONTINUED + s, NULL, 0, 1);
	}
	pfree(times);
	pfree(flags);
	return true;
}

static void
FunnelCountsParse(FunctionCallInfo fcinfo, void *parsed)
{
	FunnelSummaryArgs *a = parsed;

	CountsRequiredArg(fcinfo, 2, "funnel steps");
	a->p.spec.kind = COUNTS_FUNNEL;
	FunnelSummaryDef(fcinfo, 4, "funnel report", a);
	a->p.spec.param = a->def.nsteps;
}

/* funnel_counts(j, steps, within [, max_gap, exclude, mode]) */
Datum
funnel_counts_transfn(PG_FUNCTION_ARGS)
{
	return CountsParsedTransition(fcinfo, sizeof(FunnelSummaryArgs), FunnelCountsParse);
}

/*
 * A funnel summary's definition from arguments 2 (steps) and 3 (within),
 * and max_gap, exclude and mode from argument options on; its anchor, the
 * definition (of at most 100 steps, and within the length of a label),
 * and the definition as count_journey's argument.  What names the summary
 * in messages; the caller sets the spec's kind and param.
 */
void
FunnelSummaryDef(FunctionCallInfo fcinfo, int options, const char *what,
				 FunnelSummaryArgs *a)
{
	const FunnelDef *def = &a->def;
	CountsSpec *spec = &a->p.spec;

	FunnelDefFromArgsAt(fcinfo, 2, options, &a->def);
	if (def->nsteps > FUNNEL_COUNTS_MAX_STEPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a %s has at most %d steps", what, FUNNEL_COUNTS_MAX_STEPS)));
	spec->anchor = FunnelDefSerialize(def, &spec->anchor_len);
	if (spec->anchor_len > JOURNEY_MAX_LABEL_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("funnel definition too long for a %s", what),
				 errdetail("Steps and exclusions take %d bytes; the limit is %d.",
						   spec->anchor_len, JOURNEY_MAX_LABEL_BYTES)));
	a->p.arg = def;
}

const CountsKindRoutine FunnelKind = {
	.name = "funnel", .type_name = "funnel_counts", .no_path = true, .check_spec = FunnelCheckSpec,
	.sums_begin = FunnelSumsBegin, .check_key = FunnelCheckKey,
	.sums_key = FunnelSumsKey, .sums_end = FunnelSumsEnd,
	.count_journey = FunnelCountJourney
};

COUNTS_SQL_TYPE(funnel_counts);

/*
 * Per step, the journeys reaching it and those continuing past it (for a
 * funnel without open or optional steps, those reaching at least it and
 * at least the next), and the journeys that reach no step: from these,
 * every funnel reports alike.
 */
typedef struct FunnelSteps
{
	Counts		c;
	FunnelDef	def;
	int64	   *reached;
	int64	   *continued;
	int64		none;
} FunnelSteps;

static void
ReadFunnel(FunctionCallInfo fcinfo, int arg, FunnelSteps *f)
{
	int32		k;
	int32		s;

	CountsDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(arg)), &f->c);
	if (f->c.spec.kind != COUNTS_FUNNEL || f->c.spec.anchor == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a funnel report needs funnel counts, not path counts of kind %s",
						CountsKindName(f->c.spec.kind)),
				 errhint("Build them with funnel_counts.")));
	FunnelDefDeserialize(f->c.spec.anchor, f->c.spec.anchor_len, &f->def);
	f->reached = palloc0((f->def.nsteps + 1) * sizeof(int64));
	f->continued = palloc0((f->def.nsteps + 1) * sizeof(int64));
	f->none = 0;
	for (k = 0; k < f->c.nkeys; k++)
	{
		int32		pos = f->c.positions[k];

		if (pos == 0)
			f->none = f->c.counts[k];
		else if (pos >= FUNNEL_REACHED && pos < FUNNEL_CONTINUED)
			f->reached[pos - FUNNEL_REACHED] += f->c.counts[k];
		else if (pos >= FUNNEL_CONTINUED && pos < FUNNEL_TIMED)
			f->continued[pos - FUNNEL_CONTINUED] += f->c.counts[k];
		else if (pos <= f->def.nsteps && !FunnelSkipsSteps(&f->def))
			for (s = 0; s < pos; s++)
				f->reached[s] += f->c.counts[k];
	}
	if (!FunnelSkipsSteps(&f->def))
		for (s = 0; s < f->def.nsteps; s++)
			f->continued[s] = f->reached[s + 1];
}

/* Step s's (0-based) entrants and those of them who went no further. */
static void
StepFlow(const FunnelSteps *f, int32 s, int64 *entered, int64 *dropped)
{
	*entered = s == 0 ? f->c.total : f->reached[s - 1];
	*dropped = s == 0 ? f->none : f->reached[s - 1] - f->continued[s - 1];
}

/* Wilson score interval of x successes in n trials. */
static void
Wilson(int64 x, int64 n, double z, double *low, double *high)
{
	double		p;
	double		denom;
	double		center;
	double		half;

	if (n == 0)
	{
		*low = 0;
		*high = 1;
		return;
	}
	p = (double) x / n;
	denom = 1 + z * z / n;
	center = (p + z * z / (2.0 * n)) / denom;
	half = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
	*low = Max(0.0, center - half);
	*high = Min(1.0, center + half);
}

/* The q-quantile (nearest rank) of a step's histogram, or -1 if empty. */
static int64
HistogramQuantile(const Counts *c, int32 step, bool from_previous, double q)
{
	int32		first = FUNNEL_HISTOGRAM(step, from_previous, 0);
	int32		last = FUNNEL_HISTOGRAM(step, from_previous, 2047);
	int64		n = 0;
	int64		rank;
	int64		seen = 0;
	int32		k;

	for (k = 0; k < c->nkeys; k++)
		if (c->positions[k] >= first && c->positions[k] <= last)
			n += c->counts[k];
	if (n == 0)
		return -1;
	rank = (int64) ceil(q * n);
	rank = Max(rank, 1);
	for (k = 0; k < c->nkeys; k++)
		if (c->positions[k] >= first && c->positions[k] <= last)
		{
			seen += c->counts[k];
			if (seen >= rank)
				return (int64) GapBucketMiddle(c->positions[k] - first);
		}
	return -1;
}

static double
Rate(int64 part, int64 whole)
{
	return whole > 0 ? (double) part / (double) whole : 0.0;
}

static double
ConfidenceZ(FunctionCallInfo fcinfo, int arg)
{
	double		confidence = PG_GETARG_FLOAT8(arg);

	if (!(confidence > 0 && confidence < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be between 0 and 1, exclusive")));
	return gsl_cdf_ugaussian_Pinv(1 - (1 - confidence) / 2);
}

/*
 * funnel_report(counts, confidence): a base row (step 0, every journey
 * counted, so that a funnel chart's percentages start from it), then per
 * step (step, label, entered, reached, dropped, drop_rate,
 * conversion_from_previous, conversion_from_start, ci_low, ci_high, and
 * the median and p90 times from the previous step and from the start,
 * each as an interval and as float8 seconds); the confidence interval is
 * that of conversion_from_previous.
 */
#define FUNNEL_BASE_LABEL		"(all journeys)"

Datum
funnel_report(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {INT4OID, TEXTOID, INT8OID, INT8OID, INT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, INTERVALOID, FLOAT8OID, INTERVALOID, FLOAT8OID, INTERVALOID, FLOAT8OID, INTERVALOID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FunnelSteps f;
	double		z = ConfidenceZ(fcinfo, 1);
	int32		s;
	Datum		values[lengthof(columns)];
	bool		nulls[lengthof(columns)];

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	ReadFunnel(fcinfo, 0, &f);

	/* the base: no previous step, so no conversion from it, nor times */
	memset(nulls, true, sizeof(nulls));
	values[0] = Int32GetDatum(0);
	values[1] = CStringGetTextDatum(FUNNEL_BASE_LABEL);
	values[2] = values[3] = Int64GetDatum(f.c.total);
	values[4] = Int64GetDatum(0);
	values[5] = Float8GetDatum(0.0);
	values[7] = Float8GetDatum(1.0);
	nulls[0] = nulls[1] = nulls[2] = nulls[3] = nulls[4] = nulls[5] = nulls[7] = false;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);

	for (s = 0; s < f.def.nsteps; s++)
	{
		int64		entered;
		int64		dropped;
		int64		reached = f.reached[s];
		double		low;
		double		high;

		StepFlow(&f, s, &entered, &dropped);
		memset(nulls, false, sizeof(nulls));
		Wilson(entered - dropped, entered, z, &low, &high);
		values[0] = Int32GetDatum(s + 1);
		values[1] = FunnelStepLabel(&f.def, s);
		values[2] = Int64GetDatum(entered);
		values[3] = Int64GetDatum(reached);
		values[4] = Int64GetDatum(dropped);
		values[5] = Float8GetDatum(Rate(dropped, entered));
		values[6] = Float8GetDatum(Rate(entered - dropped, entered));
		values[7] = Float8GetDatum(Rate(reached, f.c.total));
		values[8] = Float8GetDatum(low);
		values[9] = Float8GetDatum(high);
		/* step 1 is the start: no time to it */
		DurationColumns(values, nulls, 10, s == 0 ? -1 : HistogramQuantile(&f.c, s, true, 0.5));
		DurationColumns(values, nulls, 12, s == 0 ? -1 : HistogramQuantile(&f.c, s, true, 0.9));
		DurationColumns(values, nulls, 14, s == 0 ? -1 : HistogramQuantile(&f.c, s, false, 0.5));
		DurationColumns(values, nulls, 16, s == 0 ? -1 : HistogramQuantile(&f.c, s, false, 0.9));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * funnel_compare(a, b): per step (step, label, conversion_a, conversion_b,
 * difference, z, p_value): the conversion from the previous step in two
 * segments and a two-sided two-proportion z-test with pooled variance.
 * No base row: the base converts from nothing, so there is nothing to test.
 */
Datum
funnel_compare(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {INT4OID, TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FunnelSteps a;
	FunnelSteps b;
	int32		s;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	ReadFunnel(fcinfo, 0, &a);
	ReadFunnel(fcinfo, 1, &b);
	if (a.c.spec.anchor_len != b.c.spec.anchor_len ||
		memcmp(a.c.spec.anchor, b.c.spec.anchor, a.c.spec.anchor_len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("funnels with different definitions cannot be compared"),
				 errhint("Count both segments with the same steps and options.")));
	for (s = 0; s < a.def.nsteps; s++)
	{
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};
		int64		na;
		int64		nb;
		int64		da;
		int64		db;
		double		pa;
		double		pb;
		double		pooled;
		double		se;

		StepFlow(&a, s, &na, &da);
		StepFlow(&b, s, &nb, &db);
		pa = Rate(na - da, na);
		pb = Rate(nb - db, nb);
		pooled = Rate(na - da + nb - db, na + nb);
		se = sqrt(pooled * (1 - pooled) * (na > 0 && nb > 0 ? 1.0 / na + 1.0 / nb : 0));

		values[0] = Int32GetDatum(s + 1);
		values[1] = FunnelStepLabel(&a.def, s);
		values[2] = Float8GetDatum(pa);
		values[3] = Float8GetDatum(pb);
		values[4] = Float8GetDatum(pa - pb);
		nulls[5] = nulls[6] = !(se > 0);
		if (se > 0)
		{
			double		zstat = (pa - pb) / se;

			values[5] = Float8GetDatum(zstat);
			values[6] = Float8GetDatum(2 * gsl_cdf_ugaussian_Q(fabs(zstat)));
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
