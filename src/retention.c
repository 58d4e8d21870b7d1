/*
 * retention.c
 *	  Abandonment and retention: journeys that stalled after a step (for an
 *	  abandoned-cart campaign), and ClickHouse's retention aggregate.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "journey.h"
#include "params.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(journey_stalled_since);
PG_FUNCTION_INFO_V1(retention_transfn);
PG_FUNCTION_INFO_V1(retention_combine);
PG_FUNCTION_INFO_V1(retention_final);

/*
 * journey_stalled_since(j, reached, completed, after, as_of): the time of
 * the last touchpoint labelled reached at or before as_of, if no touchpoint
 * labelled completed follows it up to as_of and it is at least after old;
 * else NULL.
 */
Datum
journey_stalled_since(PG_FUNCTION_ARGS)
{
	Journey		j;
	text	   *reached = PG_GETARG_TEXT_PP(1);
	text	   *completed = PG_GETARG_TEXT_PP(2);
	int64		after = IntervalMicros(PG_GETARG_INTERVAL_P(3), "waiting time", NULL);
	TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(4);
	int32		r;
	int32		c;
	int32		last = -1;
	int32		i;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	r = JourneyFindLabel(&j, VARDATA_ANY(reached), VARSIZE_ANY_EXHDR(reached));
	c = JourneyFindLabel(&j, VARDATA_ANY(completed), VARSIZE_ANY_EXHDR(completed));
	for (i = 0; i < j.ntouch && j.touches[i].ts <= as_of; i++)
		if (j.touches[i].label == r)
			last = i;
	if (last < 0)
		PG_RETURN_NULL();
	for (i = 0; i < j.ntouch && j.touches[i].ts <= as_of; i++)
		if (j.touches[i].label == c && j.touches[i].ts >= j.touches[last].ts)
			PG_RETURN_NULL();
	if ((uint64) as_of - (uint64) j.touches[last].ts < (uint64) after)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(j.touches[last].ts);
}

/*
 * retention(VARIADIC conditions): the state is a boolean[] saying which
 * conditions some row met (NULL counts as false); every row must pass the
 * same number of conditions.
 */
static ArrayType *
FlagsOr(ArrayType *state, Datum *flags, bool *nulls, int n)
{
	bool	   *have;
	Datum	   *out = palloc(Max(n, 1) * sizeof(Datum));
	int			nhave = 0;
	int			i;

	if (state != NULL)
	{
		Datum	   *elems;
		bool	   *enulls;

		deconstruct_array(state, BOOLOID, 1, true, TYPALIGN_CHAR, &elems, &enulls, &nhave);
		if (nhave != n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention needs the same number of conditions on every row"),
					 errdetail("One row has %d, another %d.", nhave, n)));
		have = palloc(Max(n, 1) * sizeof(bool));
		for (i = 0; i < n; i++)
			have[i] = !enulls[i] && DatumGetBool(elems[i]);
	}
	else
		have = palloc0(Max(n, 1) * sizeof(bool));
	for (i = 0; i < n; i++)
		out[i] = BoolGetDatum(have[i] || (!nulls[i] && DatumGetBool(flags[i])));
	return construct_array(out, n, BOOLOID, 1, true, TYPALIGN_CHAR);
}

Datum
retention_transfn(PG_FUNCTION_ARGS)
{
	ArrayType  *conditions;
	Datum	   *flags;
	bool	   *nulls;
	int			n;

	(void) SummaryAggContext(fcinfo);
	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	conditions = PG_GETARG_ARRAYTYPE_P(1);
	deconstruct_array(conditions, BOOLOID, 1, true, TYPALIGN_CHAR, &flags, &nulls, &n);
	if (n < 1 || n > 32)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention takes between 1 and 32 conditions")));
	PG_RETURN_ARRAYTYPE_P(FlagsOr(PG_ARGISNULL(0) ? NULL : PG_GETARG_ARRAYTYPE_P(0),
								  flags, nulls, n));
}

Datum
retention_combine(PG_FUNCTION_ARGS)
{
	Datum	   *flags;
	bool	   *nulls;
	int			n;

	(void) SummaryAggContext(fcinfo);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(PG_ARGISNULL(0) ? 1 : 0));
	}
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), BOOLOID, 1, true, TYPALIGN_CHAR,
					  &flags, &nulls, &n);
	PG_RETURN_ARRAYTYPE_P(FlagsOr(PG_GETARG_ARRAYTYPE_P(0), flags, nulls, n));
}

/* r[1] = condition 1 met; r[i] = conditions 1 and i both met, as 0 or 1. */
Datum
retention_final(PG_FUNCTION_ARGS)
{
	Datum	   *flags;
	bool	   *nulls;
	Datum	   *out;
	int			n;
	int			i;

	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), BOOLOID, 1, true, TYPALIGN_CHAR,
					  &flags, &nulls, &n);
	out = palloc(Max(n, 1) * sizeof(Datum));
	for (i = 0; i < n; i++)
		out[i] = Int32GetDatum(DatumGetBool(flags[0]) && DatumGetBool(flags[i]) ? 1 : 0);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, n, INT4OID, 4, true, TYPALIGN_INT));
}
