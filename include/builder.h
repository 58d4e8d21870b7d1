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

/* later - earlier, exact even where it would overflow int64 */
static inline uint64
JourneyTimeGap(TimestampTz earlier, TimestampTz later)
{
	return (uint64) later - (uint64) earlier;
}

/*
 * The time unit of a journey, the greatest common divisor of its gaps, kept
 * with what makes dividing by it cheap: a 64-bit division takes tens of
 * cycles, and the encoders test and divide every gap.  For unit = 2^shift
 * x odd, a gap is a multiple of it when its low shift bits are zero and
 * (gap >> shift) times the inverse of odd modulo 2^64 is at most
 * UINT64_MAX / odd; that product is then the exact quotient.  unit 0
 * means no gap yet.
 */
typedef struct JourneyUnit
{
	uint64		unit;
	int			shift;
	uint64		inverse;
	uint64		limit;
} JourneyUnit;

static inline void
JourneyUnitSet(JourneyUnit *u, uint64 unit)
{
	uint64		odd;
	uint64		inverse;
	int			i;

	u->unit = unit;
	if (unit == 0)
		return;
	u->shift = pg_rightmost_one_pos64(unit);
	odd = unit >> u->shift;
	/* Newton's iteration: odd is its own inverse to 3 bits, each step doubles them */
	inverse = odd;
	for (i = 0; i < 5; i++)
		inverse *= 2 - odd * inverse;
	u->inverse = inverse;
	u->limit = PG_UINT64_MAX / odd;
}

static inline bool
JourneyUnitDivides(const JourneyUnit *u, uint64 gap)
{
	return (gap & ((UINT64CONST(1) << u->shift) - 1)) == 0 &&
		(gap >> u->shift) * u->inverse <= u->limit;
}

/* gap / unit, for a gap that is a multiple of the unit */
static inline uint64
JourneyUnitQuotient(const JourneyUnit *u, uint64 gap)
{
	return (gap >> u->shift) * u->inverse;
}

extern uint64 JourneyGcd(uint64 a, uint64 b);

/* Makes the unit divide gap too. */
static inline void
JourneyUnitAdd(JourneyUnit *u, uint64 gap)
{
	/* most gaps are multiples of the unit so far: one multiplication */
	if (u->unit != 0 && JourneyUnitDivides(u, gap))
		return;
	JourneyUnitSet(u, JourneyGcd(u->unit, gap));
}

/* A journey written in one pass (builder.c). */
typedef struct JourneyWriter
{
	struct varlena *result;
	uint8	   *p;
	uint8	   *end;			/* of the bytes allocated */
	JourneyUnit unit;			/* divides every gap */
	TimestampTz prev;
	bool		first;
} JourneyWriter;

extern struct varlena *JourneyBuilderEncode(JourneyBuilder *b);
extern void JourneyWriterBegin(JourneyWriter *w, int32 ntouch,
							   char *const *strs, const int32 *lens,
							   int32 nlabels, TimestampTz first_ts,
							   const JourneyUnit *unit, Size touch_bytes);
extern void JourneyWriterOverrun(void) pg_attribute_noreturn();
extern struct varlena *JourneyWriterEnd(JourneyWriter *w);

/* Writes the next touchpoint (inline: it runs once per touchpoint). */
static inline void
JourneyWriterTouch(JourneyWriter *w, TimestampTz ts, int32 label,
				   bool has_value, double value)
{
	uint8	   *p = w->p;

	if (!w->first)
		p = VarintWrite(p, JourneyUnitQuotient(&w->unit, JourneyTimeGap(w->prev, ts)));
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
