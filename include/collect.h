/*
 * collect.h
 *	  The aggregate state of journey_agg and journey_rollup: touchpoints
 *	  collected as compact records, their labels interned once for every
 *	  journey under the same aggregate context.
 */
#ifndef JOURNEY_COLLECT_H
#define JOURNEY_COLLECT_H

#include "journey.h"
#include "summary.h"

struct LabelPool;

typedef struct JourneyCollector
{
	struct LabelPool *pool;		/* shared by the arena's collectors */
	uint8	   *buf;			/* the records, in arrival order */
	uint32		len;
	uint32		cap;
	TimestampTz last_ts;		/* of the last record, 0 before the first */
	int32		ntouch;
	int32		nnew;			/* labels this journey added to the pool */
} JourneyCollector;

extern void JourneyCollectorAdd(JourneyCollector *c, TimestampTz ts,
								const char *label, int32 len,
								bool has_value, double value);

extern const SummaryType JourneySummary;

#endif							/* JOURNEY_COLLECT_H */
