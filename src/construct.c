/*
 * construct.c
 *	  Functions that make new journeys from arrays and from other journeys:
 *	  the array constructor, merge and append, slices and de-duplication.
 *
 * A touchpoint with a NULL timestamp or label is no touchpoint: it is
 * skipped here as it is by journey_agg.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"

#include "builder.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(journey_from_arrays);
PG_FUNCTION_INFO_V1(journey_merge);
PG_FUNCTION_INFO_V1(journey_append);
PG_FUNCTION_INFO_V1(journey_slice);
PG_FUNCTION_INFO_V1(journey_slice_range);
PG_FUNCTION_INFO_V1(journey_dedup);

static void
CheckOneDimension(ArrayType *a, const char *what)
{
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s array must have one dimension", what)));
}

/* journey(timestamps, labels [, values]) */
Datum
journey_from_arrays(PG_FUNCTION_ARGS)
{
	ArrayType  *ts_array = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *label_array = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *ts;
	bool	   *ts_nulls;
	Datum	   *labels;
	bool	   *label_nulls;
	Datum	   *values = NULL;
	bool	   *value_nulls = NULL;
	int			n;
	int			nlabels;
	int			nvalues;
	int			i;
	JourneyBuilder b;

	CheckOneDimension(ts_array, "timestamp");
	CheckOneDimension(label_array, "label");
	deconstruct_array(ts_array, TIMESTAMPTZOID, sizeof(TimestampTz),
					  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &ts, &ts_nulls, &n);
	deconstruct_array(label_array, TEXTOID, -1, false, TYPALIGN_INT,
					  &labels, &label_nulls, &nlabels);
	nvalues = n;
	if (PG_NARGS() > 2)
	{
		ArrayType  *value_array = PG_GETARG_ARRAYTYPE_P(2);

		CheckOneDimension(value_array, "value");
		deconstruct_array(value_array, FLOAT8OID, sizeof(float8),
						  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &values, &value_nulls, &nvalues);
	}
	if (nlabels != n || nvalues != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("journey arrays must have the same length"),
				 errdetail("There are %d timestamps, %d labels and %d values.",
						   n, nlabels, nvalues)));

	JourneyBuilderInit(&b, CurrentMemoryContext);
	for (i = 0; i < n; i++)
	{
		text	   *label;
		bool		has_value = values != NULL && !value_nulls[i];

		if (ts_nulls[i] || label_nulls[i])
			continue;
		label = DatumGetTextPP(labels[i]);
		JourneyBuilderAdd(&b, DatumGetTimestampTz(ts[i]),
						  JourneyBuilderLabel(&b, VARDATA_ANY(label),
											  VARSIZE_ANY_EXHDR(label)),
						  has_value,
						  has_value ? DatumGetFloat8(values[i]) : 0);
	}
	PG_RETURN_POINTER(JourneyBuilderEncode(&b));
}

/* j1 || j2: all touchpoints of both, in touchpoint order. */
Datum
journey_merge(PG_FUNCTION_ARGS)
{
	Journey		a;
	Journey		b;
	JourneyBuilder builder;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &a);
	JourneyDecode(PG_GETARG_JOURNEY_P(1), &b);
	JourneyBuilderInit(&builder, CurrentMemoryContext);
	JourneyBuilderAddJourney(&builder, &a, 0, a.ntouch, NULL);
	JourneyBuilderAddJourney(&builder, &b, 0, b.ntouch, NULL);
	PG_RETURN_POINTER(JourneyBuilderEncode(&builder));
}

/*
 * journey_append(j, ts, label [, value]): like array_append, a NULL journey
 * counts as empty; a NULL timestamp or label appends nothing.
 */
Datum
journey_append(PG_FUNCTION_ARGS)
{
	JourneyBuilder b;
	text	   *label;
	bool		has_value;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		RETURN_STATE_UNCHANGED();
	JourneyBuilderInit(&b, CurrentMemoryContext);
	if (!PG_ARGISNULL(0))
	{
		Journey		j;

		JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
		JourneyBuilderAddJourney(&b, &j, 0, j.ntouch, NULL);
	}
	label = PG_GETARG_TEXT_PP(2);
	has_value = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	JourneyBuilderAdd(&b, PG_GETARG_TIMESTAMPTZ(1),
					  JourneyBuilderLabel(&b, VARDATA_ANY(label),
										  VARSIZE_ANY_EXHDR(label)),
					  has_value, has_value ? PG_GETARG_FLOAT8(3) : 0);
	PG_RETURN_POINTER(JourneyBuilderEncode(&b));
}

/*
 * journey_slice(j, from, to): touchpoints at positions from..to (1-based,
 * inclusive), clamped to the journey like an array slice.
 */
Datum
journey_slice(PG_FUNCTION_ARGS)
{
	Journey		j;
	int64		from = PG_GETARG_INT32(1);
	int64		to = PG_GETARG_INT32(2);

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	from = Max(from, 1);
	to = Max(Min(to, j.ntouch), 0);
	if (from > to)
		from = to + 1;
	PG_RETURN_POINTER(JourneyFromDecoded(&j, (int32) from - 1, (int32) to,
									 NULL));
}

/* journey_slice(j, range): touchpoints whose timestamp lies in the range. */
Datum
journey_slice_range(PG_FUNCTION_ARGS)
{
	Journey		j;
	RangeType  *range = PG_GETARG_RANGE_P(1);
	TypeCacheEntry *typcache;
	RangeBound	lower;
	RangeBound	upper;
	bool		empty;
	int32		from = 0;
	int32		to;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	typcache = lookup_type_cache(RangeTypeGetOid(range), TYPECACHE_RANGE_INFO);
	range_deserialize(typcache, range, &lower, &upper, &empty);
	to = j.ntouch;
	if (empty)
		to = 0;
	/* touchpoints are sorted by time: the slice is contiguous */
	if (!lower.infinite)
		while (from < to &&
			   (j.touches[from].ts < DatumGetTimestampTz(lower.val) ||
				(!lower.inclusive &&
				 j.touches[from].ts == DatumGetTimestampTz(lower.val))))
			from++;
	if (!upper.infinite)
		while (to > from &&
			   (j.touches[to - 1].ts > DatumGetTimestampTz(upper.val) ||
				(!upper.inclusive &&
				 j.touches[to - 1].ts == DatumGetTimestampTz(upper.val))))
			to--;
	PG_RETURN_POINTER(JourneyFromDecoded(&j, from, Max(from, to), NULL));
}

/* journey_dedup(j): exact duplicate touchpoints kept once. */
Datum
journey_dedup(PG_FUNCTION_ARGS)
{
	Journey		j;
	bool	   *keep;
	int32		i;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	keep = palloc(Max(j.ntouch, 1) * sizeof(bool));
	for (i = 0; i < j.ntouch; i++)
		keep[i] = i == 0 || JourneyCompareTouches(&j, &j.touches[i - 1],
												  &j, &j.touches[i]) != 0;
	PG_RETURN_POINTER(JourneyFromDecoded(&j, 0, j.ntouch, keep));
}
