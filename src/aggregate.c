/*
 * aggregate.c
 *	  Aggregates that build journeys: journey_agg over raw events and
 *	  journey_rollup over journeys.
 *
 * The transition state is the journey type itself, so a partial result
 * travels between parallel workers, and between Citus nodes as text, in the
 * ordinary journey form.  Within one aggregate the state is an expanded
 * journey collector grown in place (summary.h, collect.h); the final
 * function encodes it once.
 */
#include "postgres.h"

#include "fmgr.h"

#include "collect.h"

PG_FUNCTION_INFO_V1(journey_agg_transfn);
PG_FUNCTION_INFO_V1(journey_agg_combine);
PG_FUNCTION_INFO_V1(journey_agg_final);

/*
 * journey_agg(ts, label [, value]): rows with a NULL timestamp or label are
 * skipped; a NULL value means the touchpoint has none.
 */
Datum
journey_agg_transfn(PG_FUNCTION_ARGS)
{
	ExpandedSummary *es;
	text	   *label;
	bool		has_value;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		RETURN_STATE_UNCHANGED();
	es = SummaryArg(fcinfo, &JourneySummary);
	label = PG_GETARG_TEXT_PP(2);
	has_value = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	JourneyCollectorAdd(es->builder, PG_GETARG_TIMESTAMPTZ(1),
						VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label),
						has_value, has_value ? PG_GETARG_FLOAT8(3) : 0);
	return SummaryReturn(es);
}

/*
 * combine function of both aggregates, transition function of journey_rollup.
 *
 * A group's first journey is kept as it is, stored: the executor copies it
 * into the aggregate context, and if no other journey joins it the final
 * function hands it back without decoding and encoding it again.  A stored
 * journey is canonical, so that is the journey a merge would make.  With
 * parallel workers, most groups come from one worker only.  Values behind
 * a TOAST pointer or expanded are merged as usual, so the state never
 * points outside the aggregate context.
 */
Datum
journey_agg_combine(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0) && !PG_ARGISNULL(1) &&
		!VARATT_IS_EXTERNAL(DatumGetPointer(PG_GETARG_DATUM(1))))
	{
		(void) SummaryAggContext(fcinfo);
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	}
	return SummaryCombine(fcinfo, &JourneySummary);
}

Datum
journey_agg_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(SummaryDatumGetStored(&JourneySummary,
											PG_GETARG_DATUM(0)));
}
