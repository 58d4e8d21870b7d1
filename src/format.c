/*
 * format.c
 *	  Reading the stored journey (layout in journey.h) and the checks that
 *	  every touchpoint passes before it is stored.
 *
 * Decoding trusts nothing about lengths or counts: a damaged or crafted
 * value gives a "corrupt" error instead of a read past its end.  Values
 * from outside (text, binary, arrays, aggregates) never reach storage
 * without passing through a JourneyBuilder, which applies the checks here.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "utils/array.h"
#include "utils/timestamp.h"

#include "dict.h"
#include "journey.h"
#include "varint.h"

static void
ReadHeader(struct varlena *stored, const uint8 **pp, const uint8 **endp,
		   int32 *ntouch, int32 *nlabels)
{
	const uint8 *p;
	const uint8 *end;
	uint64		n;
	uint64		nl;

	StoredOpen(stored, JOURNEY_FORMAT_VERSION, "journey", &p, &end);
	n = VarintRead(&p, end);
	nl = VarintRead(&p, end);
	if (n > JOURNEY_MAX_TOUCHPOINTS || nl > n || (n > 0 && nl == 0))
		ReportCorrupt("bad counts");
	*ntouch = (int32) n;
	*nlabels = (int32) nl;
	*pp = p;
	*endp = end;
}

/* Number of touchpoints, without decoding the rest. */
int32
JourneyTouchCount(struct varlena *stored)
{
	const uint8 *p;
	const uint8 *end;
	int32		ntouch;
	int32		nlabels;

	ReadHeader(stored, &p, &end, &ntouch, &nlabels);
	return ntouch;
}

void
JourneyDecode(struct varlena *stored, Journey *j)
{
	const uint8 *p;
	const uint8 *end;
	int64		ts = 0;
	uint64		unit = 1;
	int32		i;

	ReadHeader(stored, &p, &end, &j->ntouch, &j->nlabels);
	j->labels = palloc(Max(j->nlabels, 1) * sizeof(char *));
	j->label_lens = palloc(Max(j->nlabels, 1) * sizeof(int32));
	j->touches = palloc(Max(j->ntouch, 1) * sizeof(JourneyTouch));

	if (j->ntouch > 0)
	{
		ts = ZigzagDecode(VarintRead(&p, end));
		unit = VarintRead(&p, end);
		if (!IS_VALID_TIMESTAMP(ts))
			ReportCorrupt("timestamp out of range");
		if (unit == 0)
			ReportCorrupt("bad time unit");
	}

	for (i = 0; i < j->nlabels; i++)
	{
		uint64		len = VarintRead(&p, end);

		if (len > JOURNEY_MAX_LABEL_BYTES || len > (uint64) (end - p))
			ReportCorrupt("bad label length");
		j->labels[i] = (const char *) p;
		j->label_lens[i] = (int32) len;
		p += len;
	}

	for (i = 0; i < j->ntouch; i++)
	{
		JourneyTouch *t = &j->touches[i];
		uint64		code;

		if (i > 0)
		{
			uint64		step;

			/* gaps are unsigned: the full range does not fit in int64 */
			if (pg_mul_u64_overflow(VarintRead(&p, end), unit, &step) ||
				step > (uint64) (END_TIMESTAMP - 1) - (uint64) ts)
				ReportCorrupt("timestamp overflow");
			ts = (int64) ((uint64) ts + step);
		}
		code = VarintRead(&p, end);
		if ((code >> 1) >= (uint64) j->nlabels)
			ReportCorrupt("label index out of range");
		t->ts = ts;
		t->label = (int32) (code >> 1);
		t->has_value = (code & 1) != 0;
		t->value = t->has_value ? Float8Read(&p, end) : 0.0;
	}

	if (p != end)
		ReportCorrupt("trailing bytes");
}

/* Index of the label equal to s, or -1. */
int32
JourneyFindLabel(const Journey *j, const char *s, int32 len)
{
	return SortedFind(j->labels, j->label_lens, j->nlabels, s, len);
}

/* For each label of j, whether it is in the text array (NULLs ignored). */
bool *
JourneyLabelFlags(const Journey *j, ArrayType *array)
{
	bool	   *flags = palloc0(Max(j->nlabels, 1) * sizeof(bool));
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		text	   *t;
		int32		label;

		if (nulls[i])
			continue;
		t = DatumGetTextPP(elems[i]);
		label = JourneyFindLabel(j, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		if (label >= 0)
			flags[label] = true;
	}
	return flags;
}

/* The touchpoint order: timestamp, label, value with absent first. */
int
JourneyCompareTouches(const Journey *a, const JourneyTouch *ta,
					  const Journey *b, const JourneyTouch *tb)
{
	int			c;

	if (ta->ts != tb->ts)
		return ta->ts < tb->ts ? -1 : 1;
	if (a == b)
		c = (ta->label > tb->label) - (ta->label < tb->label);
	else
		c = CompareBytes(a->labels[ta->label], a->label_lens[ta->label],
						 b->labels[tb->label], b->label_lens[tb->label]);
	if (c != 0)
		return c;
	if (ta->has_value != tb->has_value)
		return ta->has_value ? 1 : -1;
	if (ta->has_value && ta->value != tb->value)
		return ta->value < tb->value ? -1 : 1;
	return 0;
}

void
JourneyCheckTimestamp(TimestampTz ts)
{
	if (TIMESTAMP_NOT_FINITE(ts) || !IS_VALID_TIMESTAMP(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("touchpoint timestamp out of range"),
				 errdetail("A touchpoint needs a finite timestamp within the range of timestamp with time zone."),
				 errhint("Filter out infinite timestamps before building journeys.")));
}

void
JourneyCheckValue(double value)
{
	if (!isfinite(value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("touchpoint value must be finite"),
				 errdetail("NaN and infinite values cannot be stored in a journey."),
				 errhint("Use NULL for a touchpoint without a value.")));
}

/*
 * Labels come from text values, server-encoded C strings or binary input
 * whose encoding has been verified, so none holds a zero byte; only the
 * length needs checking.
 */
void
JourneyCheckLabel(const char *label, int32 len)
{
	if (len > JOURNEY_MAX_LABEL_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("journey label too long"),
				 errdetail("A label has %d bytes; the limit is %d.",
						   len, JOURNEY_MAX_LABEL_BYTES),
				 errhint("Shorten or map long labels before building journeys.")));
}
