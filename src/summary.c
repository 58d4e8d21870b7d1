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

/*
 * Builders live in one "arena" context per aggregate context, a child of
 * it, never in a context of their own: hash aggregation measures its
 * memory by walking every child context of the aggregate context for each
 * new group, so a context per group would make it quadratic.  The executor
 * still adopts the objects (their context's parent is the aggregate
 * context), and no code path deletes them one by one: transition and
 * combine functions always hand back the read-write object they were
 * given, and it is freed with the aggregate context.
 *
 * The arenas are found through a backend-local list, not fn_extra: Citus's
 * worker_partial_agg and coord_combine_agg call transition and combine
 * functions through an FmgrInfo set up anew for every row, whose fn_mcxt is
 * a per-row context.  Each list entry lives inside its own arena, and the
 * arena's reset callback unlinks it, so the list never points at memory
 * that is gone, whoever resets or deletes the context, and whenever.
 */
typedef struct SummaryArenaShared
{
	const SummaryType *type;
	struct SummaryArenaShared *next;
	void	   *shared;			/* type->shared_size bytes */
} SummaryArenaShared;

typedef struct SummaryArena
{
	MemoryContext parent;		/* the aggregate context */
	MemoryContext cxt;			/* the arena, which holds this entry */
	MemoryContextCallback forget;
	SummaryArenaShared *shared; /* per type, made when first asked for */
	struct SummaryArena *next;
} SummaryArena;

static SummaryArena *Arenas = NULL;

static void
ForgetArena(void *arg)
{
	SummaryArena **link;

	for (link = &Arenas; *link != NULL; link = &(*link)->next)
		if (*link == arg)
		{
			*link = ((SummaryArena *) arg)->next;
			return;
		}
}

static MemoryContext
ArenaFor(MemoryContext parent)
{
	SummaryArena **link;
	SummaryArena *arena;
	MemoryContext cxt;

	for (link = &Arenas; *link != NULL; link = &(*link)->next)
		if ((*link)->parent == parent)
		{
			/* the one asked for is usually the one asked for last */
			arena = *link;
			*link = arena->next;
			arena->next = Arenas;
			Arenas = arena;
			return arena->cxt;
		}
	cxt = AllocSetContextCreate(parent, "summary builders",
								ALLOCSET_DEFAULT_SIZES);
	arena = MemoryContextAlloc(cxt, sizeof(SummaryArena));
	arena->parent = parent;
	arena->cxt = cxt;
	arena->shared = NULL;
	arena->forget.func = ForgetArena;
	arena->forget.arg = arena;
	MemoryContextRegisterResetCallback(cxt, &arena->forget);
	arena->next = Arenas;
	Arenas = arena;
	return cxt;
}

/*
 * What the builders of this type in the arena cxt share (a label
 * dictionary, say), made on first use; it lives as long as the arena.
 */
void *
SummaryShared(const SummaryType *type, MemoryContext cxt)
{
	SummaryArena *arena;
	SummaryArenaShared *s;

	for (arena = Arenas; arena != NULL; arena = arena->next)
		if (arena->cxt == cxt)
			break;
	if (arena == NULL)
		elog(ERROR, "summary arena not found");
	for (s = arena->shared; s != NULL; s = s->next)
		if (s->type == type)
			return s->shared;
	s = MemoryContextAlloc(cxt, sizeof(SummaryArenaShared));
	s->type = type;
	s->shared = MemoryContextAllocZero(cxt, type->shared_size);
	type->init_shared(s->shared, cxt);
	s->next = arena->shared;
	arena->shared = s;
	return s->shared;
}

/* A new, empty summary for the aggregate context parent. */
static ExpandedSummary *
SummaryCreate(const SummaryType *type, MemoryContext parent)
{
	MemoryContext cxt = ArenaFor(parent);
	/* one chunk for both: a hash aggregate makes one per group */
	ExpandedSummary *es = MemoryContextAllocZero(cxt,
												 MAXALIGN(sizeof(ExpandedSummary)) +
												 type->builder_size);

	EOH_init_header(&es->hdr, &SummaryMethods, cxt);
	es->type = type;
	es->encoded = NULL;
	es->builder = (char *) es + MAXALIGN(sizeof(ExpandedSummary));
	type->init(es->builder, cxt);
	return es;
}

/*
 * The summary behind d if the caller may change it in place, else a new one
 * under the aggregate context parent holding a copy of d.  A read-write
 * object is the caller's state, handed over to be changed: it is changed
 * and handed back, never replaced, since a caller that sees a new state
 * deletes the old one, and with it the arena of every other group.
 */
static ExpandedSummary *
SummaryGetRW(const SummaryType *type, Datum d, MemoryContext parent)
{
	ExpandedSummary *es = DatumGetSummary(type, d);

	if (es != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
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

/* The builder behind d if it is an expanded summary of this type, else NULL. */
void *
SummaryPeekBuilder(const SummaryType *type, Datum d)
{
	ExpandedSummary *es = DatumGetSummary(type, d);

	return es != NULL ? es->builder : NULL;
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
 * The state in argument 0 of a transition or combine function, ready to be
 * changed in place (a new one if it is NULL).
 */
ExpandedSummary *
SummaryArg(FunctionCallInfo fcinfo, const SummaryType *type)
{
	MemoryContext aggcxt;

	/*
	 * Most rows find the read-write state an earlier row made.  Only an
	 * aggregate makes one (SummaryCreate is reached through the check
	 * below), so it needs no check again.
	 */
	if (!PG_ARGISNULL(0) &&
		VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))))
	{
		ExpandedSummary *es = DatumGetSummary(type, PG_GETARG_DATUM(0));

		if (es != NULL)
			return es;
	}
	aggcxt = SummaryAggContext(fcinfo);
	if (PG_ARGISNULL(0))
		return SummaryCreate(type, aggcxt);
	return SummaryGetRW(type, PG_GETARG_DATUM(0), aggcxt);
}

/* What a transition function returns after changing es. */
Datum
SummaryReturn(ExpandedSummary *es)
{
	SummaryChanged(es);
	return EOHPGetRWDatum(&es->hdr);
}

/*
 * Merges argument 1 into argument 0 (either may be NULL): the combine
 * function of every summary aggregate, and the transition function of the
 * rollups that merge stored summaries.
 */
Datum
SummaryCombine(FunctionCallInfo fcinfo, const SummaryType *type)
{
	ExpandedSummary *es;

	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	es = SummaryArg(fcinfo, type);
	SummaryAddDatum(es, PG_GETARG_DATUM(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&es->hdr));
}
