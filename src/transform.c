/*
 * transform.c
 *	  Path transforms (DESIGN.md S10): functions that turn a journey into
 *	  the path an analysis should see.  Each one only chooses touchpoints to
 *	  keep (JourneyFromDecoded with a keep mask), except journey_map, which
 *	  renames labels.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "builder.h"
#include "dict.h"

PG_FUNCTION_INFO_V1(journey_collapse);
PG_FUNCTION_INFO_V1(journey_first_occurrences);
PG_FUNCTION_INFO_V1(journey_drop);
PG_FUNCTION_INFO_V1(journey_head);
PG_FUNCTION_INFO_V1(journey_tail);
PG_FUNCTION_INFO_V1(journey_until);
PG_FUNCTION_INFO_V1(journey_map);

/* Decodes argument 0 and returns a keep mask, all false. */
static bool *
DecodeWithMask(FunctionCallInfo fcinfo, Journey *j)
{
	JourneyDecode(PG_GETARG_JOURNEY_P(0), j);
	return palloc0(Max(j->ntouch, 1) * sizeof(bool));
}

/* Index of the first touchpoint labelled label, or -1. */
static int32
FirstWithLabel(const Journey *j, text *label)
{
	int32		l = JourneyFindLabel(j, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	int32		i;

	for (i = 0; l >= 0 && i < j->ntouch; i++)
		if (j->touches[i].label == l)
			return i;
	return -1;
}

/* A touchpoint with the same label as the one before it is dropped. */
Datum
journey_collapse(PG_FUNCTION_ARGS)
{
	Journey		j;
	bool	   *keep = DecodeWithMask(fcinfo, &j);
	int32		i;

	for (i = 0; i < j.ntouch; i++)
		keep[i] = i == 0 || j.touches[i].label != j.touches[i - 1].label;
	PG_RETURN_POINTER(JourneyFromDecoded(&j, 0, j.ntouch, keep));
}

/* Only the first touchpoint of each label is kept. */
Datum
journey_first_occurrences(PG_FUNCTION_ARGS)
{
	Journey		j;
	bool	   *keep = DecodeWithMask(fcinfo, &j);
	bool	   *seen = palloc0(Max(j.nlabels, 1) * sizeof(bool));
	int32		i;

	for (i = 0; i < j.ntouch; i++)
	{
		keep[i] = !seen[j.touches[i].label];
		seen[j.touches[i].label] = true;
	}
	PG_RETURN_POINTER(JourneyFromDecoded(&j, 0, j.ntouch, keep));
}

/* Touchpoints whose label is in the array are dropped. */
Datum
journey_drop(PG_FUNCTION_ARGS)
{
	Journey		j;
	bool	   *keep = DecodeWithMask(fcinfo, &j);
	bool	   *drop = JourneyLabelFlags(&j, PG_GETARG_ARRAYTYPE_P(1));
	int32		i;

	for (i = 0; i < j.ntouch; i++)
		keep[i] = !drop[j.touches[i].label];
	PG_RETURN_POINTER(JourneyFromDecoded(&j, 0, j.ntouch, keep));
}

/* The first n touchpoints (all if fewer; none if n <= 0). */
Datum
journey_head(PG_FUNCTION_ARGS)
{
	Journey		j;
	int32		n = PG_GETARG_INT32(1);

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	n = Max(0, Min(n, j.ntouch));
	PG_RETURN_POINTER(JourneyFromDecoded(&j, 0, n, NULL));
}

/* The last n touchpoints (all if fewer; none if n <= 0). */
Datum
journey_tail(PG_FUNCTION_ARGS)
{
	Journey		j;
	int32		n = PG_GETARG_INT32(1);

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	n = Max(0, Min(n, j.ntouch));
	PG_RETURN_POINTER(JourneyFromDecoded(&j, j.ntouch - n, j.ntouch, NULL));
}

/*
 * journey_until(j, label, inclusive): the touchpoints before the first one
 * labelled label, and that one too if inclusive; the whole journey if no
 * touchpoint has the label (a path that has not converted yet).
 */
Datum
journey_until(PG_FUNCTION_ARGS)
{
	Journey		j;
	int32		at;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	at = FirstWithLabel(&j, PG_GETARG_TEXT_PP(1));
	if (at < 0)
		at = j.ntouch;
	else if (PG_GETARG_BOOL(2))
		at++;
	PG_RETURN_POINTER(JourneyFromDecoded(&j, 0, at, NULL));
}

/*
 * journey_map(j, from, to): labels found in from are renamed to the label
 * at the same position in to; a NULL there drops the touchpoint.  Other
 * labels stay.  Timestamps and values are kept.
 */
Datum
journey_map(PG_FUNCTION_ARGS)
{
	ArrayType  *from_array = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *to_array = PG_GETARG_ARRAYTYPE_P(2);
	Datum	   *from;
	bool	   *from_nulls;
	Datum	   *to;
	bool	   *to_nulls;
	int			nfrom;
	int			nto;
	int32	   *target;			/* per label of j: new builder id, -1 drop */
	Journey		j;
	JourneyBuilder b;
	int			i;
	int32		k;

	deconstruct_array(from_array, TEXTOID, -1, false, TYPALIGN_INT,
					  &from, &from_nulls, &nfrom);
	deconstruct_array(to_array, TEXTOID, -1, false, TYPALIGN_INT,
					  &to, &to_nulls, &nto);
	if (ARR_NDIM(from_array) > 1 || ARR_NDIM(to_array) > 1 || nfrom != nto)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("label maps must be one-dimensional arrays of the same length"),
				 errdetail("There are %d labels to map and %d replacements.",
						   nfrom, nto)));
	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	JourneyBuilderInit(&b, CurrentMemoryContext);
	target = palloc(Max(j.nlabels, 1) * sizeof(int32));
	for (k = 0; k < j.nlabels; k++)
		target[k] = -2;			/* not mapped yet */

	/* each map entry looked up among the sorted labels: no labels x entries */
	for (i = 0; i < nfrom; i++)
	{
		text	   *f;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (from_nulls[i])
			continue;
		f = DatumGetTextPP(from[i]);
		k = JourneyFindLabel(&j, VARDATA_ANY(f), VARSIZE_ANY_EXHDR(f));
		if (k < 0)
			continue;
		if (target[k] != -2)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label \"%.*s\" is mapped more than once",
							j.label_lens[k], j.labels[k])));
		if (to_nulls[i])
			target[k] = -1;
		else
		{
			text	   *t = DatumGetTextPP(to[i]);

			target[k] = JourneyBuilderLabel(&b, VARDATA_ANY(t),
											VARSIZE_ANY_EXHDR(t));
		}
	}
	for (k = 0; k < j.nlabels; k++)
		if (target[k] == -2)
			target[k] = JourneyBuilderLabel(&b, j.labels[k], j.label_lens[k]);
	for (k = 0; k < j.ntouch; k++)
	{
		const JourneyTouch *t = &j.touches[k];

		if (target[t->label] >= 0)
			JourneyBuilderAdd(&b, t->ts, target[t->label], t->has_value,
							  t->value);
	}
	PG_RETURN_POINTER(JourneyBuilderEncode(&b));
}
