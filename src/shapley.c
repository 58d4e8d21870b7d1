/*
 * shapley.c
 *	  Shapley value attribution (DESIGN.md S16): the shapley kind of
 *	  path_counts (conversion paths counted by shapley_counts by their set
 *	  of distinct channels, and the shape of those keys), and the values.
 *
 * exact: the players are the channels, and the worth of a coalition S is
 * the conversion rate of the paths whose channel set is exactly S (0 when
 * there is none).  Shapley values are computed exactly over all 2^n
 * coalitions, so n is limited to SHAPLEY_MAX_CHANNELS; the credit of a
 * channel is its share of the sum of the values, times the model's
 * conversions and conversion value (a channel that lowers the rate gets a
 * negative share).
 *
 * simplified (Zhao et al. 2018): with the worth of S taken as the
 * conversions of paths using only channels in S, the Shapley value reduces
 * to sharing each converting path equally among its distinct channels;
 * that needs no enumeration and works for any number of channels.
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "bootstrap.h"
#include "conversions.h"
#include "counts.h"
#include "journey.h"

PG_FUNCTION_INFO_V1(shapley_counts_transfn);
PG_FUNCTION_INFO_V1(shapley_attribution);

/*
 * A Shapley model (COUNTS_SHAPLEY) counts conversion paths by their set of
 * distinct channels (labels sorted bytewise): paths, conversions, and
 * conversion value in micro-units split by sign, at these positions.
 */
#define SHAPLEY_PATHS			0
#define SHAPLEY_CONVERSIONS		1
#define SHAPLEY_VALUE_PLUS		2
#define SHAPLEY_VALUE_MINUS		3
#define SHAPLEY_VALUE_SCALE		1000000
#define SHAPLEY_MAX_CHANNELS	20

/*
 * The sum of n Shapley values carries a rounding error of about n * 2^-52
 * of their magnitudes; a total below this fraction of them is taken as 0.
 */
#define SHAPLEY_ZERO_TOLERANCE 1e-12

/* The shapley kind of path_counts, built by shapley_counts */

/* Where the conversions and the values of the channel sets begin. */
typedef struct ShapleySums
{
	int32		first_conv;
	int32		first_value;
} ShapleySums;

static void
ShapleySumsBegin(const Counts *c, CountsSums *s)
{
	ShapleySums *ss = palloc(sizeof(ShapleySums));

	ss->first_conv = CountsFirstKeyAt(c, SHAPLEY_CONVERSIONS);
	ss->first_value = CountsFirstKeyAt(c, SHAPLEY_VALUE_PLUS);
	s->state = ss;
}

static void
ShapleyCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (markers || c->key_start[k + 1] - c->key_start[k] > SHAPLEY_MAX_CHANNELS ||
		pos < SHAPLEY_PATHS || pos > SHAPLEY_VALUE_MINUS)
		CountsShapeError(c, k, "a channel set has at most 20 labels, at position 0 to 3");
}

static void
ShapleySumsKey(const Counts *c, CountsSums *s, int32 k)
{
	const ShapleySums *ss = s->state;
	int32		pos = c->positions[k];
	int32		len = c->key_start[k + 1] - c->key_start[k];
	const int32 *key = c->key_labels + c->key_start[k];
	int64		count = c->counts[k];
	int32		i;

	for (i = 1; i < len; i++)
		if (key[i] <= key[i - 1])
			CountsShapeError(c, k, "a channel set is its distinct labels in order");
	if (pos == SHAPLEY_PATHS)
		s->sum += count;
	else
	{
		int32		whole = pos == SHAPLEY_CONVERSIONS ?
			CountsFindKeyLabels(c, 0, ss->first_conv, k) :
			CountsFindKeyLabels(c, ss->first_conv, ss->first_value, k);

		if (whole < 0 || (pos == SHAPLEY_CONVERSIONS && count > c->counts[whole]))
			CountsShapeError(c, k, "a channel set has no more conversions than paths, and a value only with conversions");
	}
}

static void
ShapleySumsEnd(const Counts *c, CountsSums *s)
{
	CountsSumsAddUp(c, s);
	pfree(s->state);
}

static const StringDict *SortLabels;

static int
CompareLabelIdsBytewise(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return CompareBytes(SortLabels->strs[x], SortLabels->lens[x],
						SortLabels->strs[y], SortLabels->lens[y]);
}

/*
 * A Shapley model's path: its set of distinct channels, sorted bytewise,
 * counted at SHAPLEY_PATHS, its conversions at SHAPLEY_CONVERSIONS and its
 * conversion value in micro-units at SHAPLEY_VALUE_PLUS or _MINUS.
 */
static void
CountShapleyPath(CountsBuilder *b, const int32 *path, int32 n, int32 outcome,
				 int128 value)
{
	int32	   *set = palloc(Max(n, 1) * sizeof(int32));
	int32		m = 0;
	int32		i;

	memcpy(set, path, n * sizeof(int32));
	SortLabels = &b->labels;
	qsort(set, n, sizeof(int32), CompareLabelIdsBytewise);
	SortLabels = NULL;
	for (i = 0; i < n; i++)
		if (m == 0 || set[m - 1] != set[i])
			set[m++] = set[i];
	if (m > SHAPLEY_MAX_CHANNELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a path has more than %d channels for Shapley values",
						SHAPLEY_MAX_CHANNELS),
				 errhint("Group labels into fewer channels with journey_map first.")));
	CountsBuilderAdd(b, SHAPLEY_PATHS, set, m, 1);
	if (outcome == COUNTS_CONVERSION)
	{
		int128		micro = value / (COUNTS_VALUE_SCALE / SHAPLEY_VALUE_SCALE);

		CountsBuilderAdd(b, SHAPLEY_CONVERSIONS, set, m, 1);
		if (micro > PG_INT64_MAX || micro < -PG_INT64_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("conversion value too large for a Shapley model")));
		if (micro != 0)
			CountsBuilderAdd(b, micro > 0 ? SHAPLEY_VALUE_PLUS : SHAPLEY_VALUE_MINUS,
							 set, m, (int64) (micro > 0 ? micro : -micro));
		b->value += value;
	}
	CountsBuilderAddTotal(b, 1);
	pfree(set);
}

/*
 * shapley_counts(j, converted, value) and shapley_counts(j, conversions):
 * journeys (or conversion paths) by their set of channels.
 */
Datum
shapley_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_SHAPLEY, true, 0, NULL, 0};

	/* (state, j, converted, value) or (state, j, conversions) */
	return ConversionPathsTransition(fcinfo, &spec, PG_NARGS() == 4,
									 CountShapleyPath);
}

const CountsKindRoutine ShapleyKind = {
	.name = "shapley", .type_name = "shapley_counts", .has_value = true, .sums_begin = ShapleySumsBegin,
	.check_key = ShapleyCheckKey, .sums_key = ShapleySumsKey,
	.sums_end = ShapleySumsEnd, .count_journey = CountConversionPaths
};

COUNTS_SQL_TYPE(shapley_counts);

typedef struct ShapleyOut
{
	double		value;			/* the Shapley value */
	double		share;
	double		conversions;
	double		credit;			/* conversion value */
} ShapleyOut;

/* The channel set of key k as a bit mask over label indexes. */
static uint32
KeyMask(const Counts *c, int32 k)
{
	uint32		mask = 0;
	int32		i;

	for (i = c->key_start[k]; i < c->key_start[k + 1]; i++)
		mask |= (uint32) 1 << c->key_labels[i];
	return mask;
}

static double
KeyValue(const Counts *c, int32 k)
{
	double		v = (double) c->counts[k] / SHAPLEY_VALUE_SCALE;

	return c->positions[k] == SHAPLEY_VALUE_MINUS ? -v : v;
}

/*
 * Shares of the total of the values, and the conversions and value they
 * credit.  The total is v(all) - v(none): with no path holding every
 * channel it is 0 in exact arithmetic and rounding noise in floating
 * point, and value / total would be a huge number that is no share.  A
 * total within rounding of 0 (relative to the values' magnitudes) leaves
 * the shares undefined: NaN here, NULL in the results.
 */
static void
SetShares(ShapleyOut *out, int32 n, double total, double conversions, double value)
{
	double		magnitude = 0;
	int32		j;

	for (j = 0; j < n; j++)
		magnitude += fabs(out[j].value);
	for (j = 0; j < n; j++)
	{
		if (fabs(total) <= SHAPLEY_ZERO_TOLERANCE * magnitude || total == 0)
			out[j].share = NAN;
		else
			out[j].share = out[j].value / total;
		out[j].conversions = out[j].share * conversions;
		out[j].credit = out[j].share * value;
	}
}

static void
Simplified(const Counts *c, ShapleyOut *out, double conversions)
{
	int32		k;
	int32		l;

	for (k = 0; k < c->nkeys; k++)
	{
		int32		n = c->key_start[k + 1] - c->key_start[k];

		if (c->positions[k] == SHAPLEY_PATHS || n == 0)
			continue;
		for (l = c->key_start[k]; l < c->key_start[k + 1]; l++)
		{
			ShapleyOut *o = &out[c->key_labels[l]];

			if (c->positions[k] == SHAPLEY_CONVERSIONS)
				o->value += (double) c->counts[k] / n;
			else
				o->credit += KeyValue(c, k) / n;
		}
	}
	for (l = 0; l < c->nlabels; l++)
		out[l].share = conversions > 0 ? out[l].value / conversions : NAN;
	for (l = 0; l < c->nlabels; l++)
		out[l].conversions = out[l].value;
}

static void
Exact(const Counts *c, ShapleyOut *out, double conversions, double value)
{
	int32		n = c->nlabels;
	uint32		full;
	double	   *paths;
	double	   *rate;
	double	   *weight;
	double		sum = 0;
	uint32		s;
	int32		k;
	int32		j;

	if (n > SHAPLEY_MAX_CHANNELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("exact Shapley values need at most %d channels, the model has %d",
						SHAPLEY_MAX_CHANNELS, n),
				 errhint("Group channels with journey_map, or use the simplified method.")));
	full = ((uint32) 1 << n) - 1;
	paths = palloc0(((Size) full + 1) * sizeof(double));
	rate = palloc0(((Size) full + 1) * sizeof(double));
	weight = palloc((n + 1) * sizeof(double));
	for (k = 0; k < c->nkeys; k++)
	{
		if (c->positions[k] == SHAPLEY_PATHS)
			paths[KeyMask(c, k)] += (double) c->counts[k];
		else if (c->positions[k] == SHAPLEY_CONVERSIONS)
			rate[KeyMask(c, k)] += (double) c->counts[k];
	}
	for (s = 0; s <= full; s++)
		rate[s] = paths[s] > 0 ? rate[s] / paths[s] : 0;

	/* weight[m] = m! (n - m - 1)! / n!, built without factorials */
	for (k = 0; k < n; k++)
	{
		double		w = 1.0 / n;
		int32		i;

		for (i = 1; i <= k; i++)
			w *= (double) i / (n - i);
		weight[k] = w;
	}
	for (j = 0; j < n; j++)
	{
		uint32		bit = (uint32) 1 << j;
		double		phi = 0;

		for (s = 0; s <= full; s++)
		{
			if (s & bit)
				continue;
			phi += weight[__builtin_popcount(s)] * (rate[s | bit] - rate[s]);
			if ((s & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		out[j].value = phi;
		sum += phi;
	}
	SetShares(out, n, sum, conversions, value);
	/* 2^n each, and bootstrap intervals call this once per sample */
	pfree(paths);
	pfree(rate);
	pfree(weight);
}

/*
 * shapley_attribution(model, method): rows (label, shapley_value, share,
 * conversions, value), one per channel in bytewise order.
 */
Datum
shapley_attribution(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *method = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Counts		c;
	ShapleyOut *out;
	double		conversions = 0;
	int32		k;
	int32		l;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	CountsModelArg(fcinfo, 0, &c, COUNTS_SHAPLEY, "Shapley", "shapley_counts");
	for (k = 0; k < c.nkeys; k++)
		if (c.positions[k] == SHAPLEY_CONVERSIONS)
			conversions += (double) c.counts[k];
	out = palloc0(Max(c.nlabels, 1) * sizeof(ShapleyOut));
	if (strcmp(method, "exact") == 0)
		Exact(&c, out, conversions, (double) c.value / COUNTS_VALUE_SCALE);
	else if (strcmp(method, "simplified") == 0)
		Simplified(&c, out, conversions);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown Shapley method \"%s\"", method),
				 errhint("Use exact or simplified.")));
	for (l = 0; l < c.nlabels; l++)
	{
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		values[0] = PointerGetDatum(cstring_to_text_with_len(c.labels[l], c.label_lens[l]));
		values[1] = Float8GetDatum(out[l].value);
		values[2] = Float8GetDatum(out[l].share);
		values[3] = Float8GetDatum(out[l].conversions);
		values[4] = Float8GetDatum(out[l].credit);
		/* an undefined share credits nothing either */
		nulls[2] = isnan(out[l].share);
		nulls[3] = isnan(out[l].conversions);
		nulls[4] = isnan(out[l].credit);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * shapley_attribution_intervals(model, method, samples, confidence, seed):
 * the shares with bootstrap percentile intervals.  Each sample redraws as
 * many paths as the model has from its paths, split by channel set and
 * outcome (a multinomial, GSL's Mersenne Twister seeded with seed), and
 * recomputes the shares.
 */
PG_FUNCTION_INFO_V1(shapley_attribution_intervals);

Datum
shapley_attribution_intervals(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *method = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int32		samples = PG_GETARG_INT32(2);
	double		confidence = PG_GETARG_FLOAT8(3);
	int64		seed = PG_GETARG_INT64(4);
	bool		exact;
	Counts		c;
	Counts		sample;
	ShapleyOut *out;
	double	   *original;
	double	   *draws;
	double	   *p;
	unsigned int *n;
	int32	   *paths_key;		/* per category: its key (paths) */
	int32		ncat = 0;
	int64		npaths = 0;
	gsl_rng    *volatile rng = NULL;
	int32		k;
	int32		l;
	int32		s;

	if (strcmp(method, "exact") != 0 && strcmp(method, "simplified") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown Shapley method \"%s\"", method),
				 errhint("Use exact or simplified.")));
	exact = strcmp(method, "exact") == 0;
	CheckBootstrap(samples, confidence);
	JourneyInitRows(fcinfo, columns, lengthof(columns));
	CountsModelArg(fcinfo, 0, &c, COUNTS_SHAPLEY, "Shapley", "shapley_counts");

	/* the original shares */
	out = palloc0(Max(c.nlabels, 1) * sizeof(ShapleyOut));
	original = palloc(Max(c.nlabels, 1) * sizeof(double));
	{
		double		conversions = 0;

		for (k = 0; k < c.nkeys; k++)
			if (c.positions[k] == SHAPLEY_CONVERSIONS)
				conversions += (double) c.counts[k];
		if (exact)
			Exact(&c, out, conversions, 0);
		else
			Simplified(&c, out, conversions);
		for (l = 0; l < c.nlabels; l++)
			original[l] = out[l].share;
	}

	/*
	 * Categories: for each channel set, its converting and its other paths.
	 * The sample keeps the model's keys in order and only changes counts:
	 * the keys of a set are contiguous (sorted by position, then labels),
	 * so categories are found by matching keys of positions 0 and 1.
	 */
	p = palloc(Max(2 * c.nkeys, 1) * sizeof(double));
	n = palloc(Max(2 * c.nkeys, 1) * sizeof(unsigned int));
	paths_key = palloc(Max(c.nkeys, 1) * sizeof(int32));
	for (k = 0; k < c.nkeys; k++)
		if (c.positions[k] == SHAPLEY_PATHS)
		{
			paths_key[ncat++] = k;
			npaths += c.counts[k];
		}
	if (npaths > UINT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many paths to resample")));
	sample = c;
	sample.counts = palloc(Max(c.nkeys, 1) * sizeof(int64));
	draws = palloc((Size) samples * Max(c.nlabels, 1) * sizeof(double));

	PG_TRY();
	{
		int64	   *conv_of = palloc0(Max(ncat, 1) * sizeof(int64));
		int32	   *conv_key = palloc(Max(ncat, 1) * sizeof(int32));
		int32		cat;

		/* the conversions key of each set, if any */
		for (cat = 0; cat < ncat; cat++)
		{
			int32		pk = paths_key[cat];

			CHECK_FOR_INTERRUPTS();	/* sets x keys */
			conv_key[cat] = -1;
			for (k = 0; k < c.nkeys; k++)
				if (c.positions[k] == SHAPLEY_CONVERSIONS &&
					c.key_start[k + 1] - c.key_start[k] == c.key_start[pk + 1] - c.key_start[pk] &&
					memcmp(c.key_labels + c.key_start[k], c.key_labels + c.key_start[pk],
						   (c.key_start[k + 1] - c.key_start[k]) * sizeof(int32)) == 0)
				{
					conv_key[cat] = k;
					conv_of[cat] = c.counts[k];
				}
			p[2 * cat] = (double) conv_of[cat];
			p[2 * cat + 1] = (double) (c.counts[pk] - conv_of[cat]);
		}

		rng = BootstrapRng(seed);
		for (s = 0; s < samples; s++)
		{
			double		conversions = 0;

			gsl_ran_multinomial(rng, 2 * ncat, (unsigned int) npaths, p, n);
			memset(sample.counts, 0, c.nkeys * sizeof(int64));
			for (cat = 0; cat < ncat; cat++)
			{
				sample.counts[paths_key[cat]] = n[2 * cat] + n[2 * cat + 1];
				if (conv_key[cat] >= 0)
					sample.counts[conv_key[cat]] = n[2 * cat];
				conversions += n[2 * cat];
			}
			memset(out, 0, Max(c.nlabels, 1) * sizeof(ShapleyOut));
			if (exact)
				Exact(&sample, out, conversions, 0);
			else
				Simplified(&sample, out, conversions);
			for (l = 0; l < c.nlabels; l++)
				draws[(Size) l * samples + s] = out[l].share;
			CHECK_FOR_INTERRUPTS();
		}
	}
	PG_CATCH();
	{
		if (rng != NULL)
			gsl_rng_free(rng);
		PG_RE_THROW();
	}
	PG_END_TRY();
	gsl_rng_free(rng);

	EmitShareIntervals(rsinfo, &c, original, draws, samples, confidence);
	return (Datum) 0;
}
