/*
 * builder.h
 *	  Making journeys: an unordered, growable collection of touchpoints with
 *	  a label dictionary, encoded into the stored form on demand; and its
 *	  expanded-object wrapper, which lets aggregates grow one journey in
 *	  place instead of re-encoding it for every row.
 */
#ifndef JOURNEY_BUILDER_H
#define JOURNEY_BUILDER_H

#include "journey.h"
#include "utils/expandeddatum.h"

typedef struct JourneyBuilder
{
	MemoryContext cxt;			/* everything below lives here */
	int32		ntouch;
	int32		maxtouch;
	JourneyTouch *touches;		/* in insertion order until encoded */
	int32		nlabels;
	int32		maxlabels;
	char	  **labels;			/* insertion order, copied */
	int32	   *label_lens;
	uint32	   *label_hashes;
	int32	   *slots;			/* open addressing: label index + 1, 0 free */
	int32		nslots;			/* a power of two */
} JourneyBuilder;

extern void JourneyBuilderInit(JourneyBuilder *b, MemoryContext cxt);
extern int32 JourneyBuilderLabel(JourneyBuilder *b, const char *label,
								 int32 len);
extern void JourneyBuilderAdd(JourneyBuilder *b, TimestampTz ts, int32 label,
							  bool has_value, double value);
extern void JourneyBuilderAddJourney(JourneyBuilder *b, const Journey *j,
									 int32 from, int32 to, const bool *keep);
extern struct varlena *JourneyBuilderEncode(JourneyBuilder *b);
extern struct varlena *JourneyFromDecoded(const Journey *j, int32 from,
										  int32 to, const bool *keep);

/* An expanded journey: a builder that aggregates grow in place. */
typedef struct ExpandedJourney
{
	ExpandedObjectHeader hdr;
	JourneyBuilder builder;
	struct varlena *encoded;	/* cached flat form, or NULL */
} ExpandedJourney;

extern ExpandedJourney *ExpandedJourneyCreate(MemoryContext parent);
extern ExpandedJourney *ExpandedJourneyGetRW(Datum d, MemoryContext parent);
extern void ExpandedJourneyAddDatum(ExpandedJourney *ej, Datum d);
extern void ExpandedJourneyChanged(ExpandedJourney *ej);
extern struct varlena *JourneyDatumGetEncoded(Datum d);

#endif							/* JOURNEY_BUILDER_H */
