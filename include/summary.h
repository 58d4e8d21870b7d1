/*
 * summary.h
 *	  Aggregate states that are real types.  Every summary type (a journey,
 *	  an identity graph, ...) has a stored varlena form and an in-memory
 *	  builder; this wraps the builder in an expanded object so that an
 *	  aggregate grows one builder per group in place, while parallel query
 *	  and Citus move the state in its ordinary stored form.
 *
 * The executor adopts a read-write expanded datum returned by a transition
 * or combine function without copying it when the object's memory context
 * is a child of the aggregate context, which is where these live (see
 * summary.c for why many objects share one such context).
 */
#ifndef JOURNEY_SUMMARY_H
#define JOURNEY_SUMMARY_H

#include "fmgr.h"
#include "utils/expandeddatum.h"

typedef struct SummaryType
{
	const char *name;			/* SQL type name, for messages */
	Size		builder_size;
	void		(*init) (void *builder, MemoryContext cxt);
	/* adds everything in a stored value (read with the usual detoasting) */
	void		(*add_stored) (void *builder, struct varlena *stored);
	/* adds everything in another builder of the same type */
	void		(*add_builder) (void *builder, void *other);
	/* the stored form, palloc'd in the current context */
	struct varlena *(*encode) (void *builder);
	/*
	 * Optional: what every builder of this type under one aggregate context
	 * shares (see SummaryShared), shared_size bytes set up by init_shared.
	 */
	Size		shared_size;
	void		(*init_shared) (void *shared, MemoryContext cxt);
} SummaryType;

typedef struct ExpandedSummary
{
	ExpandedObjectHeader hdr;
	const SummaryType *type;
	struct varlena *encoded;	/* cached stored form, or NULL */
	void	   *builder;
} ExpandedSummary;

/*
 * What a function that skips this row returns: argument 0 as it was (the
 * state of a transition function; NULL before the first row it kept).
 */
#define RETURN_STATE_UNCHANGED() \
	do { \
		if (PG_ARGISNULL(0)) \
			PG_RETURN_NULL(); \
		PG_RETURN_DATUM(PG_GETARG_DATUM(0)); \
	} while (0)

extern void SummaryAddDatum(ExpandedSummary *es, Datum d);
extern void SummaryChanged(ExpandedSummary *es);
extern void *SummaryShared(const SummaryType *type, MemoryContext cxt);
extern void *SummaryPeekBuilder(const SummaryType *type, Datum d);
extern struct varlena *SummaryDatumGetStored(const SummaryType *type, Datum d);

extern MemoryContext SummaryAggContext(FunctionCallInfo fcinfo);
extern ExpandedSummary *SummaryArg(FunctionCallInfo fcinfo,
								   const SummaryType *type);
extern Datum SummaryReturn(ExpandedSummary *es);
extern Datum SummaryCombine(FunctionCallInfo fcinfo, const SummaryType *type);

#endif							/* JOURNEY_SUMMARY_H */
