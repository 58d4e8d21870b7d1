/*
 * attribution.c
 *	  Heuristic attribution per journey (DESIGN.md S11-S14): each
 *	  conversion's credit shared among the touchpoints before it.
 *
 * Conversions are either the touchpoints labelled in `conversions` (each
 * credited to the other touchpoints before it, within `lookback`, and by
 * default only those after the previous conversion), or one conversion at
 * the end of the journey when `converted` is true (the ChannelAttribution
 * shape).  Credit is per touch (S11); with per_label the credits of one
 * label are added up.  Every conversion's credits add up to 1, and its
 * value is shared in the same proportions; rows of credit 0 are left out
 * unless zero_credit.
 *
 * Time decides what is before a conversion, never the label order of the
 * stored touchpoints: a touchpoint at the same instant as a conversion is
 * before it, and conversions at the same instant are credited alike, each
 * to the same touchpoints.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "attribution.h"
#include "dict.h"
#include "journey.h"
#include "params.h"

PG_FUNCTION_INFO_V1(journey_attribution);

const char *const AttributionModelNames[] = {
	"first_touch", "last_touch", "last_non_direct", "linear",
	"position_based", "time_decay"
};

/* What one journey's rows need beyond the options */
typedef struct Rows
{
	ReturnSetInfo *rsinfo;
	bool		per_label;
	bool		zero_credit;	/* emit rows of credit 0 too */
} Rows;

/*
 * Credits of touchpoints idx[0..n) for one conversion, into credit[0..n);
 * they add up to 1.
 */
static void
Credit(const Journey *j, const AttributionOptions *o, const bool *skip,
	   const int32 *idx, int32 n, double *credit)
{
	int32		i;
	int32		pick;
	double		sum = 0;

	for (i = 0; i < n; i++)
		credit[i] = 0;
	switch (o->model)
	{
		case MODEL_FIRST:
			credit[0] = 1;
			break;
		case MODEL_LAST:
			credit[n - 1] = 1;
			break;
		case MODEL_LAST_NON_DIRECT:
			pick = n - 1;
			for (i = n - 1; i >= 0; i--)
				if (!skip[j->touches[idx[i]].label])
				{
					pick = i;
					break;
				}
			credit[pick] = 1;
			break;
		case MODEL_LINEAR:
			for (i = 0; i < n; i++)
				credit[i] = 1.0 / n;
			break;
		case MODEL_POSITION:
			if (n == 1)
				credit[0] = 1;
			else if (n == 2)
				credit[0] = credit[1] = 0.5;
			else
			{
				credit[0] = o->weights[0];
				credit[n - 1] = o->weights[2];
				for (i = 1; i < n - 1; i++)
					credit[i] = o->weights[1] / (n - 2);
			}
			break;
		case MODEL_TIME_DECAY:
			{
				/*
				 * 2^(-(conv - t) / h) normalised is 2^(-(newest - t) / h)
				 * normalised: measured from the newest touch (weight 1),
				 * the weights never all underflow, however long before
				 * the conversion the touches lie.
				 */
				TimestampTz newest = j->touches[idx[0]].ts;

				for (i = 1; i < n; i++)
					newest = Max(newest, j->touches[idx[i]].ts);
				for (i = 0; i < n; i++)
				{
					double		dt = (double) ((uint64) newest - (uint64) j->touches[idx[i]].ts);

					credit[i] = exp2(-dt / (double) o->half_life);
					sum += credit[i];
				}
				for (i = 0; i < n; i++)
					credit[i] /= sum;
			}
			break;
	}
}

void
AttributionCheckForm(bool has_conversions, bool has_converted)
{
	if (has_conversions == has_converted)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("give either conversions or converted"),
				 errhint("conversions names the labels that are conversions; converted says whether the whole journey converted.")));
}

/*
 * With check_form, args[ATTR_ARG_CONVERTED] is checked here, in
 * journey_attribution's order of checks; else the caller checks it.
 */
void
AttributionParse(const NullableDatum *args, bool check_form, AttributionOptions *o)
{
	char	   *model;
	int			m;

	memset(o, 0, sizeof(*o));
	if (args[ATTR_ARG_MODEL].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("attribution model must not be NULL")));
	model = TextDatumGetCString(args[ATTR_ARG_MODEL].value);
	for (m = 0; m < (int) lengthof(AttributionModelNames); m++)
		if (strcmp(model, AttributionModelNames[m]) == 0)
			break;
	if (m == (int) lengthof(AttributionModelNames))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown attribution model \"%s\"", model),
				 errhint("Use first_touch, last_touch, last_non_direct, linear, position_based or time_decay.")));
	o->model = (AttributionModel) m;
	if (check_form)
		AttributionCheckForm(!args[ATTR_ARG_CONVERSIONS].isnull,
							 !args[ATTR_ARG_CONVERTED].isnull);
	if (!args[ATTR_ARG_CONVERSIONS].isnull)
		o->conversions = DatumGetArrayTypeP(args[ATTR_ARG_CONVERSIONS].value);
	if (!args[ATTR_ARG_LOOKBACK].isnull)
		o->lookback = IntervalMicros(DatumGetIntervalP(args[ATTR_ARG_LOOKBACK].value), "lookback",
									 "Pass NULL to credit touchpoints of any age.");
	o->since_previous = args[ATTR_ARG_SINCE_PREVIOUS].isnull ||
		DatumGetBool(args[ATTR_ARG_SINCE_PREVIOUS].value);
	if (!args[ATTR_ARG_SKIP].isnull)
		o->skip = DatumGetArrayTypeP(args[ATTR_ARG_SKIP].value);
	o->weights[0] = 0.4;
	o->weights[1] = 0.2;
	o->weights[2] = 0.4;
	if (!args[ATTR_ARG_WEIGHTS].isnull)
	{
		ArrayType  *w = DatumGetArrayTypeP(args[ATTR_ARG_WEIGHTS].value);
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;

		deconstruct_array(w, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
						  TYPALIGN_DOUBLE, &elems, &nulls, &n);
		if (n != 3 || nulls[0] || nulls[1] || nulls[2])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("position weights must be three numbers: first, middle, last")));
		for (i = 0; i < 3; i++)
			o->weights[i] = DatumGetFloat8(elems[i]);
		if (!(o->weights[0] >= 0 && o->weights[1] >= 0 && o->weights[2] >= 0) ||
			fabs(o->weights[0] + o->weights[1] + o->weights[2] - 1) > 1e-9)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("position weights must be non-negative and add up to 1")));
	}
	o->half_life = args[ATTR_ARG_HALF_LIFE].isnull ? 7 * USECS_PER_DAY :
		IntervalMicros(DatumGetIntervalP(args[ATTR_ARG_HALF_LIFE].value), "half-life", NULL);
}

/* Emits the rows of one conversion (an AttributionEmit). */
static void
EmitConversion(void *arg, const Journey *j, int32 conv_no, TimestampTz conv_ts,
			   double value, const int32 *idx, int32 n, const double *credit)
{
	const Rows *r = arg;
	ReturnSetInfo *rsinfo = r->rsinfo;
	int32		i;

	if (r->per_label)
	{
		/* add up per label, in label order */
		double	   *per = palloc0(Max(j->nlabels, 1) * sizeof(double));
		bool	   *seen = palloc0(Max(j->nlabels, 1) * sizeof(bool));
		int32		l;

		for (i = 0; i < n; i++)
		{
			per[j->touches[idx[i]].label] += credit[i];
			seen[j->touches[idx[i]].label] = true;
		}
		for (l = 0; l < j->nlabels; l++)
		{
			Datum		values[7];
			bool		nulls[7] = {false, false, true, true, false, false, false};

			if (!seen[l] || (per[l] == 0 && !r->zero_credit))
				continue;
			values[0] = Int32GetDatum(conv_no);
			values[1] = TimestampTzGetDatum(conv_ts);
			values[4] = PointerGetDatum(cstring_to_text_with_len(j->labels[l], j->label_lens[l]));
			values[5] = Float8GetDatum(per[l]);
			values[6] = Float8GetDatum(per[l] * value);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			pfree(DatumGetPointer(values[4]));
		}
		/* a journey may convert many times: nothing per conversion is kept */
		pfree(per);
		pfree(seen);
		return;
	}
	for (i = 0; i < n; i++)
	{
		const JourneyTouch *t = &j->touches[idx[i]];
		Datum		values[7];
		bool		nulls[7] = {0};

		if (credit[i] == 0 && !r->zero_credit)
			continue;
		values[0] = Int32GetDatum(conv_no);
		values[1] = TimestampTzGetDatum(conv_ts);
		values[2] = Int32GetDatum(idx[i] + 1);
		values[3] = TimestampTzGetDatum(t->ts);
		values[4] = PointerGetDatum(cstring_to_text_with_len(j->labels[t->label],
															 j->label_lens[t->label]));
		values[5] = Float8GetDatum(credit[i]);
		values[6] = Float8GetDatum(credit[i] * value);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[4]));
	}
}

void
AttributionWalk(const Journey *j, const AttributionOptions *o, bool converted,
				double value, AttributionEmit emit, void *arg)
{
	int32	   *idx;
	double	   *credit;
	bool	   *conversion;
	bool	   *skip;
	int32		i;

	if (o->conversions == NULL && (!converted || j->ntouch == 0))
		return;
	idx = palloc(Max(j->ntouch, 1) * sizeof(int32));
	credit = palloc(Max(j->ntouch, 1) * sizeof(double));
	skip = o->model != MODEL_LAST_NON_DIRECT ? NULL : o->skip == NULL ?
		palloc0(Max(j->nlabels, 1) * sizeof(bool)) : JourneyLabelFlags(j, o->skip);

	if (o->conversions == NULL)
	{
		/* form B: one conversion at the end, the journey converted */
		for (i = 0; i < j->ntouch; i++)
			idx[i] = i;
		Credit(j, o, skip, idx, j->ntouch, credit);
		emit(arg, j, 1, j->touches[j->ntouch - 1].ts, value, idx, j->ntouch, credit);
	}
	else
	{
		int32		conv_no = 0;
		int32		from = 0;	/* first touch after the previous conversion's instant */
		int32		last = -1;	/* last touch at the current conversion's instant */

		conversion = JourneyLabelFlags(j, o->conversions);
		for (i = 0; i < j->ntouch; i++)
		{
			const JourneyTouch *c = &j->touches[i];
			int32		n = 0;
			int32		p;

			if (!conversion[c->label])
				continue;
			conv_no++;

			/*
			 * Touches sort by label within an instant; those at the
			 * conversion's instant count as before it whatever their label,
			 * and a later conversion at that instant takes the same ones.
			 */
			if (i > last)
			{
				if (o->since_previous && last >= 0)
					from = last + 1;
				last = i;
				while (last + 1 < j->ntouch && j->touches[last + 1].ts == c->ts)
					last++;
			}
			for (p = o->since_previous ? from : 0; p <= last; p++)
			{
				const JourneyTouch *t = &j->touches[p];

				if (conversion[t->label] ||
					(o->lookback > 0 &&
					 (uint64) c->ts - (uint64) t->ts > (uint64) o->lookback))
					continue;
				idx[n++] = p;
			}
			if (n > 0)
			{
				Credit(j, o, skip, idx, n, credit);
				emit(arg, j, conv_no, c->ts, c->has_value ? c->value : 0,
					 idx, n, credit);
			}
			CHECK_FOR_INTERRUPTS();
		}
		pfree(conversion);
	}
	if (skip)
		pfree(skip);
	pfree(idx);
	pfree(credit);
}

/*
 * journey_attribution(j, model, conversions, converted, conversion_value,
 * lookback, since_previous, skip_labels, position_weights, half_life,
 * per_label, zero_credit): rows (conversion_no, conversion_ts, touch_no,
 * ts, label, credit, value_credit).
 */
Datum
journey_attribution(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {INT4OID, TIMESTAMPTZOID, INT4OID, TIMESTAMPTZOID, TEXTOID, FLOAT8OID, FLOAT8OID};
	Journey		j;
	AttributionOptions o;
	Rows		r;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	AttributionParse(&fcinfo->args[1], true, &o);
	r.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	r.per_label = !PG_ARGISNULL(10) && PG_GETARG_BOOL(10);
	/* declared without zero_credit (before 0.4.0): rows of credit 0 as then */
	r.zero_credit = PG_NARGS() <= 11 || (!PG_ARGISNULL(11) && PG_GETARG_BOOL(11));
	AttributionWalk(&j, &o, !PG_ARGISNULL(3) && PG_GETARG_BOOL(3),
					PG_ARGISNULL(4) ? 0 : PG_GETARG_FLOAT8(4), EmitConversion, &r);
	return (Datum) 0;
}
