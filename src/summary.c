/*
 * summary.c
 *	  Expanded objects for aggregate states that are real types, and the
 *	  combine and final steps every such aggregate shares (see summary.h).
 */
#include "postgres.h"

#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "summary.h"

static Size SummaryGetFlatSize(ExpandedObjectHeader *eohptr);
static void SummaryFlattenInto(ExpandedObjectHeader *eohptr,
							   void *result, Size allocated_size);

static const ExpandedObjectMethods SummaryMethods = {
	SummaryGetFlatSize,
	SummaryFlattenInto
};

static Size
SummaryGetFlatSize(ExpandedObjectHeader *eohptr)
{
	ExpandedSummary *es = (ExpandedSummary *) eohptr;

	if (es->encoded == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(es->hdr.eoh_context);

		es->encoded = es->type->encode(es->builder);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(es->encoded);
}

static void
SummaryFlattenInto(ExpandedObjectHeader *eohptr, void *result,
				   Size allocated_size)
{
	ExpandedSummary *es = (ExpandedSummary *) eohptr;

	Assert(es->encoded != NULL && allocated_size == VARSIZE(es->encoded));
	memcpy(result, es->encoded, allocated_size);
}

/* The expanded summary of this type behind d, or NULL. */
static ExpandedSummary *
DatumGetSummary(const SummaryType *type, Datum d)
{
	ExpandedSummary *es;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	es = (ExpandedSummary *) DatumGetEOHP(d);
	if (es->hdr.eoh_methods != &SummaryMethods || es->type != type)
		return NULL;
	return es;
}

/* A new, empty summary in its own child context of parent. */
ExpandedSummary *
SummaryCreate(const SummaryType *type, MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "summary builder",
											  ALLOCSET_SMALL_SIZES);
	ExpandedSummary *es = MemoryContextAlloc(cxt, sizeof(ExpandedSummary));

	MemoryContextSetIdentifier(cxt, type->name);
	EOH_init_header(&es->hdr, &SummaryMethods, cxt);
	es->type = type;
	es->encoded = NULL;
	es->builder = MemoryContextAllocZero(cxt, type->builder_size);
	type->init(es->builder, cxt);
	return es;
}

/*
 * The summary behind d if the caller may change it in place (read-write
 * and living under parent), else a new one holding a copy of d.
 */
ExpandedSummary *
SummaryGetRW(const SummaryType *type, Datum d, MemoryContext parent)
{
	ExpandedSummary *es = DatumGetSummary(type, d);

	if (es != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) &&
		MemoryContextGetParent(es->hdr.eoh_context) == parent)
		return es;
	es = SummaryCreate(type, parent);
	SummaryAddDatum(es, d);
	return es;
}

/* Adds everything in d, a stored or expanded value of the same type. */
void
SummaryAddDatum(ExpandedSummary *es, Datum d)
{
	ExpandedSummary *other = DatumGetSummary(es->type, d);

	/* a summary merged into itself is read from a stored copy */
	if (other != NULL && other != es)
		es->type->add_builder(es->builder, other->builder);
	else
		es->type->add_stored(es->builder, PG_DETOAST_DATUM_PACKED(d));
	SummaryChanged(es);
}

void
SummaryChanged(ExpandedSummary *es)
{
	if (es->encoded != NULL)
	{
		pfree(es->encoded);
		es->encoded = NULL;
	}
}

/* The stored form of d, stored or expanded, in the current context. */
struct varlena *
SummaryDatumGetStored(const SummaryType *type, Datum d)
{
	ExpandedSummary *es = DatumGetSummary(type, d);

	if (es != NULL)
		return type->encode(es->builder);
	return PG_DETOAST_DATUM_PACKED(d);
}

MemoryContext
SummaryAggContext(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s can only be called as an aggregate support function",
						get_func_name(fcinfo->flinfo->fn_oid))));
	return aggcxt;
}

/*
 * Merges argument 1 into argument 0 (either may be NULL): the combine
 * function of every summary aggregate, and the transition function of the
 * rollups that merge stored summaries.
 */
Datum
SummaryCombine(FunctionCallInfo fcinfo, const SummaryType *type)
{
	MemoryContext aggcxt = SummaryAggContext(fcinfo);
	ExpandedSummary *es;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	es = PG_ARGISNULL(0) ? SummaryCreate(type, aggcxt) :
		SummaryGetRW(type, PG_GETARG_DATUM(0), aggcxt);
	SummaryAddDatum(es, PG_GETARG_DATUM(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&es->hdr));
}
