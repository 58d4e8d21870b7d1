/*
 * journey.h
 *	  The journey type: its on-disk layout, its limits and the decoded form
 *	  every reader works on.
 *
 * This header is the only code that knows the stored layout; everything
 * else reads a journey through JourneyDecode() and writes one through a
 * JourneyBuilder (builder.h).
 *
 * Stored layout (a varlena, alignment 'int4', storage 'extended'; PostgreSQL
 * stores short values with a 1-byte header and without padding):
 *
 *	 varlena header	 1 or 4 bytes, as PostgreSQL chooses
 *	 version		 1 byte, JOURNEY_FORMAT_VERSION
 *	 flags			 1 byte, 0 in version 1 (readers reject unknown bits)
 *	 ntouch			 varint, number of touchpoints
 *	 nlabels		 varint, number of distinct labels
 *	 first_ts		 zigzag varint, timestamp of touchpoint 1 (only if ntouch > 0)
 *	 ts_unit		 varint, greatest common divisor of the timestamp gaps in
 *					 microseconds (1 when there is no gap; only if ntouch > 0)
 *	 labels			 nlabels x (varint byte length, bytes), strictly ascending
 *					 bytewise, each used by at least one touchpoint
 *	 touchpoints	 ntouch x (varint gap to the previous touchpoint / ts_unit,
 *					 absent for the first; varint label << 1 | has_value;
 *					 8 bytes little-endian IEEE float8 if has_value)
 *
 * A varint is unsigned LEB128: 7 bits per byte, low group first, high bit
 * set on every byte but the last.  Every integer is written byte by byte,
 * so a value means the same on every architecture.  Touchpoints are sorted
 * by (timestamp, label bytewise, value with absent first), so the encoding of
 * a journey is canonical: equal journeys have equal bytes, which is what
 * equality and hashing rely on.
 */
#ifndef JOURNEY_H
#define JOURNEY_H

#include "fmgr.h"
#include "utils/array.h"
#include "utils/timestamp.h"

#define JOURNEY_FORMAT_VERSION		1

/* Limits, enforced with clear errors wherever a journey is made. */
#define JOURNEY_MAX_TOUCHPOINTS		10000000
#define JOURNEY_MAX_LABELS			1000000
#define JOURNEY_MAX_LABEL_BYTES		4096

/*
 * The memory budget (README, "Memory budget"): besides its decoded
 * arguments and its result, a call works in at most this much memory, or
 * stops with 54000 before taking more.
 */
#define JOURNEY_MAX_WORK_BYTES		((Size) 256 * 1024 * 1024)

typedef struct JourneyTouch
{
	TimestampTz ts;
	double		value;			/* meaningful only if has_value */
	int32		label;			/* index into the label dictionary */
	bool		has_value;
} JourneyTouch;

/*
 * A decoded journey.  Labels point into the stored value (they are not
 * NUL-terminated), so the stored value must outlive the decoded one.
 * Labels are sorted bytewise, so comparing label indexes of one journey
 * compares the labels.
 */
typedef struct Journey
{
	int32		ntouch;
	int32		nlabels;
	const char **labels;
	int32	   *label_lens;
	JourneyTouch *touches;
} Journey;

/* Detoasted without copying short values; read with VARDATA_ANY. */
#define DatumGetJourneyP(X)		PG_DETOAST_DATUM_PACKED(X)
#define PG_GETARG_JOURNEY_P(n)	DatumGetJourneyP(PG_GETARG_DATUM(n))

extern void JourneyDecode(struct varlena *stored, Journey *j);
extern int32 JourneyTouchCount(struct varlena *stored);
extern int32 JourneyFindLabel(const Journey *j, const char *s, int32 len);
extern bool *JourneyLabelFlags(const Journey *j, ArrayType *array);
extern int	JourneyCompareTouches(const Journey *a, const JourneyTouch *ta,
								  const Journey *b, const JourneyTouch *tb);
extern void JourneyCheckTimestamp(TimestampTz ts);
extern void JourneyCheckValue(double value);
extern void JourneyCheckLabel(const char *label, int32 len);
extern void JourneyInitRows(FunctionCallInfo fcinfo, const Oid *types, int ncolumns);

#endif							/* JOURNEY_H */
