/*
 * access.c
 *	  Reading journeys: size, the touchpoint at a position, labels, rows,
 *	  the path as text, and label membership.  A position outside the
 *	  journey (every position of an empty one) reads as NULL.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "dict.h"
#include "journey.h"
#include "params.h"

PG_FUNCTION_INFO_V1(journey_length);
PG_FUNCTION_INFO_V1(journey_label_at);
PG_FUNCTION_INFO_V1(journey_time_at);
PG_FUNCTION_INFO_V1(journey_value_at);
PG_FUNCTION_INFO_V1(journey_duration);
PG_FUNCTION_INFO_V1(journey_duration_seconds);
PG_FUNCTION_INFO_V1(journey_labels);
PG_FUNCTION_INFO_V1(journey_unnest);
PG_FUNCTION_INFO_V1(journey_path);
PG_FUNCTION_INFO_V1(journey_has_label);

static text *
LabelText(const Journey *j, int32 label)
{
	return cstring_to_text_with_len(j->labels[label], j->label_lens[label]);
}

Datum
journey_length(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(JourneyTouchCount(PG_GETARG_JOURNEY_P(0)));
}

/*
 * Decodes argument 0 and returns its touchpoint at position n: 1-based,
 * negative counts from the end (-1 is the last); NULL when out of range.
 */
static const JourneyTouch *
TouchAt(FunctionCallInfo fcinfo, Journey *j, int32 n)
{
	JourneyDecode(PG_GETARG_JOURNEY_P(0), j);
	if (n < 0)
		n = j->ntouch + 1 + n;
	if (n < 1 || n > j->ntouch)
		return NULL;
	return &j->touches[n - 1];
}

Datum
journey_label_at(PG_FUNCTION_ARGS)
{
	Journey		j;
	const JourneyTouch *t = TouchAt(fcinfo, &j, PG_GETARG_INT32(1));

	if (t == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(LabelText(&j, t->label));
}

Datum
journey_time_at(PG_FUNCTION_ARGS)
{
	Journey		j;
	const JourneyTouch *t = TouchAt(fcinfo, &j, PG_GETARG_INT32(1));

	if (t == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(t->ts);
}

/* NULL also when the touchpoint has no value */
Datum
journey_value_at(PG_FUNCTION_ARGS)
{
	Journey		j;
	const JourneyTouch *t = TouchAt(fcinfo, &j, PG_GETARG_INT32(1));

	if (t == NULL || !t->has_value)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(t->value);
}

/* end - start, as timestamptz subtraction gives it */
Datum
journey_duration(PG_FUNCTION_ARGS)
{
	Journey		j;
	const JourneyTouch *first = TouchAt(fcinfo, &j, 1);

	if (first == NULL)
		PG_RETURN_NULL();
	return DirectFunctionCall2(timestamp_mi,
							   TimestampTzGetDatum(j.touches[j.ntouch - 1].ts),
							   TimestampTzGetDatum(first->ts));
}

/* journey_duration in float8 seconds, which BI tools read as a number. */
Datum
journey_duration_seconds(PG_FUNCTION_ARGS)
{
	Journey		j;
	const JourneyTouch *first = TouchAt(fcinfo, &j, 1);

	if (first == NULL)
		PG_RETURN_NULL();
	return SecondsBetween(first->ts, j.touches[j.ntouch - 1].ts);
}

/* The label of every touchpoint, in order. */
Datum
journey_labels(PG_FUNCTION_ARGS)
{
	Journey		j;
	Datum	   *distinct;
	Datum	   *elems;
	int32		i;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	distinct = palloc(Max(j.nlabels, 1) * sizeof(Datum));
	for (i = 0; i < j.nlabels; i++)
		distinct[i] = PointerGetDatum(LabelText(&j, i));
	elems = palloc(Max(j.ntouch, 1) * sizeof(Datum));
	for (i = 0; i < j.ntouch; i++)
		elems[i] = distinct[j.touches[i].label];
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, j.ntouch, TEXTOID, -1, false,
										  TYPALIGN_INT));
}

/* Rows (ordinality, ts, label, value), one per touchpoint. */
Datum
journey_unnest(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {INT4OID, TIMESTAMPTZOID, TEXTOID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Journey		j;
	text	  **labels;
	int32		i;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	labels = palloc(Max(j.nlabels, 1) * sizeof(text *));
	for (i = 0; i < j.nlabels; i++)
		labels[i] = LabelText(&j, i);
	for (i = 0; i < j.ntouch; i++)
	{
		const JourneyTouch *t = &j.touches[i];
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {false, false, false, !t->has_value};

		values[0] = Int32GetDatum(i + 1);
		values[1] = TimestampTzGetDatum(t->ts);
		values[2] = PointerGetDatum(labels[t->label]);
		values[3] = Float8GetDatum(t->value);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * journey_path(j, separator, collapse_repeats): the labels joined by the
 * separator; with collapse_repeats a label equal to the one before it is
 * left out (search > search > email reads search > email).
 */
Datum
journey_path(PG_FUNCTION_ARGS)
{
	Journey		j;
	text	   *separator = PG_GETARG_TEXT_PP(1);
	int32		seplen = VARSIZE_ANY_EXHDR(separator);
	bool		collapse = PG_GETARG_BOOL(2);
	uint64		size = 0;
	text	   *result = NULL;
	char	   *p = NULL;
	int			pass;
	int32		i;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);

	/*
	 * Pass 0 measures, pass 1 writes: a path that no text value can hold
	 * is refused before any of it is built, and the result is made in one
	 * allocation of its exact size.
	 */
	for (pass = 0; pass < 2; pass++)
	{
		if (pass == 1)
		{
			if (size > MaxAllocSize - VARHDRSZ)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("journey path too long"),
						 errdetail("The path would take " UINT64_FORMAT " bytes; a text value holds at most %d.",
								   size, (int) (MaxAllocSize - VARHDRSZ)),
						 errhint("Use a shorter separator, collapse repeats, or take a slice of the journey.")));
			result = palloc(VARHDRSZ + size);
			SET_VARSIZE(result, VARHDRSZ + size);
			p = VARDATA(result);
		}
		for (i = 0; i < j.ntouch; i++)
		{
			int32		label = j.touches[i].label;

			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			if (collapse && i > 0 && label == j.touches[i - 1].label)
				continue;
			if (pass == 0)
			{
				size += (i > 0 ? seplen : 0) + j.label_lens[label];
				continue;
			}
			if (i > 0)
			{
				memcpy(p, VARDATA_ANY(separator), seplen);
				p += seplen;
			}
			memcpy(p, j.labels[label], j.label_lens[label]);
			p += j.label_lens[label];
		}
	}
	PG_RETURN_TEXT_P(result);
}

/* j ? label: some touchpoint has this label. */
Datum
journey_has_label(PG_FUNCTION_ARGS)
{
	Journey		j;
	text	   *label = PG_GETARG_TEXT_PP(1);

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	PG_RETURN_BOOL(JourneyFindLabel(&j, VARDATA_ANY(label),
									VARSIZE_ANY_EXHDR(label)) >= 0);
}
