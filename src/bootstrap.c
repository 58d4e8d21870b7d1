/*
 * bootstrap.c
 *	  Bootstrap confidence intervals: the checks and percentile intervals
 *	  every bootstrap shares, and the credit bootstrap (the credits kind of
 *	  path_counts): its Poisson weights, how credit_bootstrap counts rows,
 *	  the shape of its keys, and its reader (credit_intervals).
 *
 * Markov and Shapley models resample their own counts with GSL's mt19937
 * (markov.c, shapley.c).  A credit bootstrap cannot draw from a sequential
 * generator: parallel workers and Citus shards see the rows in different
 * splits and orders.  It is a Poisson bootstrap instead (each unit appears
 * in each sample a Poisson(1) number of times), with every weight drawn by
 * inverting GSL's Poisson distribution at a uniform that a counter-based
 * hash of (seed, unit, sample) gives.  The same unit gets the same weights
 * wherever its rows are, so the weighted sums simply add.
 */
#include "postgres.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "bootstrap.h"
#include "journey.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(credit_bootstrap_transfn);
PG_FUNCTION_INFO_V1(credit_intervals);

/*
 * A credit bootstrap (COUNTS_CREDITS, param = samples, anchor = the seed in
 * decimal) keeps, per label, the rows counted at CREDITS_ROWS and the sum of
 * their credit in micro-units, unweighted (sample 0) and under the Poisson
 * weights of each bootstrap sample s = 1..samples, split by sign at
 * CREDITS_PLUS(s) and CREDITS_MINUS(s).  A unit's weights depend only on the
 * seed and the hash of the unit, never on row order or on how the rows were
 * split between workers, so the sums combine by adding.
 */
#define CREDITS_ROWS			(-1)
#define CREDITS_PLUS(s)			(2 * (s))
#define CREDITS_MINUS(s)		(2 * (s) + 1)
#define CREDITS_SCALE			1000000
#define CREDITS_MAX_CREDIT		1e12
#define CREDITS_MAX_CELLS		10000000
#define BOOTSTRAP_MIN_SAMPLES	2
#define BOOTSTRAP_MAX_SAMPLES	10000
#define CREDITS_MAX_WEIGHT		20

static int
CompareDoubles(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * Sorts the n draws in d and gives their percentile interval at this
 * confidence (nearest rank).
 */
void
PercentileRange(double *d, int32 n, double confidence, double *lo, double *hi)
{
	double		tail = (1 - confidence) / 2;
	int32		ilo = (int32) Max(ceil(tail * n) - 1, 0);
	int32		ihi = (int32) Min(ceil((1 - tail) * n) - 1, n - 1);

	qsort(d, n, sizeof(double), CompareDoubles);
	*lo = d[ilo];
	*hi = d[ihi];
}

/*
 * Rows (label, share, share_low, share_high) of a bootstrap: share[l] is
 * the model's share of label l, draws[l * samples + s] its share in sample s;
 * NaN stands for an undefined share, NULL in the rows.
 */
void
EmitShareIntervals(ReturnSetInfo *rsinfo, const Counts *c, const double *share,
				   double *draws, int32 samples, double confidence)
{
	int32		l;

	for (l = 0; l < c->nlabels; l++)
	{
		Datum		values[4];
		bool		nulls[4] = {0};
		double		lo;
		double		hi;

		double	   *d = draws + (Size) l * samples;
		int32		s;

		values[0] = PointerGetDatum(cstring_to_text_with_len(c->labels[l], c->label_lens[l]));
		values[1] = Float8GetDatum(share[l]);
		nulls[1] = isnan(share[l]);

		/* a share undefined (NaN) in some sample has no interval */
		for (s = 0; s < samples; s++)
			if (isnan(d[s]))
				break;
		if (s < samples)
			nulls[2] = nulls[3] = true;
		else
		{
			PercentileRange(d, samples, confidence, &lo, &hi);
			values[2] = Float8GetDatum(lo);
			values[3] = Float8GetDatum(hi);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

void
CheckSamples(int32 samples)
{
	if (samples < BOOTSTRAP_MIN_SAMPLES || samples > BOOTSTRAP_MAX_SAMPLES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("samples must be between %d and %d",
						BOOTSTRAP_MIN_SAMPLES, BOOTSTRAP_MAX_SAMPLES)));
}

/* The checks every bootstrap shares. */
void
CheckBootstrap(int32 samples, double confidence)
{
	CheckSamples(samples);
	if (!(confidence > 0 && confidence < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be between 0 and 1, exclusive")));
}

/*
 * GSL's Mersenne Twister seeded with seed, for the bootstraps that draw in
 * sequence.  GSL allocates it with malloc: the caller frees it on every
 * path, errors included (PG_TRY).
 */
gsl_rng *
BootstrapRng(int64 seed)
{
	gsl_rng    *rng = gsl_rng_alloc(gsl_rng_mt19937);

	if (rng == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory for a random number generator")));
	gsl_rng_set(rng, (unsigned long) seed);
	return rng;
}

#define GOLDEN UINT64CONST(0x9e3779b97f4a7c15)

/*
 * The weights of a unit (by its hash) in samples 0..samples: 1 in sample
 * 0, the original data; Poisson(1) draws, at most CREDITS_MAX_WEIGHT, in
 * the others.
 */
static void
PoissonWeights(uint64 unit, int64 seed, int32 samples, int32 *w)
{
	static double cdf[CREDITS_MAX_WEIGHT];
	static bool have_cdf = false;
	uint64		base = Mix64(unit ^ Mix64((uint64) seed + GOLDEN));
	int32		s;

	if (!have_cdf)
	{
		int32		k;

		for (k = 0; k < CREDITS_MAX_WEIGHT; k++)
			cdf[k] = gsl_cdf_poisson_P(k, 1.0);
		have_cdf = true;
	}
	w[0] = 1;
	for (s = 1; s <= samples; s++)
	{
		double		u = (double) (Mix64(base + (uint64) s * GOLDEN) >> 11) * 0x1.0p-53;
		int32		k = 0;

		while (k < CREDITS_MAX_WEIGHT && u >= cdf[k])
			k++;
		w[s] = k;
	}
}

/* Credit bootstraps: the credits kind of path_counts */

/* A builder's sums, kept dense until encoded (see CreditsFlush). */
typedef struct CreditsState
{
	int64		seed;
	uint64		unit;			/* hash of the unit whose rows are pending */
	int64	   *pending;		/* per label id: the unit's credit */
	int64	   *pending_rows;	/* per label id: the unit's rows */
	int32	   *touched;		/* label ids with pending rows */
	int32		ntouched;
	int64	   *sums;			/* per label id x (samples + 1) */
	int64	   *rows;			/* per label id */
	int32		maxcredits;		/* label ids the arrays have room for */
	int32	   *weights;		/* samples + 1 */
} CreditsState;

static void
CreditOutOfRange(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("credit sum out of range"),
			 errhint("Credit in larger units, for example thousands.")));
}

/* *sum += add, in micro-units; the sums are negated later, so never INT64_MIN. */
static inline void
CreditAdd(int64 *sum, int64 add)
{
	if (pg_add_s64_overflow(*sum, add, sum) || *sum == PG_INT64_MIN)
		CreditOutOfRange();
}

/*
 * Credit bootstraps.  Rows arrive with the hash of their unit (a customer,
 * a journey); the credit of the current unit is summed per label, and when
 * another unit comes (or the value is encoded) it is added to every
 * sample's sums with the unit's Poisson weights: so each unit's weights are
 * drawn once per run of its rows, and never per row.
 */
static void
CreditsFlush(CountsBuilder *b, CreditsState *cs)
{
	int32		width = b->spec.param + 1;
	int32		t;
	int32		s;

	if (cs->ntouched == 0)
		return;
	PoissonWeights(cs->unit, cs->seed, b->spec.param, cs->weights);
	for (t = 0; t < cs->ntouched; t++)
	{
		int32		id = cs->touched[t];
		int64		credit = cs->pending[id];
		int64	   *sum = cs->sums + (Size) id * width;

		for (s = 0; s < width; s++)
		{
			int64		add;

			if (cs->weights[s] == 0)
				continue;
			if (pg_mul_s64_overflow(credit, cs->weights[s], &add))
				CreditOutOfRange();
			CreditAdd(&sum[s], add);
		}
		cs->rows[id] += cs->pending_rows[id];
		cs->pending[id] = 0;
		cs->pending_rows[id] = 0;
	}
	cs->ntouched = 0;
}

/* Room in the dense arrays for every label id the builder has. */
static void
CreditsReserve(CountsBuilder *b)
{
	CreditsState *cs = b->kind_state;
	int32		width = b->spec.param + 1;
	int32		old = cs->maxcredits;
	int32		max;

	if (b->labels.n <= old)
		return;
	if ((Size) b->labels.n * width > CREDITS_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many labels for a credit bootstrap of %d samples",
						b->spec.param),
				 errdetail("Labels times samples may be at most %d.", CREDITS_MAX_CELLS),
				 errhint("Use fewer samples, or map labels to fewer channels with journey_map.")));
	max = (int32) Min((Size) Max(2 * old, 16), (Size) CREDITS_MAX_CELLS / width);
	max = Max(max, b->labels.n);
	cs->pending = ResizeArray(b->cxt, cs->pending, max, sizeof(int64));
	cs->pending_rows = ResizeArray(b->cxt, cs->pending_rows, max, sizeof(int64));
	cs->touched = ResizeArray(b->cxt, cs->touched, max, sizeof(int32));
	cs->rows = ResizeArray(b->cxt, cs->rows, max, sizeof(int64));
	cs->sums = ResizeArray(b->cxt, cs->sums, (Size) max * width, sizeof(int64));
	memset(cs->pending + old, 0, (max - old) * sizeof(int64));
	memset(cs->pending_rows + old, 0, (max - old) * sizeof(int64));
	memset(cs->rows + old, 0, (max - old) * sizeof(int64));
	memset(cs->sums + (Size) old * width, 0, (Size) (max - old) * width * sizeof(int64));
	if (cs->weights == NULL)
		cs->weights = MemoryContextAlloc(b->cxt, width * sizeof(int32));
	cs->maxcredits = max;
}

/* The dense sums become keys (see CREDITS_ROWS), and start again from zero. */
static void
CreditsToKeys(CountsBuilder *b)
{
	CreditsState *cs = b->kind_state;
	int32		width = b->spec.param + 1;
	int32		id;
	int32		s;

	if (cs->sums == NULL)
		return;
	CreditsFlush(b, cs);
	for (id = 0; id < cs->maxcredits; id++)
	{
		int64	   *sum = cs->sums + (Size) id * width;

		if (cs->rows[id] != 0)
			CountsBuilderAdd(b, CREDITS_ROWS, &id, 1, cs->rows[id]);
		for (s = 0; s < width; s++)
		{
			if (sum[s] > 0)
				CountsBuilderAdd(b, CREDITS_PLUS(s), &id, 1, sum[s]);
			else if (sum[s] < 0)
				CountsBuilderAdd(b, CREDITS_MINUS(s), &id, 1, -sum[s]);
		}
		memset(sum, 0, width * sizeof(int64));
		cs->rows[id] = 0;
		CHECK_FOR_INTERRUPTS();
	}
}

static void
CreditsCheckSpec(const Counts *c)
{
	int32		param = c->spec.param;

	if (param < BOOTSTRAP_MIN_SAMPLES || param > BOOTSTRAP_MAX_SAMPLES ||
		(Size) Max(c->nlabels, 1) * (param + 1) > CREDITS_MAX_CELLS)
		CountsShapeError(c, -1, psprintf("the samples must be between %d and %d, and labels times (samples + 1) at most %d",
										 BOOTSTRAP_MIN_SAMPLES, BOOTSTRAP_MAX_SAMPLES,
										 CREDITS_MAX_CELLS));
}

/* Per label: its rows, and the sample of its last positive sum (-1: none). */
typedef struct CreditsSums
{
	int64	   *rows;
	int64	   *last_plus;
} CreditsSums;

static void
CreditsSumsBegin(const Counts *c, CountsSums *s)
{
	int32		n = Max(c->nlabels, 1);
	CreditsSums *cs = palloc(sizeof(CreditsSums));
	int32		l;

	cs->rows = palloc0(n * sizeof(int64));
	cs->last_plus = palloc((Size) n * sizeof(int64));
	for (l = 0; l < n; l++)
		cs->last_plus[l] = -1;
	s->state = cs;
}

static void
CreditsCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (markers || c->key_start[k + 1] - c->key_start[k] != 1 || pos < CREDITS_ROWS ||
		pos > CREDITS_MINUS(c->spec.param))
		CountsShapeError(c, k, "a credit sum is one label at a row count or a sample's sum");
}

static void
CreditsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	CreditsSums *cs = s->state;
	int32		pos = c->positions[k];
	int32		label = c->key_labels[c->key_start[k]];

	if (pos == CREDITS_ROWS)
	{
		cs->rows[label] = c->counts[k];
		s->sum += c->counts[k];
	}
	else if (cs->rows[label] == 0 ||
			 (pos % 2 == 1 && cs->last_plus[label] == pos / 2))
		CountsShapeError(c, k, "a credit sum is of a label with rows, positive or negative");
	else if (pos % 2 == 0)
		cs->last_plus[label] = pos / 2;
}

static void
CreditsSumsEnd(const Counts *c, CountsSums *s)
{
	CreditsSums *cs = s->state;

	CountsSumsAddUp(c, s);
	pfree(cs->rows);
	pfree(cs->last_plus);
	pfree(cs);
}

static void
CreditsSetSpec(CountsBuilder *b)
{
	b->kind_state = MemoryContextAllocZero(b->cxt, sizeof(CreditsState));
}

/*
 * The type of argument argno: the declared one, or for a polymorphic
 * argument the one of the call's expression.  Citus calls transition
 * functions through an FmgrInfo of its own that has no expression, which is
 * why credit_bootstrap has overloads for the usual unit types.
 */
static Oid
ArgType(FunctionCallInfo fcinfo, int argno)
{
	Oid		   *argtypes;
	int			nargs;
	Oid			type;

	get_func_signature(fcinfo->flinfo->fn_oid, &argtypes, &nargs);
	type = argno < nargs ? argtypes[argno] : InvalidOid;
	pfree(argtypes);
	if (!OidIsValid(type) || IsPolymorphicType(type))
		type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	if (!OidIsValid(type))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("could not determine the type of the unit"),
				 errhint("Pass the unit as bigint, integer, smallint, text or uuid.")));
	return type;
}

/*
 * The hash of argument argno by its type's extended hash function (the
 * function looked up once per FmgrInfo).  Text units hash bytewise, in the
 * C collation: a unit is an identity, and it must hash the same on every
 * node whatever its default collation, and where a caller such as Citus
 * passes none.
 */
static uint64
UnitHash(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *hash = fcinfo->flinfo->fn_extra;

	if (hash == NULL)
	{
		Oid			type = ArgType(fcinfo, argno);
		TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_HASH_EXTENDED_PROC);

		if (!OidIsValid(tc->hash_extended_proc))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("could not identify a hash function for type %s",
							format_type_be(type)),
					 errhint("Pass the unit as a hashable type such as bigint, text or uuid.")));
		hash = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(FmgrInfo));
		fmgr_info_cxt(tc->hash_extended_proc, hash, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = hash;
	}
	return DatumGetUInt64(FunctionCall2Coll(hash, C_COLLATION_OID,
											PG_GETARG_DATUM(argno),
											UInt64GetDatum(0)));
}

/*
 * credit_bootstrap(unit, label, credit [, samples, seed]): rows with a NULL
 * unit, label or credit are skipped.
 */
Datum
credit_bootstrap_transfn(PG_FUNCTION_ARGS)
{
	int32		samples = PG_NARGS() > 4 ?
		DatumGetInt32(CountsRequiredArg(fcinfo, 4, "samples")) : 200;
	int64		seed = PG_NARGS() > 5 ?
		DatumGetInt64(CountsRequiredArg(fcinfo, 5, "seed")) : 42;
	char		seed_text[MAXINT8LEN + 1];
	CountsSpec	spec = {COUNTS_CREDITS, false, samples, seed_text, 0};
	ExpandedSummary *es;
	CountsBuilder *b;
	CreditsState *cs;
	text	   *label;
	double		credit;
	uint64		unit;
	int32		id;

	CheckSamples(samples);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		RETURN_STATE_UNCHANGED();
	credit = PG_GETARG_FLOAT8(3);
	if (!(fabs(credit) <= CREDITS_MAX_CREDIT))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("credit %g out of range", credit),
				 errhint("A credit must be finite and at most %g in absolute value.",
						 CREDITS_MAX_CREDIT)));
	label = PG_GETARG_TEXT_PP(2);
	JourneyCheckLabel(VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	unit = UnitHash(fcinfo, 1);

	spec.anchor_len = pg_lltoa(seed, seed_text);
	es = CountsStateArg(fcinfo, &spec);
	b = es->builder;
	cs = b->kind_state;
	cs->seed = seed;
	if (cs->ntouched > 0 && cs->unit != unit)
		CreditsFlush(b, cs);
	cs->unit = unit;
	id = StringDictIntern(&b->labels, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	CreditsReserve(b);
	if (cs->pending_rows[id]++ == 0)
		cs->touched[cs->ntouched++] = id;
	CountsBuilderAddTotal(b, 1);
	CreditAdd(&cs->pending[id], (int64) llround(credit * CREDITS_SCALE));
	return SummaryReturn(es);
}

const CountsKindRoutine CreditsKind = {
	.name = "credits", .type_name = "credit_bootstrap", .check_spec = CreditsCheckSpec,
	.sums_begin = CreditsSumsBegin, .check_key = CreditsCheckKey,
	.sums_key = CreditsSumsKey, .sums_end = CreditsSumsEnd,
	.set_spec = CreditsSetSpec, .before_encode = CreditsToKeys
};

COUNTS_SQL_TYPE(credit_bootstrap);

/*
 * credit_intervals(model, confidence): per label, the rows counted, the
 * credit summed and its share of all credit, each with its bootstrap
 * percentile interval.
 */
Datum
credit_intervals(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, INT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		confidence = PG_GETARG_FLOAT8(1);
	Counts		c;
	int32		samples;
	int32		width;
	int128	   *net;			/* nlabels x (samples + 1), micro-units */
	int64	   *rows;
	double	   *total;			/* per sample */
	double	   *credit_draws;
	double	   *share_draws;
	int32		k;
	int32		l;
	int32		s;

	CountsModelArg(fcinfo, 0, &c, COUNTS_CREDITS, "credit bootstrap",
				   "credit_bootstrap");
	samples = c.spec.param;
	CheckBootstrap(samples, confidence);
	width = samples + 1;		/* labels x width is bounded by CountsDecode */
	JourneyInitRows(fcinfo, columns, lengthof(columns));

	net = palloc0((Size) Max(c.nlabels, 1) * width * sizeof(int128));
	rows = palloc0(Max(c.nlabels, 1) * sizeof(int64));
	total = palloc0(width * sizeof(double));
	/* CountsDecode checked the keys: one label, at a row count or a sum */
	for (k = 0; k < c.nkeys; k++)
	{
		int32		p = c.positions[k];
		int32		label = c.key_labels[c.key_start[k]];

		if (p == CREDITS_ROWS)
			rows[label] = c.counts[k];
		else if (p % 2 == 0)
			net[(Size) label * width + p / 2] += c.counts[k];
		else
			net[(Size) label * width + p / 2] -= c.counts[k];
		if ((k & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (l = 0; l < c.nlabels; l++)
		for (s = 0; s < width; s++)
			total[s] += (double) net[(Size) l * width + s];

	credit_draws = palloc(samples * sizeof(double));
	share_draws = palloc(samples * sizeof(double));
	for (l = 0; l < c.nlabels; l++)
	{
		const int128 *x = net + (Size) l * width;
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};
		double		lo;
		double		hi;

		for (s = 1; s < width; s++)
		{
			credit_draws[s - 1] = (double) x[s] / CREDITS_SCALE;
			share_draws[s - 1] = total[s] != 0 ? (double) x[s] / total[s] : 0;
		}
		values[0] = PointerGetDatum(cstring_to_text_with_len(c.labels[l], c.label_lens[l]));
		values[1] = Int64GetDatum(rows[l]);
		values[2] = Float8GetDatum((double) x[0] / CREDITS_SCALE);
		PercentileRange(credit_draws, samples, confidence, &lo, &hi);
		values[3] = Float8GetDatum(lo);
		values[4] = Float8GetDatum(hi);
		nulls[5] = total[0] == 0;
		values[5] = Float8GetDatum(total[0] != 0 ? (double) x[0] / total[0] : 0);
		PercentileRange(share_draws, samples, confidence, &lo, &hi);
		values[6] = Float8GetDatum(lo);
		values[7] = Float8GetDatum(hi);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
