/*
 * attrcounts.c
 *	  Heuristic attribution added up per label (the attribution kind of
 *	  path_counts, built by attribution_counts) and its reader,
 *	  attribution_credits: per label the conversions that credited it, the
 *	  touchpoints credited, and the summed credit and value credit.
 *
 * Each journey is credited by journey_attribution's own code (attribution.c,
 * AttributionWalk) with the same arguments; only the rows of credit 0,
 * which journey_attribution leaves out, count nowhere.  Credit is summed in
 * fixed point so that sums do not depend on the order rows come in, or on
 * how they were split between parallel workers or Citus shards: every
 * touchpoint's credit, and its value credit, is rounded to the nearest
 * multiple of 2^-ATTR_FRAC_BITS before it is added exactly.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "argcache.h"
#include "attribution.h"
#include "counts.h"
#include "funnel.h"
#include "journey.h"
#include "params.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(attribution_counts_transfn);
PG_FUNCTION_INFO_V1(attribution_counts_converted_transfn);
PG_FUNCTION_INFO_V1(attribution_counts_full_transfn);
PG_FUNCTION_INFO_V1(attribution_credits);

/*
 * An attribution summary (COUNTS_ATTRIBUTION, param = the model, anchor =
 * the other arguments, AttrAnchor) counts the conversions credited (total)
 * and keeps, per label, one key per statistic at these positions.  A sum
 * of credit is in units of 2^-ATTR_FRAC_BITS, stored as its whole part and
 * its fraction (below 2^ATTR_FRAC_BITS) since a count is an int64; a value
 * credit's sum likewise, at the positions of its sign.
 */
#define ATTR_CONVERSIONS		0
#define ATTR_TOUCHPOINTS		1
#define ATTR_CREDIT				2	/* whole, then fraction at + 1 */
#define ATTR_VALUE_PLUS			4
#define ATTR_VALUE_MINUS		6
#define ATTR_POSITIONS			8
#define ATTR_FRAC_BITS			40
#define ATTR_FRAC_MASK			((INT64CONST(1) << ATTR_FRAC_BITS) - 1)
#define ATTR_MAX_UNITS			((((int128) PG_INT64_MAX) << ATTR_FRAC_BITS) | ATTR_FRAC_MASK)

/* A builder's sums, per label id, kept dense; the keys are made when encoded. */
typedef struct AttrState
{
	int32		max;			/* label ids the arrays have room for */
	int64	   *conversions;
	int64	   *touchpoints;
	int128	   *credit;
	int128	   *value;
	int64	   *last_seen;		/* the conversion that last credited the label */
	int64		serial;			/* conversions counted by this builder */
} AttrState;

/* attribution_counts's arguments, parsed once per call site */
typedef struct AttrArgs
{
	CountsParsed p;
	AttributionOptions o;
} AttrArgs;

/* One row: the arguments and the converted form's flag and value */
typedef struct AttrRow
{
	const AttrArgs *a;
	bool		converted;
	double		value;
} AttrRow;

/* What AttributionWalk hands each conversion to */
typedef struct AttrJourney
{
	CountsBuilder *b;
	AttrState  *st;
	int32	   *map;			/* journey label -> builder id, -1: not yet */
} AttrJourney;

static void
AttrOutOfRange(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("attribution credit sum out of range"),
			 errdetail("A label's summed credit and value credit are limited to plus or minus %g.",
					   (double) PG_INT64_MAX)));
}

static inline void
AddUnits(int128 *sum, int128 add)
{
	*sum += add;
	if (*sum > ATTR_MAX_UNITS || *sum < -ATTR_MAX_UNITS)
		AttrOutOfRange();
}

static inline void
AddCount(int64 *sum, int64 add)
{
	if (pg_add_s64_overflow(*sum, add, sum))
		AttrOutOfRange();
}

/* x in units of 2^-ATTR_FRAC_BITS, to the nearest */
static inline int128
Units(double x)
{
	return (int128) rint(ldexp(x, ATTR_FRAC_BITS));
}

/*
 * The signed units a credit or value key holds: a whole part at an even
 * position, a fraction at the odd one after it, negative at the value's
 * minus positions.
 */
static inline int128
KeyUnits(int32 position, int64 count)
{
	int128		units = position % 2 == 0 ?
		(int128) count << ATTR_FRAC_BITS : (int128) count;

	return position >= ATTR_VALUE_MINUS ? -units : units;
}

/* Room in the dense arrays for every label id the builder has. */
static AttrState *
AttrReserve(CountsBuilder *b)
{
	AttrState  *st = b->kind_state;
	int32		old = st->max;
	int32		max;

	if (b->labels.n <= old)
		return st;
	max = GrowCapacity(b->labels.n, JOURNEY_MAX_LABELS, "distinct labels in path counts",
					   "Map labels to fewer values with journey_map first.");
	st->conversions = ResizeArray(b->cxt, st->conversions, max, sizeof(int64));
	st->touchpoints = ResizeArray(b->cxt, st->touchpoints, max, sizeof(int64));
	st->credit = ResizeArray(b->cxt, st->credit, max, sizeof(int128));
	st->value = ResizeArray(b->cxt, st->value, max, sizeof(int128));
	st->last_seen = ResizeArray(b->cxt, st->last_seen, max, sizeof(int64));
	memset(st->conversions + old, 0, (max - old) * sizeof(int64));
	memset(st->touchpoints + old, 0, (max - old) * sizeof(int64));
	memset(st->credit + old, 0, (max - old) * sizeof(int128));
	memset(st->value + old, 0, (max - old) * sizeof(int128));
	memset(st->last_seen + old, 0, (max - old) * sizeof(int64));
	st->max = max;
	return st;
}

/* One conversion's credits, added to its labels' sums (an AttributionEmit). */
static void
AttrConversion(void *arg, const Journey *j, int32 conv_no, TimestampTz conv_ts,
			   double value, const int32 *idx, int32 n, const double *credit)
{
	AttrJourney *aj = arg;
	AttrState  *st = aj->st;
	int32		i;

	if (!(fabs(value) <= COUNTS_MAX_VALUE))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("conversion value out of range for attribution_counts"),
				 errdetail("Conversion values are limited to plus or minus 1e18.")));
	st->serial++;
	for (i = 0; i < n; i++)
	{
		int32		l = j->touches[idx[i]].label;
		int32		id;

		if (credit[i] == 0)
			continue;
		if (aj->map[l] < 0)
		{
			aj->map[l] = StringDictIntern(&aj->b->labels, j->labels[l], j->label_lens[l]);
			st = aj->st = AttrReserve(aj->b);
		}
		id = aj->map[l];
		if (st->last_seen[id] != st->serial)
		{
			st->last_seen[id] = st->serial;
			st->conversions[id]++;
		}
		st->touchpoints[id]++;
		AddUnits(&st->credit[id], Units(credit[i]));
		if (value != 0)
			AddUnits(&st->value[id], Units(credit[i] * value));
	}
	CountsBuilderAddTotal(aj->b, 1);
}

static bool
AttrCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				 const void *arg)
{
	const AttrRow *row = arg;
	AttrJourney aj;
	int32		i;

	aj.b = b;
	aj.st = b->kind_state;
	aj.map = palloc(Max(j->nlabels, 1) * sizeof(int32));
	for (i = 0; i < j->nlabels; i++)
		aj.map[i] = -1;
	AttributionWalk(j, &row->a->o, row->converted, row->value, AttrConversion, &aj);
	pfree(aj.map);
	/* the total counts conversions, added by AttrConversion */
	return false;
}

static void
AttrSetSpec(CountsBuilder *b)
{
	b->kind_state = MemoryContextAllocZero(b->cxt, sizeof(AttrState));
}

/* A key read from outside is added to the sums. */
static void
AttrAddKey(CountsBuilder *b, int32 position, const int32 *labels, int32 n,
		   int64 count)
{
	AttrState  *st;
	int32		id;

	if (n != 1 || labels[0] < 0 || position < 0 || position >= ATTR_POSITIONS)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("invalid path counts of kind attribution"),
				 errdetail("A key at position %d with %d labels: attribution keys are one label at a position from 0 to %d.",
						   position, n, ATTR_POSITIONS - 1)));
	st = AttrReserve(b);
	id = labels[0];
	switch (position)
	{
		case ATTR_CONVERSIONS:
			AddCount(&st->conversions[id], count);
			break;
		case ATTR_TOUCHPOINTS:
			AddCount(&st->touchpoints[id], count);
			break;
		case ATTR_CREDIT:
		case ATTR_CREDIT + 1:
			AddUnits(&st->credit[id], KeyUnits(position, count));
			break;
		default:
			AddUnits(&st->value[id], KeyUnits(position, count));
			break;
	}
}

/* A sum of units as its whole part at position and its fraction at position + 1. */
static void
AddUnitKeys(CountsBuilder *b, int32 position, int32 id, int128 units)
{
	CountsBuilderAdd(b, position, &id, 1, (int64) (units >> ATTR_FRAC_BITS));
	CountsBuilderAdd(b, position + 1, &id, 1, (int64) (units & ATTR_FRAC_MASK));
}

/* The dense sums become the keys afresh (keys of count 0 are not stored). */
static void
AttrBeforeEncode(CountsBuilder *b)
{
	AttrState  *st = b->kind_state;
	int32		id;

	CountsBuilderResetKeys(b);
	for (id = 0; id < st->max; id++)
	{
		CountsBuilderAdd(b, ATTR_CONVERSIONS, &id, 1, st->conversions[id]);
		CountsBuilderAdd(b, ATTR_TOUCHPOINTS, &id, 1, st->touchpoints[id]);
		AddUnitKeys(b, ATTR_CREDIT, id, st->credit[id]);
		if (st->value[id] >= 0)
			AddUnitKeys(b, ATTR_VALUE_PLUS, id, st->value[id]);
		else
			AddUnitKeys(b, ATTR_VALUE_MINUS, id, -st->value[id]);
		CHECK_FOR_INTERRUPTS();
	}
}

static void
AttrCheckSpec(const Counts *c)
{
	if (c->spec.param < MODEL_FIRST || c->spec.param > MODEL_TIME_DECAY ||
		c->spec.anchor == NULL || c->spec.collapse)
		CountsShapeError(c, -1, "the model is a known one and the arguments are stored");
}

static void
AttrSumsBegin(const Counts *c, CountsSums *s)
{
	s->state = palloc0((Size) Max(c->nlabels, 1) * ATTR_POSITIONS * sizeof(int64));
}

static void
AttrCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (markers || c->key_start[k + 1] - c->key_start[k] != 1 ||
		pos < 0 || pos >= ATTR_POSITIONS ||
		(pos >= ATTR_CREDIT && pos % 2 == 1 && c->counts[k] > ATTR_FRAC_MASK))
		CountsShapeError(c, k, "a statistic is one label at a known position, a fraction below 2^40");
}

static void
AttrSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int64	   *st = (int64 *) s->state + (Size) c->key_labels[c->key_start[k]] * ATTR_POSITIONS;

	st[c->positions[k]] = c->counts[k];
}

/*
 * Per label: credited touchpoints, at least one conversion and at most one
 * per touchpoint and at most the total; credit at most one per conversion
 * (to within the rounding of each touchpoint, and the 1e-9 by which
 * position weights may miss 1); value credit of one sign.
 */
static void
AttrSumsEnd(const Counts *c, CountsSums *s)
{
	int32		l;

	for (l = 0; l < c->nlabels; l++)
	{
		const int64 *st = (int64 *) s->state + (Size) l * ATTR_POSITIONS;
		int128		credit = ((int128) st[ATTR_CREDIT] << ATTR_FRAC_BITS) + st[ATTR_CREDIT + 1];
		int128		most = ((int128) st[ATTR_CONVERSIONS] << ATTR_FRAC_BITS) +
			((int128) st[ATTR_CONVERSIONS] << (ATTR_FRAC_BITS - 29)) + st[ATTR_TOUCHPOINTS];

		if (st[ATTR_TOUCHPOINTS] < 1 || st[ATTR_CONVERSIONS] < 1 ||
			st[ATTR_CONVERSIONS] > st[ATTR_TOUCHPOINTS] ||
			st[ATTR_CONVERSIONS] > c->total || credit > most ||
			((st[ATTR_VALUE_PLUS] || st[ATTR_VALUE_PLUS + 1]) &&
			 (st[ATTR_VALUE_MINUS] || st[ATTR_VALUE_MINUS + 1])))
			CountsShapeError(c, -1, psprintf("label %d: credited touchpoints, conversions from 1 to its touchpoints and at most the total, credit at most one per conversion, value credit of one sign", l + 1));
	}
	pfree(s->state);
}

const CountsKindRoutine AttributionKind = {
	.name = "attribution", .type_name = "attribution_counts", .no_path = true,
	.check_spec = AttrCheckSpec, .sums_begin = AttrSumsBegin,
	.check_key = AttrCheckKey, .sums_key = AttrSumsKey, .sums_end = AttrSumsEnd,
	.count_journey = AttrCountJourney, .set_spec = AttrSetSpec,
	.add_key = AttrAddKey, .before_encode = AttrBeforeEncode
};

COUNTS_SQL_TYPE(attribution_counts);

/* The labels of a text array, NULLs left out (as JourneyLabelFlags does), sorted and distinct. */
static void
AppendLabelSet(StringInfo buf, const char *name, ArrayType *array)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			m = 0;
	int			i;

	appendStringInfo(buf, ";%s=", name);
	if (array == NULL)
	{
		appendStringInfoChar(buf, '-');
		return;
	}
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
		if (!nulls[i])
			elems[m++] = elems[i];
	qsort(elems, m, sizeof(Datum), CompareTextDatums);
	for (i = 0; i < m; i++)
		if (i == 0 || CompareTextDatums(&elems[i - 1], &elems[i]) != 0)
			AppendCounted(buf, DatumGetTextPP(elems[i]));
}

/*
 * The arguments other than the model as the spec's anchor, so that only
 * summaries of the same arguments combine:
 * form=conversions|converted;conversions=len:label...|-;lookback=us;
 * since_previous=0|1;skip=len:label...|-;weights=%.17g,%.17g,%.17g;half_life=us
 */
static void
AttrSpec(AttrArgs *a)
{
	const AttributionOptions *o = &a->o;
	StringInfoData anchor;

	initStringInfo(&anchor);
	appendStringInfoString(&anchor, o->conversions ? "form=conversions" : "form=converted");
	AppendLabelSet(&anchor, "conversions", o->conversions);
	appendStringInfo(&anchor, ";lookback=" INT64_FORMAT ";since_previous=%d",
					 o->lookback, o->since_previous ? 1 : 0);
	AppendLabelSet(&anchor, "skip", o->skip);
	appendStringInfo(&anchor, ";weights=%.17g,%.17g,%.17g;half_life=" INT64_FORMAT,
					 o->weights[0], o->weights[1], o->weights[2], o->half_life);
	if (anchor.len > JOURNEY_MAX_LABEL_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("attribution arguments too long for attribution_counts"),
				 errdetail("They take %d bytes; at most %d are stored.",
						   anchor.len, JOURNEY_MAX_LABEL_BYTES),
				 errhint("Name fewer conversion or skipped labels.")));
	a->p.spec.kind = COUNTS_ATTRIBUTION;
	a->p.spec.param = (int32) o->model;
	a->p.spec.anchor = anchor.data;
	a->p.spec.anchor_len = anchor.len;
	a->p.arg = a;
}

/* journey_attribution's arguments with the defaults of its declaration */
static void
DefaultArgs(NullableDatum *args)
{
	Datum		direct = CStringGetTextDatum("direct");
	int			i;

	for (i = 0; i < ATTR_NARGS; i++)
	{
		args[i].value = (Datum) 0;
		args[i].isnull = true;
	}
	args[ATTR_ARG_SKIP].value = PointerGetDatum(construct_array(&direct, 1, TEXTOID, -1,
																 false, TYPALIGN_INT));
	args[ATTR_ARG_SKIP].isnull = false;
}

/* (model, conversions): the other arguments their defaults */
static void
AttrParseConversions(FunctionCallInfo fcinfo, void *parsed)
{
	AttrArgs   *a = parsed;
	NullableDatum args[ATTR_NARGS];

	DefaultArgs(args);
	args[ATTR_ARG_MODEL] = fcinfo->args[2];
	args[ATTR_ARG_CONVERSIONS] = fcinfo->args[3];
	AttributionParse(args, false, &a->o);
	AttributionCheckForm(a->o.conversions != NULL, false);
	AttrSpec(a);
}

/* (model): the converted form, the other arguments their defaults */
static void
AttrParseConverted(FunctionCallInfo fcinfo, void *parsed)
{
	AttrArgs   *a = parsed;
	NullableDatum args[ATTR_NARGS];

	DefaultArgs(args);
	args[ATTR_ARG_MODEL] = fcinfo->args[2];
	AttributionParse(args, false, &a->o);
	AttrSpec(a);
}

/* every argument, converted and conversion_value set aside (AttrFullArgs) */
static void
AttrParseFull(FunctionCallInfo fcinfo, void *parsed)
{
	AttrArgs   *a = parsed;

	AttributionParse(&fcinfo->args[2], false, &a->o);
	AttrSpec(a);
}

/* Counts the row's journey, with the row's converted flag and value. */
static Datum
AttrTransition(FunctionCallInfo fcinfo, const AttrArgs *a, int converted_arg)
{
	AttrRow		row = {a, false, 0};

	if (converted_arg > 0)
	{
		AttributionCheckForm(a->o.conversions != NULL, !PG_ARGISNULL(converted_arg));
		if (a->o.conversions == NULL)
		{
			row.converted = PG_GETARG_BOOL(converted_arg);
			row.value = PG_ARGISNULL(converted_arg + 1) ? 0 :
				PG_GETARG_FLOAT8(converted_arg + 1);
		}
	}
	return CountsTransition(fcinfo, &a->p.spec, &row);
}

/* attribution_counts(j, model, conversions) */
Datum
attribution_counts_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	return AttrTransition(fcinfo, ArgCacheLookup(fcinfo, 2, 2, sizeof(AttrArgs),
												 AttrParseConversions), 0);
}

/* attribution_counts(j, model, converted, conversion_value) */
Datum
attribution_counts_converted_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	return AttrTransition(fcinfo, ArgCacheLookup(fcinfo, 2, 1, sizeof(AttrArgs),
												 AttrParseConverted), 3);
}

/*
 * attribution_counts(j, model, conversions, converted, conversion_value,
 * lookback, since_previous, skip_labels, position_weights, half_life).
 * converted and conversion_value change from row to row: they are NULL to
 * the argument cache, which parses the others once.
 */
Datum
attribution_counts_full_transfn(PG_FUNCTION_ARGS)
{
	const int	converted = 2 + ATTR_ARG_CONVERTED;
	const int	value = 2 + ATTR_ARG_VALUE;
	NullableDatum kept[2];
	const AttrArgs *a;

	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	kept[0] = fcinfo->args[converted];
	kept[1] = fcinfo->args[value];
	fcinfo->args[converted].isnull = fcinfo->args[value].isnull = true;
	fcinfo->args[converted].value = fcinfo->args[value].value = (Datum) 0;
	a = ArgCacheLookup(fcinfo, 2, ATTR_NARGS, sizeof(AttrArgs), AttrParseFull);
	fcinfo->args[converted] = kept[0];
	fcinfo->args[value] = kept[1];
	return AttrTransition(fcinfo, a, converted);
}

/* A label's sums as read */
typedef struct LabelCredit
{
	int32		label;
	int64		conversions;
	int64		touchpoints;
	int128		credit;
	int128		value;
} LabelCredit;

/* credit descending, then label bytewise (the labels are stored so) */
static int
CompareCredits(const void *a, const void *b)
{
	const LabelCredit *x = a;
	const LabelCredit *y = b;

	if (x->credit != y->credit)
		return x->credit > y->credit ? -1 : 1;
	return (x->label > y->label) - (x->label < y->label);
}

/*
 * attribution_credits(counts): per label (label, conversions, touchpoints,
 * credit, value_credit, share), credit descending, then label bytewise.
 */
Datum
attribution_credits(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, INT8OID, INT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	LabelCredit *lc;
	int128		total = 0;
	int32		k;
	int32		l;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c,
							COUNTS_ATTRIBUTION, COUNTS_ATTRIBUTION);
	lc = palloc0(Max(c.nlabels, 1) * sizeof(LabelCredit));
	for (l = 0; l < c.nlabels; l++)
		lc[l].label = l;
	/* CountsDecode checked the keys: one label at a known position */
	for (k = 0; k < c.nkeys; k++)
	{
		LabelCredit *x = &lc[c.key_labels[c.key_start[k]]];
		int32		pos = c.positions[k];

		if (pos == ATTR_CONVERSIONS)
			x->conversions = c.counts[k];
		else if (pos == ATTR_TOUCHPOINTS)
			x->touchpoints = c.counts[k];
		else if (pos < ATTR_VALUE_PLUS)
			x->credit += KeyUnits(pos, c.counts[k]);
		else
			x->value += KeyUnits(pos, c.counts[k]);
	}
	for (l = 0; l < c.nlabels; l++)
		total += lc[l].credit;
	qsort(lc, c.nlabels, sizeof(LabelCredit), CompareCredits);
	for (l = 0; l < c.nlabels; l++)
	{
		const LabelCredit *x = &lc[l];
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		values[0] = PointerGetDatum(cstring_to_text_with_len(c.labels[x->label],
															 c.label_lens[x->label]));
		values[1] = Int64GetDatum(x->conversions);
		values[2] = Int64GetDatum(x->touchpoints);
		values[3] = Float8GetDatum(ldexp((double) x->credit, -ATTR_FRAC_BITS));
		values[4] = Float8GetDatum(ldexp((double) x->value, -ATTR_FRAC_BITS));
		nulls[5] = total == 0;
		values[5] = Float8GetDatum(total == 0 ? 0 : (double) x->credit / (double) total);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
