/*
 * bootstrap.c
 *	  Bootstrap confidence intervals: the checks and percentile intervals
 *	  every bootstrap shares, and the credit bootstrap's Poisson weights and
 *	  reader (credit_intervals).
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

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "bootstrap.h"
#include "journey.h"

PG_FUNCTION_INFO_V1(credit_intervals);

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
void
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

/*
 * credit_intervals(model, confidence): per label, the rows counted, the
 * credit summed and its share of all credit, each with its bootstrap
 * percentile interval.
 */
Datum
credit_intervals(PG_FUNCTION_ARGS)
{
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
	JourneyInitRowsResult(fcinfo);

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
		Datum		values[8];
		bool		nulls[8] = {0};
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
