/*
 * aggregate.c
 *	  Aggregates that build journeys: journey_agg over raw events and
 *	  journey_rollup over journeys.
 *
 * The transition state is the journey type itself, so a partial result
 * travels between parallel workers, and between Citus nodes as text, in the
 * ordinary journey form.  Within one aggregate the state is an expanded
 * journey owned by the aggregate context and grown in place; the final
 * function encodes it once.
 */
#include "postgres.h"

#include "fmgr.h"

#include "builder.h"

PG_FUNCTION_INFO_V1(journey_agg_transfn);
PG_FUNCTION_INFO_V1(journey_agg_combine);
PG_FUNCTION_INFO_V1(journey_agg_final);

static MemoryContext
AggregateContext(FunctionCallInfo fcinfo, const char *name)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s can only be called as an aggregate support function",
						name)));
	return aggcxt;
}

/*
 * journey_agg(ts, label [, value]): rows with a NULL timestamp or label are
 * skipped; a NULL value means the touchpoint has none.
 */
Datum
journey_agg_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggregateContext(fcinfo, "journey_agg_transfn");
	ExpandedJourney *ej;
	text	   *label;
	int32		id;
	bool		has_value;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	ej = PG_ARGISNULL(0) ? ExpandedJourneyCreate(aggcxt) :
		ExpandedJourneyGetRW(PG_GETARG_DATUM(0), aggcxt);
	label = PG_GETARG_TEXT_PP(2);
	id = JourneyBuilderLabel(&ej->builder, VARDATA_ANY(label),
							 VARSIZE_ANY_EXHDR(label));
	has_value = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	JourneyBuilderAdd(&ej->builder, PG_GETARG_TIMESTAMPTZ(1), id, has_value,
					  has_value ? PG_GETARG_FLOAT8(3) : 0);
	ExpandedJourneyChanged(ej);
	PG_RETURN_DATUM(EOHPGetRWDatum(&ej->hdr));
}

/*
 * Merges the second journey into the first: the combine function of both
 * aggregates and the transition function of journey_rollup.
 */
Datum
journey_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggregateContext(fcinfo, "journey_agg_combine");
	ExpandedJourney *ej;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	ej = PG_ARGISNULL(0) ? ExpandedJourneyCreate(aggcxt) :
		ExpandedJourneyGetRW(PG_GETARG_DATUM(0), aggcxt);
	ExpandedJourneyAddDatum(ej, PG_GETARG_DATUM(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&ej->hdr));
}

Datum
journey_agg_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(JourneyDatumGetEncoded(PG_GETARG_DATUM(0)));
}
