/*
 * params.c
 *	  Checks of parameters that several functions share.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "utils/array.h"
#include "utils/timestamp.h"

#include "dict.h"
#include "params.h"

/*
 * A positive interval without months (their length varies) in
 * microseconds; what names it in messages, hint (or NULL) helps.
 */
int64
IntervalMicros(Interval *iv, const char *what, const char *hint)
{
	int64		us;

	if (iv->month != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not contain months or years", what),
				 errhint("Months differ in length; write days instead, such as 30 days.")));
	if (pg_mul_s64_overflow(iv->day, USECS_PER_DAY, &us) ||
		pg_add_s64_overflow(us, iv->time, &us))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s out of range", what)));
	if (us <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be positive", what),
				 hint ? errhint("%s", hint) : 0));
	return us;
}


/*
 * A duration of us microseconds into two columns: col as an interval (days
 * of 24 hours), col + 1 as float8 seconds for clients that cannot read an
 * interval (BI tools), exact below 2^53 microseconds (285 years), so equal
 * to extract(epoch from) the interval there; both NULL if us < 0.
 */
void
DurationColumns(Datum *values, bool *nulls, int col, int64 us)
{
	Interval   *iv;

	nulls[col] = nulls[col + 1] = us < 0;
	if (us < 0)
		return;
	iv = palloc0(sizeof(Interval));
	iv->day = us / USECS_PER_DAY;
	iv->time = us % USECS_PER_DAY;
	values[col] = PointerGetDatum(iv);
	values[col + 1] = Float8GetDatum((double) us / USECS_PER_SEC);
}

/*
 * to - from in float8 seconds: exact where the difference in microseconds
 * fits in int64 (and is below 2^53), and close where it does not (the
 * full timestamptz range), where an interval would have overflowed.
 */
Datum
SecondsBetween(TimestampTz from, TimestampTz to)
{
	int64		us;

	if (!pg_sub_s64_overflow(to, from, &us))
		return Float8GetDatum((double) us / USECS_PER_SEC);
	return Float8GetDatum(((double) to - (double) from) / USECS_PER_SEC);
}

/*
 * An interval that must be whole seconds that fit in int32 (a parameter
 * stored as seconds); else an error with this message.
 */
int32
IntervalWholeSeconds(Interval *iv, const char *what, const char *error)
{
	int64		us = IntervalMicros(iv, what, NULL);

	if (us % USECS_PER_SEC != 0 || us / USECS_PER_SEC > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", error)));
	return (int32) (us / USECS_PER_SEC);
}

/* The elements of a one-dimensional text array that must hold no NULL. */
Datum *
TextElements(ArrayType *array, const char *what, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			i;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", what)));
	return elems;
}

/* qsort order of text Datums: bytewise */
int
CompareTextDatums(const void *a, const void *b)
{
	text	   *x = DatumGetTextPP(*(const Datum *) a);
	text	   *y = DatumGetTextPP(*(const Datum *) b);

	return CompareBytes(VARDATA_ANY(x), VARSIZE_ANY_EXHDR(x),
						VARDATA_ANY(y), VARSIZE_ANY_EXHDR(y));
}
