/*
 * builder.h
 *	  Making journeys: an unordered, growable collection of touchpoints with
 *	  a label dictionary, encoded into the stored form on demand.
 */
#ifndef JOURNEY_BUILDER_H
#define JOURNEY_BUILDER_H

#include "journey.h"
#include "dict.h"
#include "varint.h"

/* The limits' words, for every place that enforces them. */
#define JOURNEY_LABELS_WHAT		"distinct labels in a journey"
#define JOURNEY_LABELS_HINT		"Group events into fewer labels, or build journeys per smaller key."
#define JOURNEY_TOUCHPOINTS_WHAT	"touchpoints in a journey"
#define JOURNEY_TOUCHPOINTS_HINT	"Split long histories, for example into sessions or periods."

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
extern double JourneyCheckTouch(TimestampTz ts, bool has_value, double value);
extern void JourneyBuilderAdd(JourneyBuilder *b, TimestampTz ts, int32 label,
							  bool has_value, double value);
extern void JourneyBuilderAddJourney(JourneyBuilder *b, const Journey *j,
									 int32 from, int32 to, const bool *keep);
/* A journey written in one pass (builder.c). */
typedef struct JourneyWriter
{
	struct varlena *result;
	uint8	   *p;
	uint8	   *end;			/* of the bytes allocated */
	uint64		unit;
	TimestampTz prev;
	bool		first;
} JourneyWriter;

/* later - earlier, exact even where it would overflow int64 */
static inline uint64
JourneyTimeGap(TimestampTz earlier, TimestampTz later)
{
	return (uint64) later - (uint64) earlier;
}

/*
 * Gaps divided by the time unit: a 64-bit division takes several times as
 * long as a 32-bit one on common CPUs, and most gaps and units fit in 32
 * bits (71 minutes of microseconds).
 */
static inline uint64
JourneyQuotient(uint64 gap, uint64 unit)
{
	if (unit == 1)
		return gap;
	if ((gap | unit) <= PG_UINT32_MAX)
		return (uint32) gap / (uint32) unit;
	return gap / unit;
}

static inline uint64
JourneyRemainder(uint64 gap, uint64 unit)
{
	if ((gap | unit) <= PG_UINT32_MAX)
		return (uint32) gap % (uint32) unit;
	return gap % unit;
}

extern struct varlena *JourneyBuilderEncode(JourneyBuilder *b);
extern uint64 JourneyGcd(uint64 a, uint64 b);
extern void JourneyWriterBegin(JourneyWriter *w, int32 ntouch,
							   char *const *strs, const int32 *lens,
							   int32 nlabels, TimestampTz first_ts,
							   uint64 unit, Size touch_bytes);
extern void JourneyWriterOverrun(void) pg_attribute_noreturn();
extern struct varlena *JourneyWriterEnd(JourneyWriter *w);

/* The greatest common divisor of the gaps so far (0: none yet) and gap. */
static inline uint64
JourneyUnitStep(uint64 unit, uint64 gap)
{
	/* most gaps are multiples of the unit so far: one division */
	if (unit != 0 && JourneyRemainder(gap, unit) == 0)
		return unit;
	return JourneyGcd(unit, gap);
}

/* Writes the next touchpoint (inline: it runs once per touchpoint). */
static inline void
JourneyWriterTouch(JourneyWriter *w, TimestampTz ts, int32 label,
				   bool has_value, double value)
{
	uint8	   *p = w->p;

	if (!w->first)
		p = VarintWrite(p, JourneyQuotient(JourneyTimeGap(w->prev, ts), w->unit));
	p = VarintWrite(p, ((uint64) label << 1) | has_value);
	if (has_value)
		p = Float8Write(p, value);
	if (unlikely(p > w->end))
		JourneyWriterOverrun();
	w->p = p;
	w->prev = ts;
	w->first = false;
}
extern void JourneySortTouches(JourneyTouch *touches, int32 ntouch,
							   const int32 *order, int32 nlabels);
extern struct varlena *JourneyEncodeOrdered(const JourneyTouch *touches,
											int32 ntouch, char *const *strs,
											const int32 *lens, int32 nlabels,
											const int32 *order);
extern struct varlena *JourneyFromDecoded(const Journey *j, int32 from,
										  int32 to, const bool *keep);

#endif							/* JOURNEY_BUILDER_H */
