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

#include "dict.h"
#include "journey.h"
#include "params.h"

PG_FUNCTION_INFO_V1(journey_attribution);

typedef enum Model
{
	MODEL_FIRST,
	MODEL_LAST,
	MODEL_LAST_NON_DIRECT,
	MODEL_LINEAR,
	MODEL_POSITION,
	MODEL_TIME_DECAY
} Model;

static const char *const ModelNames[] = {
	"first_touch", "last_touch", "last_non_direct", "linear",
	"position_based", "time_decay"
};

typedef struct Options
{
	Model		model;
	bool	   *conversion;		/* per journey label, or NULL: form B */
	bool	   *skip;			/* per journey label, for last_non_direct */
	int64		lookback;		/* 0: none */
	bool		since_previous;
	double		weights[3];		/* position_based: first, middle, last */
	int64		half_life;
	bool		per_label;
	bool		zero_credit;	/* emit rows of credit 0 too */
} Options;

/*
 * Credits of touchpoints idx[0..n) for one conversion, into credit[0..n);
 * they add up to 1.
 */
static void
Credit(const Journey *j, const Options *o, const int32 *idx, int32 n,
	   double *credit)
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
				if (!o->skip[j->touches[idx[i]].label])
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

static void
ParseOptions(FunctionCallInfo fcinfo, const Journey *j, Options *o)
{
	char	   *model;
	int			m;

	memset(o, 0, sizeof(*o));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("attribution model must not be NULL")));
	model = text_to_cstring(PG_GETARG_TEXT_PP(1));
	for (m = 0; m < (int) lengthof(ModelNames); m++)
		if (strcmp(model, ModelNames[m]) == 0)
			break;
	if (m == (int) lengthof(ModelNames))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown attribution model \"%s\"", model),
				 errhint("Use first_touch, last_touch, last_non_direct, linear, position_based or time_decay.")));
	o->model = (Model) m;
	if (PG_ARGISNULL(2) == PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("give either conversions or converted"),
				 errhint("conversions names the labels that are conversions; converted says whether the whole journey converted.")));
	if (!PG_ARGISNULL(2))
		o->conversion = JourneyLabelFlags(j, PG_GETARG_ARRAYTYPE_P(2));
	if (!PG_ARGISNULL(5))
		o->lookback = IntervalMicros(PG_GETARG_INTERVAL_P(5), "lookback",
										"Pass NULL to credit touchpoints of any age.");
	o->since_previous = PG_ARGISNULL(6) || PG_GETARG_BOOL(6);
	o->skip = PG_ARGISNULL(7) ? palloc0(Max(j->nlabels, 1) * sizeof(bool)) :
		JourneyLabelFlags(j, PG_GETARG_ARRAYTYPE_P(7));
	o->weights[0] = 0.4;
	o->weights[1] = 0.2;
	o->weights[2] = 0.4;
	if (!PG_ARGISNULL(8))
	{
		ArrayType  *w = PG_GETARG_ARRAYTYPE_P(8);
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
	o->half_life = PG_ARGISNULL(9) ? 7 * USECS_PER_DAY :
		IntervalMicros(PG_GETARG_INTERVAL_P(9), "half-life", NULL);
	o->per_label = !PG_ARGISNULL(10) && PG_GETARG_BOOL(10);
	/* declared without zero_credit (before 0.4.0): rows of credit 0 as then */
	o->zero_credit = PG_NARGS() <= 11 || (!PG_ARGISNULL(11) && PG_GETARG_BOOL(11));
}

/* Emits the rows of one conversion. */
static void
EmitConversion(ReturnSetInfo *rsinfo, const Journey *j, const Options *o,
			   int32 conv_no, TimestampTz conv_ts, double value,
			   const int32 *idx, int32 n, double *credit)
{
	int32		i;

	Credit(j, o, idx, n, credit);
	if (o->per_label)
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

			if (!seen[l] || (per[l] == 0 && !o->zero_credit))
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
		CHECK_FOR_INTERRUPTS();
		return;
	}
	for (i = 0; i < n; i++)
	{
		const JourneyTouch *t = &j->touches[idx[i]];
		Datum		values[7];
		bool		nulls[7] = {0};

		if (credit[i] == 0 && !o->zero_credit)
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
	CHECK_FOR_INTERRUPTS();
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
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Journey		j;
	Options		o;
	int32	   *idx;
	double	   *credit;
	int32		i;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	ParseOptions(fcinfo, &j, &o);
	idx = palloc(Max(j.ntouch, 1) * sizeof(int32));
	credit = palloc(Max(j.ntouch, 1) * sizeof(double));

	if (o.conversion == NULL)
	{
		/* form B: one conversion at the end, if the journey converted */
		if (!PG_GETARG_BOOL(3) || j.ntouch == 0)
			return (Datum) 0;
		for (i = 0; i < j.ntouch; i++)
			idx[i] = i;
		EmitConversion(rsinfo, &j, &o, 1, j.touches[j.ntouch - 1].ts,
					   PG_ARGISNULL(4) ? 0 : PG_GETARG_FLOAT8(4),
					   idx, j.ntouch, credit);
	}
	else
	{
		int32		conv_no = 0;
		int32		from = 0;	/* first touch after the previous conversion's instant */
		int32		last = -1;	/* last touch at the current conversion's instant */

		for (i = 0; i < j.ntouch; i++)
		{
			const JourneyTouch *c = &j.touches[i];
			int32		n = 0;
			int32		p;

			if (!o.conversion[c->label])
				continue;
			conv_no++;

			/*
			 * Touches sort by label within an instant; those at the
			 * conversion's instant count as before it whatever their label,
			 * and a later conversion at that instant takes the same ones.
			 */
			if (i > last)
			{
				if (o.since_previous && last >= 0)
					from = last + 1;
				last = i;
				while (last + 1 < j.ntouch && j.touches[last + 1].ts == c->ts)
					last++;
			}
			for (p = o.since_previous ? from : 0; p <= last; p++)
			{
				const JourneyTouch *t = &j.touches[p];

				if (o.conversion[t->label] ||
					(o.lookback > 0 &&
					 (uint64) c->ts - (uint64) t->ts > (uint64) o.lookback))
					continue;
				idx[n++] = p;
			}
			if (n > 0)
				EmitConversion(rsinfo, &j, &o, conv_no, c->ts,
							   c->has_value ? c->value : 0, idx, n, credit);
			CHECK_FOR_INTERRUPTS();
		}
	}
	return (Datum) 0;
}
