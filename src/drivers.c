/*
 * drivers.c
 *	  Conversion drivers (the driver_counts summary): per label, and per
 *	  ordered pair of labels if asked, how many journeys have it and how
 *	  many of those converted; and its reader, conversion_drivers, which
 *	  tests each against the journeys without it (stats.c).  The outcome is
 *	  a conversion label inside the journey, a flag per journey, or
 *	  reaching the next step of a funnel from a given step.
 *
 * A driver_counts value (COUNTS_DRIVERS) counts journeys (total) and keeps
 * these keys:
 *	 @0 (conversion)	journeys that converted
 *	 @1 label			journeys with the label
 *	 @2 label			of those, journeys that converted
 *	 @3 label label		journeys with the first label strictly before the second
 *	 @4 label label		of those, journeys that converted
 * param is 2 x the funnel step (0: no funnel) + 1 if pairs are counted;
 * anchor is none for flags, "conversions=" and the conversion labels
 * (AppendCounted, ascending) for conversion labels, and "funnel=" and the
 * funnel's definition (FunnelDefSerialize) for a funnel step.
 */
#include "postgres.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "counts.h"
#include "dict.h"
#include "funnel.h"
#include "journey.h"
#include "params.h"
#include "stats.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(driver_counts_transfn);
PG_FUNCTION_INFO_V1(outcome_driver_counts_transfn);
PG_FUNCTION_INFO_V1(driver_counts_funnel_transfn);
PG_FUNCTION_INFO_V1(conversion_drivers);

#define DRIVERS_CONVERTED		0
#define DRIVERS_LABEL			1
#define DRIVERS_LABEL_CONVERTED 2
#define DRIVERS_PAIR			3
#define DRIVERS_PAIR_CONVERTED	4

#define DRIVERS_PAIRS(param)	(((param) & 1) != 0)
#define DRIVERS_STEP(param)		((param) >> 1)

/*
 * Pairs grow with the square of the labels a journey has: a summary keeps
 * at most this many keys (about 1,000 labels with every ordered pair seen),
 * which bounds a builder to some 150 MB.
 */
#define DRIVERS_MAX_KEYS		2000000

#define CONVERSIONS_PREFIX		"conversions="
#define FUNNEL_PREFIX			"funnel="

/* What decides a journey's outcome, besides the journey. */
typedef struct DriversInput
{
	bool		converted;		/* the flag form's outcome */
	ArrayType  *conversions;	/* conversion labels, or NULL */
	const FunnelDef *funnel;	/* the funnel form, or NULL */
	ArrayType  *steps;			/* its steps, which are never drivers */
	int32		step;			/* 1-based: from this step to the next */
} DriversInput;

static bool
HasPrefix(const Counts *c, const char *prefix)
{
	int32		len = strlen(prefix);

	return c->spec.anchor != NULL && c->spec.anchor_len >= len &&
		memcmp(c->spec.anchor, prefix, len) == 0;
}

static void
DriversCheckSpec(const Counts *c)
{
	int32		param = c->spec.param;
	int32		prefix;

	if (param < 0)
		CountsShapeError(c, -1, "the parameter is not negative");
	if (DRIVERS_STEP(param) > 0)
	{
		FunnelDef	def;

		prefix = strlen(FUNNEL_PREFIX);
		if (!HasPrefix(c, FUNNEL_PREFIX) ||
			!FunnelDefParse(c->spec.anchor + prefix, c->spec.anchor_len - prefix, &def) ||
			DRIVERS_STEP(param) >= def.nsteps || DRIVERS_PAIRS(param))
			CountsShapeError(c, -1, "a funnel step's drivers have the funnel's definition, a step before its last, and no pairs");
	}
	else if (c->spec.anchor != NULL)
	{
		const char *p = c->spec.anchor + strlen(CONVERSIONS_PREFIX);
		const char *end = c->spec.anchor + c->spec.anchor_len;
		text	  **labels;
		int32		n;
		int32		i;

		if (!HasPrefix(c, CONVERSIONS_PREFIX) || !ReadCounted(&p, end, &labels, &n) ||
			p != end || n < 1)
			CountsShapeError(c, -1, "the conversion labels are a list of at least one label");
		for (i = 1; i < n; i++)
			if (CompareBytes(VARDATA_ANY(labels[i - 1]), VARSIZE_ANY_EXHDR(labels[i - 1]),
							 VARDATA_ANY(labels[i]), VARSIZE_ANY_EXHDR(labels[i])) >= 0)
				CountsShapeError(c, -1, "the conversion labels are strictly ascending");
	}
}

/* The key ranges of each position, for the checks against other positions. */
static void
DriversSumsBegin(const Counts *c, CountsSums *s)
{
	int32	   *first = palloc((DRIVERS_PAIR_CONVERTED + 2) * sizeof(int32));
	int32		pos;

	for (pos = 0; pos <= DRIVERS_PAIR_CONVERTED + 1; pos++)
		first[pos] = CountsFirstKeyAt(c, pos);
	s->state = first;
}

static void
DriversCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];
	int32		n = c->key_start[k + 1] - c->key_start[k];
	const int32 *key = c->key_labels + c->key_start[k];

	if (pos == DRIVERS_CONVERTED)
	{
		if (n != 1 || key[0] != COUNTS_CONVERSION)
			CountsShapeError(c, k, "the converted journeys are the key (conversion) at position 0");
	}
	else if (pos == DRIVERS_LABEL || pos == DRIVERS_LABEL_CONVERTED)
	{
		if (n != 1 || markers)
			CountsShapeError(c, k, "a label's journeys are one label at position 1 or 2");
	}
	else if (pos == DRIVERS_PAIR || pos == DRIVERS_PAIR_CONVERTED)
	{
		if (!DRIVERS_PAIRS(c->spec.param) || n != 2 || markers || key[0] == key[1])
			CountsShapeError(c, k, "a pair's journeys are two different labels at position 3 or 4, where pairs are counted");
	}
	else
		CountsShapeError(c, k, "positions are 0 to 4");
}

static void
DriversSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	const int32 *first = s->state;
	int32		pos = c->positions[k];
	int64		count = c->counts[k];

	if (count > c->total)
		CountsShapeError(c, k, "no more journeys than journeys counted");
	if (pos == DRIVERS_CONVERTED)
		s->ends = count;
	else if (pos == DRIVERS_LABEL_CONVERTED || pos == DRIVERS_PAIR_CONVERTED)
	{
		int32		with = CountsFindKeyLabels(c, first[pos - 1], first[pos], k);

		if (count > s->ends || with < 0 || c->counts[with] < count)
			CountsShapeError(c, k, "converted journeys with a driver are at most the converted journeys and the journeys with it");
	}
}

static void
DriversSumsEnd(const Counts *c, CountsSums *s)
{
	pfree(s->state);
}

/*
 * The touchpoints of a journey that may be drivers: for conversion labels,
 * those up to the first conversion's instant, as attribution credits
 * them, but the conversions; for a flag, all; for a funnel step, those
 * strictly after the step's match and before the next step's (or, if the
 * journey went no further, within the funnel's window), but the steps.
 * Sets whether the journey converted; false if it does not count.
 */
static bool
DriverTouches(const Journey *j, const DriversInput *in, bool *candidate,
			  bool *converted)
{
	bool	   *skip;
	int32		i;

	if (in->funnel)
	{
		TimestampTz *times = palloc(in->funnel->nsteps * sizeof(TimestampTz));
		int32		level = FunnelEvaluate(in->funnel, j, times);

		if (level < in->step)
		{
			pfree(times);
			return false;
		}
		*converted = level > in->step;
		skip = JourneyLabelFlags(j, in->steps);
		for (i = 0; i < j->ntouch; i++)
		{
			TimestampTz ts = j->touches[i].ts;

			candidate[i] = !skip[j->touches[i].label] && ts > times[in->step - 1] &&
				(*converted ? ts < times[in->step] :
				 (uint64) ts - (uint64) times[0] <= (uint64) in->funnel->window);
		}
		pfree(times);
	}
	else if (in->conversions)
	{
		bool		seen = false;
		TimestampTz cutoff = 0;

		skip = JourneyLabelFlags(j, in->conversions);
		for (i = 0; i < j->ntouch && !seen; i++)
		{
			seen = skip[j->touches[i].label];
			cutoff = j->touches[i].ts;
		}
		*converted = seen;
		for (i = 0; i < j->ntouch; i++)
			candidate[i] = !skip[j->touches[i].label] &&
				(!seen || j->touches[i].ts <= cutoff);
	}
	else
	{
		skip = NULL;
		*converted = in->converted;
		for (i = 0; i < j->ntouch; i++)
			candidate[i] = true;
	}
	if (skip)
		pfree(skip);
	return true;
}

/* Counts one journey: its outcome, its labels, and its ordered pairs if asked. */
static bool
DriversCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
					const void *arg)
{
	const DriversInput *in = arg;
	int32		nl = Max(j->nlabels, 1);
	bool	   *candidate = palloc(Max(j->ntouch, 1) * sizeof(bool));
	int32	   *id;
	TimestampTz *first;
	TimestampTz *last;
	int32	   *present;
	int32		npresent = 0;
	int32		marker = COUNTS_CONVERSION;
	bool		converted;
	int32		i;
	int32		x;
	int32		y;

	if (!DriverTouches(j, in, candidate, &converted))
	{
		pfree(candidate);
		return false;
	}
	id = palloc(nl * sizeof(int32));
	first = palloc(nl * sizeof(TimestampTz));
	last = palloc(nl * sizeof(TimestampTz));
	present = palloc(nl * sizeof(int32));
	for (i = 0; i < j->nlabels; i++)
		id[i] = -1;
	for (i = 0; i < j->ntouch; i++)
	{
		int32		l = j->touches[i].label;

		if (!candidate[i])
			continue;
		if (id[l] < 0)
		{
			id[l] = StringDictIntern(&b->labels, j->labels[l], j->label_lens[l]);
			first[l] = j->touches[i].ts;
			present[npresent++] = l;
		}
		last[l] = j->touches[i].ts;
	}
	if (converted)
		CountsBuilderAdd(b, DRIVERS_CONVERTED, &marker, 1, 1);
	for (x = 0; x < npresent; x++)
	{
		int32		l = present[x];

		CountsBuilderAdd(b, DRIVERS_LABEL, &id[l], 1, 1);
		if (converted)
			CountsBuilderAdd(b, DRIVERS_LABEL_CONVERTED, &id[l], 1, 1);
	}
	if (DRIVERS_PAIRS(b->spec.param))
		for (x = 0; x < npresent; x++)
		{
			CHECK_FOR_INTERRUPTS();
			for (y = 0; y < npresent; y++)
			{
				int32		pair[2] = {id[present[x]], id[present[y]]};

				if (x == y || first[present[x]] >= last[present[y]])
					continue;
				CountsBuilderAdd(b, DRIVERS_PAIR, pair, 2, 1);
				if (converted)
					CountsBuilderAdd(b, DRIVERS_PAIR_CONVERTED, pair, 2, 1);
			}
		}
	pfree(candidate);
	pfree(id);
	pfree(first);
	pfree(last);
	pfree(present);
	return true;
}

const CountsKindRoutine DriversKind = {
	.name = "drivers", .type_name = "driver_counts", .no_path = true, .check_spec = DriversCheckSpec,
	.sums_begin = DriversSumsBegin, .check_key = DriversCheckKey,
	.sums_key = DriversSumsKey, .sums_end = DriversSumsEnd,
	.count_journey = DriversCountJourney,
	.max_keys = DRIVERS_MAX_KEYS, .keys_hint = "Count pairs over fewer labels (map rare ones to one label first), or count labels without pairs."
};

COUNTS_SQL_TYPE(driver_counts);

/* What an outcome is, as the spec's anchor: at most a label's length. */
static void
SetAnchor(CountsSpec *spec, StringInfo anchor, const char *what)
{
	if (anchor->len > JOURNEY_MAX_LABEL_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s too long for conversion drivers", what),
				 errdetail("They take %d bytes; at most %d are stored.",
						   anchor->len, JOURNEY_MAX_LABEL_BYTES)));
	spec->anchor = anchor->data;
	spec->anchor_len = anchor->len;
}

static bool
PairsArg(FunctionCallInfo fcinfo, int n)
{
	return PG_NARGS() > n && DatumGetBool(CountsRequiredArg(fcinfo, n, "pairs"));
}

/* A driver summary's outcome and spec, parsed once per call site */
typedef struct DriversArgs
{
	CountsParsed p;
	DriversInput in;
	FunnelDef	def;			/* the funnel form's */
} DriversArgs;

static void
DriversConversionsParse(FunctionCallInfo fcinfo, void *parsed)
{
	DriversArgs *a = parsed;
	StringInfoData anchor;
	Datum	   *elems;
	int			n;
	int			i;

	a->in.conversions = DatumGetArrayTypeP(CountsRequiredArg(fcinfo, 2, "conversions"));
	elems = TextElements(a->in.conversions, "conversions", &n);
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conversion drivers need at least one conversion label")));
	qsort(elems, n, sizeof(Datum), CompareTextDatums);
	initStringInfo(&anchor);
	appendStringInfoString(&anchor, CONVERSIONS_PREFIX);
	for (i = 0; i < n; i++)
	{
		text	   *t = DatumGetTextPP(elems[i]);

		JourneyCheckLabel(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		if (i == 0 || CompareTextDatums(&elems[i - 1], &elems[i]) != 0)
			AppendCounted(&anchor, t);
	}
	a->p.spec.kind = COUNTS_DRIVERS;
	SetAnchor(&a->p.spec, &anchor, "conversion labels");
	a->p.spec.param = PairsArg(fcinfo, 3) ? 1 : 0;
	a->p.arg = &a->in;
}

/* driver_counts(j, conversions [, pairs]): the outcome is a conversion label */
Datum
driver_counts_transfn(PG_FUNCTION_ARGS)
{
	return CountsParsedTransition(fcinfo, sizeof(DriversArgs), DriversConversionsParse);
}

/* outcome_driver_counts(j, converted [, pairs]): rows with a NULL flag are skipped */
Datum
outcome_driver_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_DRIVERS, false, 0, NULL, 0};
	DriversInput in = {0};

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		RETURN_STATE_UNCHANGED();
	in.converted = PG_GETARG_BOOL(2);
	spec.param = PairsArg(fcinfo, 3) ? 1 : 0;
	return CountsTransition(fcinfo, &spec, &in);
}

static void
DriversFunnelParse(FunctionCallInfo fcinfo, void *parsed)
{
	DriversArgs *a = parsed;
	StringInfoData anchor;
	char	   *stored;
	int32		len;

	a->in.step = DatumGetInt32(CountsRequiredArg(fcinfo, 2, "funnel_step"));
	a->in.steps = DatumGetArrayTypeP(CountsRequiredArg(fcinfo, 3, "funnel steps"));
	FunnelDefFromArgs(fcinfo, 3, &a->def);
	/* the touchpoints between a step's match and the next's need both */
	FunnelRefuseSkips(&a->def, "driver_counts");
	if (a->in.step < 1 || a->in.step >= a->def.nsteps)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("funnel_step must be between 1 and %d, a step before the funnel's last",
						a->def.nsteps - 1)));
	initStringInfo(&anchor);
	appendStringInfoString(&anchor, FUNNEL_PREFIX);
	stored = FunnelDefSerialize(&a->def, &len);
	appendBinaryStringInfo(&anchor, stored, len);
	a->p.spec.kind = COUNTS_DRIVERS;
	SetAnchor(&a->p.spec, &anchor, "funnel definition");
	a->p.spec.param = 2 * a->in.step;
	a->in.funnel = &a->def;
	a->p.arg = &a->in;
}

/* driver_counts(j, funnel_step, steps, within [, max_gap, exclude, mode]) */
Datum
driver_counts_funnel_transfn(PG_FUNCTION_ARGS)
{
	return CountsParsedTransition(fcinfo, sizeof(DriversArgs), DriversFunnelParse);
}

/*
 * A row of conversion_drivers: the key of its label (or pair), kept small
 * because a summary may hold millions; the table and its test are made
 * again when the row is written.
 */
typedef struct DriverRow
{
	int32		key;
	double		p_value;
	double		strength;		/* |log odds ratio|, 0 without one */
} DriverRow;

typedef struct DriverRowsArg
{
	const Counts *c;
	int64		converted;
	int32		first[DRIVERS_PAIR_CONVERTED + 2];	/* first key of each position */
} DriverRowsArg;

/* The table of the label or pair of key k against the journeys without it. */
static void
DriverTable(const DriverRowsArg *d, int32 k, TwoByTwo *t)
{
	const Counts *c = d->c;
	int32		pos = c->positions[k];
	int32		conv = CountsFindKeyLabels(c, d->first[pos + 1], d->first[pos + 2], k);

	t->a = conv < 0 ? 0 : c->counts[conv];
	t->b = c->counts[k] - t->a;
	t->c = d->converted - t->a;
	t->d = c->total - c->counts[k] - t->c;
}

static int
CompareDriverRows(const void *a, const void *b, void *arg)
{
	const DriverRow *x = a;
	const DriverRow *y = b;
	const Counts *c = arg;

	if (x->p_value != y->p_value)
		return x->p_value < y->p_value ? -1 : 1;
	if (x->strength != y->strength)
		return x->strength > y->strength ? -1 : 1;
	/* labels, then single labels before pairs, then the second label */
	if (c->key_labels[c->key_start[x->key]] != c->key_labels[c->key_start[y->key]])
		return c->key_labels[c->key_start[x->key]] < c->key_labels[c->key_start[y->key]] ? -1 : 1;
	return (x->key > y->key) - (x->key < y->key);
}

static Datum
RateOrNull(int64 part, int64 whole, bool *isnull)
{
	*isnull = whole == 0;
	return Float8GetDatum(whole == 0 ? 0 : (double) part / (double) whole);
}

/*
 * conversion_drivers(driver_counts, confidence, min_journeys): per label
 * (and pair) with at least min_journeys journeys, its 2x2 table against
 * the journeys without it, tested (stats.c), strongest first: by p-value,
 * then by the distance of the odds ratio from 1, then by label.
 */
Datum
conversion_drivers(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {
		TEXTOID, TEXTOID, INT8OID, INT8OID, FLOAT8OID, INT8OID, INT8OID,
		FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
		FLOAT8OID, TEXTOID, TEXTOID
	};
	ReturnSetInfo *rsinfo;
	Counts		c;
	DriverRowsArg d;
	double		confidence;
	int64		min_journeys;
	double		z;
	DriverRow  *rows;
	double	   *p;
	double	   *adjusted;
	int32		nrows = 0;
	int32		pos;
	int32		k;
	int32		i;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_DRIVERS, COUNTS_DRIVERS);
	confidence = PG_GETARG_FLOAT8(1);
	min_journeys = PG_GETARG_INT64(2);
	if (!(confidence > 0 && confidence < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be between 0 and 1, exclusive")));
	if (min_journeys < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_journeys must be at least 1")));
	z = gsl_cdf_ugaussian_Pinv(0.5 + confidence / 2);
	d.c = &c;
	d.converted = c.nkeys > 0 && c.positions[0] == DRIVERS_CONVERTED ? c.counts[0] : 0;
	for (pos = 0; pos <= DRIVERS_PAIR_CONVERTED + 1; pos++)
		d.first[pos] = CountsFirstKeyAt(&c, pos);
	rows = palloc(Max(d.first[DRIVERS_LABEL_CONVERTED] - d.first[DRIVERS_LABEL] +
					  d.first[DRIVERS_PAIR_CONVERTED] - d.first[DRIVERS_PAIR], 1) * sizeof(DriverRow));
	for (pos = DRIVERS_LABEL; pos <= DRIVERS_PAIR; pos += DRIVERS_PAIR - DRIVERS_LABEL)
		for (k = d.first[pos]; k < d.first[pos + 1]; k++)
		{
			TwoByTwo	t;
			TwoByTwoTest test;

			if ((k & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			if (c.counts[k] < min_journeys)
				continue;
			DriverTable(&d, k, &t);
			TestTwoByTwo(&t, z, &test);
			rows[nrows].key = k;
			rows[nrows].p_value = test.p_value;
			rows[nrows].strength = test.has_odds ? fabs(log(test.odds_ratio)) : 0;
			nrows++;
		}
	qsort_arg(rows, nrows, sizeof(DriverRow), CompareDriverRows, &c);
	p = palloc(Max(nrows, 1) * sizeof(double));
	adjusted = palloc(Max(nrows, 1) * sizeof(double));
	for (i = 0; i < nrows; i++)
		p[i] = rows[i].p_value;
	AdjustBenjaminiHochberg(p, nrows, adjusted);
	pfree(p);
	for (i = 0; i < nrows; i++)
	{
		const int32 *key = c.key_labels + c.key_start[rows[i].key];
		bool		pair = c.positions[rows[i].key] == DRIVERS_PAIR;
		TwoByTwo	t;
		TwoByTwoTest test;
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		DriverTable(&d, rows[i].key, &t);
		TestTwoByTwo(&t, z, &test);
		values[0] = PointerGetDatum(CountsLabelText(&c, key[0]));
		nulls[1] = !pair;
		if (pair)
			values[1] = PointerGetDatum(CountsLabelText(&c, key[1]));
		values[2] = Int64GetDatum(t.a + t.b);
		values[3] = Int64GetDatum(t.a);
		values[4] = RateOrNull(t.a, t.a + t.b, &nulls[4]);
		values[5] = Int64GetDatum(t.c + t.d);
		values[6] = Int64GetDatum(t.c);
		values[7] = RateOrNull(t.c, t.c + t.d, &nulls[7]);
		nulls[8] = nulls[7] || t.c == 0;
		if (!nulls[8])
			values[8] = Float8GetDatum(DatumGetFloat8(values[4]) / DatumGetFloat8(values[7]));
		nulls[9] = nulls[10] = nulls[11] = !test.has_odds;
		values[9] = Float8GetDatum(test.odds_ratio);
		values[10] = Float8GetDatum(test.odds_low);
		values[11] = Float8GetDatum(test.odds_high);
		values[12] = Float8GetDatum(test.p_value);
		values[13] = Float8GetDatum(adjusted[i]);
		values[14] = CStringGetTextDatum(test.exact ? "fisher" : "chi-square");
		values[15] = CStringGetTextDatum(!test.has_odds || test.odds_ratio == 1 ? "neither" :
										 test.odds_ratio > 1 ? "success" : "failure");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
