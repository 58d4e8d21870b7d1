/*
 * builder.h
 *	  Making journeys: an unordered, growable collection of touchpoints with
 *	  a label dictionary, encoded into the stored form on demand.  As an
 *	  aggregate state (JourneySummary) it grows in place instead of being
 *	  re-encoded for every row.
 */
#ifndef JOURNEY_BUILDER_H
#define JOURNEY_BUILDER_H

#include "journey.h"
#include "dict.h"
#include "summary.h"

typedef struct JourneyBuilder
{
	MemoryContext cxt;			/* everything below lives here */
	int32		ntouch;
	int32		maxtouch;
	JourneyTouch *touches;		/* in insertion order until encoded */
	StringDict	labels;
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

extern const SummaryType JourneySummary;

#endif							/* JOURNEY_BUILDER_H */
