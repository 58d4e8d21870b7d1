/*
 * builder.c
 *	  Making journeys.  Every journey that reaches storage is encoded here,
 *	  whatever it came from (text, binary, arrays, aggregates, transforms),
 *	  so every one passes the same checks and gets the same canonical bytes.
 *
 * A builder collects touchpoints in any order and interns their labels in
 * a StringDict; encoding sorts both and writes the layout described in
 * journey.h.  Aggregates collect their touchpoints more compactly
 * (collect.c) and encode them here too.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "builder.h"
#include "dict.h"
#include "varint.h"

#define INTERRUPT_INTERVAL 65536

void
JourneyBuilderInit(JourneyBuilder *b, MemoryContext cxt)
{
	memset(b, 0, sizeof(*b));
	b->cxt = cxt;
	StringDictInit(&b->labels, cxt, JOURNEY_MAX_LABELS,
				   JOURNEY_LABELS_WHAT, JOURNEY_LABELS_HINT);
}

/* The builder's index for a label, adding the label if it is new. */
int32
JourneyBuilderLabel(JourneyBuilder *b, const char *label, int32 len)
{
	JourneyCheckLabel(label, len);
	return StringDictIntern(&b->labels, label, len);
}

/*
 * Checks a touchpoint's timestamp and value; the value to store (0 if it
 * has none).
 */
double
JourneyCheckTouch(TimestampTz ts, bool has_value, double value)
{
	JourneyCheckTimestamp(ts);
	if (!has_value)
		return 0;
	JourneyCheckValue(value);
	/* -0 and 0 compare equal, so they must encode equally */
	return value == 0 ? 0 : value;
}

void
JourneyBuilderAdd(JourneyBuilder *b, TimestampTz ts, int32 label,
				  bool has_value, double value)
{
	JourneyTouch *t;

	value = JourneyCheckTouch(ts, has_value, value);
	if (b->ntouch >= b->maxtouch)
	{
		b->maxtouch = GrowCapacity(b->maxtouch, JOURNEY_MAX_TOUCHPOINTS,
								   JOURNEY_TOUCHPOINTS_WHAT,
								   JOURNEY_TOUCHPOINTS_HINT);
		b->touches = ResizeArray(b->cxt, b->touches, b->maxtouch,
								 sizeof(JourneyTouch));
	}
	t = &b->touches[b->ntouch++];
	t->ts = ts;
	t->label = label;
	t->has_value = has_value;
	t->value = value;
}

/*
 * Adds touchpoints [from, to) of a decoded journey, or of another builder;
 * if keep is given, only those whose keep[i] is set.
 */
void
JourneyBuilderAddJourney(JourneyBuilder *b, const Journey *j,
						 int32 from, int32 to, const bool *keep)
{
	int32	   *map = palloc(Max(j->nlabels, 1) * sizeof(int32));
	int32		i;

	for (i = 0; i < j->nlabels; i++)
		map[i] = -1;
	for (i = from; i < to; i++)
	{
		const JourneyTouch *t = &j->touches[i];

		if (keep != NULL && !keep[i])
			continue;
		if (map[t->label] < 0)
			map[t->label] = JourneyBuilderLabel(b, j->labels[t->label],
												j->label_lens[t->label]);
		JourneyBuilderAdd(b, t->ts, map[t->label], t->has_value, t->value);
		if ((i & (INTERRUPT_INTERVAL - 1)) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(map);
}

/* Touchpoint order, with labels compared through their bytewise rank. */
static int
CompareRankedTouches(const void *a, const void *b, void *arg)
{
	const JourneyTouch *x = a;
	const JourneyTouch *y = b;
	const int32 *rank = arg;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->label != y->label)
		return rank[x->label] < rank[y->label] ? -1 : 1;
	if (x->has_value != y->has_value)
		return x->has_value ? 1 : -1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return 0;
}

/* The greatest common divisor of two gaps (JourneyUnitAdd's slow way). */
uint64
JourneyGcd(uint64 a, uint64 b)
{
	while (b != 0)
	{
		uint64		r = a % b;

		a = b;
		b = r;
	}
	return a;
}

static void
CheckEncodedSize(Size size)
{
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("journey too large"),
				 errdetail("The encoded journey would take %zu bytes; the limit is %zu.",
						   size, (Size) MaxAllocSize)));
}

/*
 * Sorts touchpoints into journey order, in place.  order lists the label
 * ids in bytewise order of their strings.  Input that is in order already
 * (events read by customer and time, say) is only checked, not sorted.
 */
void
JourneySortTouches(JourneyTouch *touches, int32 ntouch, const int32 *order,
				   int32 nlabels)
{
	int32	   *rank = palloc(Max(nlabels, 1) * sizeof(int32));
	int32		i;

	for (i = 0; i < nlabels; i++)
		rank[order[i]] = i;
	for (i = 1; i < ntouch; i++)
		if (CompareRankedTouches(&touches[i - 1], &touches[i], rank) > 0)
			break;
	if (i < ntouch)
		qsort_arg(touches, ntouch, sizeof(JourneyTouch),
				  CompareRankedTouches, rank);
	pfree(rank);
	CHECK_FOR_INTERRUPTS();
}

/*
 * Encodes touchpoints already in journey order into a new stored journey,
 * palloc'd in the current memory context.  order lists the label ids in
 * bytewise order of their strings (NULL: the ids are in that order
 * already); labels no touchpoint uses are dropped.
 */
struct varlena *
JourneyEncodeOrdered(const JourneyTouch *touches, int32 ntouch,
					 char *const *strs, const int32 *lens, int32 nlabels,
					 const int32 *order)
{
	int32	   *final = palloc(Max(nlabels, 1) * sizeof(int32));
	uint64	   *gaps = palloc(Max(ntouch, 1) * sizeof(uint64));
	int32		nused = 0;
	JourneyUnit u = {0};
	uint64		unit;
	Size		size;
	struct varlena *result;
	uint8	   *p;
	int32		i;

	for (i = 0; i < nlabels; i++)
		final[i] = -1;
	for (i = 0; i < ntouch; i++)
		final[touches[i].label] = 0;
	for (i = 0; i < nlabels; i++)
	{
		int32		id = order ? order[i] : i;

		if (final[id] == 0)
			final[id] = nused++;
	}

	for (i = 1; i < ntouch; i++)
	{
		uint64		gap = JourneyTimeGap(touches[i - 1].ts, touches[i].ts);

		gaps[i] = gap;
		JourneyUnitAdd(&u, gap);
	}
	if (u.unit == 0)
		JourneyUnitSet(&u, 1);
	unit = u.unit;
	/* each gap divided once, for both the size and the writing below */
	if (unit > 1)
		for (i = 1; i < ntouch; i++)
			gaps[i] = JourneyUnitQuotient(&u, gaps[i]);

	size = VARHDRSZ + STORED_HEADER_BYTES + VarintSize(ntouch) +
		VarintSize(nused);
	if (ntouch > 0)
		size += VarintSize(ZigzagEncode(touches[0].ts)) + VarintSize(unit);
	for (i = 0; i < nlabels; i++)
		if (final[i] >= 0)
			size += VarintSize(lens[i]) + lens[i];
	for (i = 0; i < ntouch; i++)
	{
		const JourneyTouch *t = &touches[i];

		if (i > 0)
			size += VarintSize(gaps[i]);
		size += VarintSize((uint64) final[t->label] << 1) +
			(t->has_value ? 8 : 0);
	}
	CheckEncodedSize(size);

	result = palloc(size);
	SET_VARSIZE(result, size);
	p = (uint8 *) VARDATA(result);
	*p++ = JOURNEY_FORMAT_VERSION;
	*p++ = 0;
	p = VarintWrite(p, ntouch);
	p = VarintWrite(p, nused);
	if (ntouch > 0)
	{
		p = VarintWrite(p, ZigzagEncode(touches[0].ts));
		p = VarintWrite(p, unit);
	}
	for (i = 0; i < nlabels; i++)
	{
		int32		id = order ? order[i] : i;

		if (final[id] < 0)
			continue;
		p = VarintWrite(p, lens[id]);
		memcpy(p, strs[id], lens[id]);
		p += lens[id];
	}
	for (i = 0; i < ntouch; i++)
	{
		const JourneyTouch *t = &touches[i];

		if (i > 0)
			p = VarintWrite(p, gaps[i]);
		p = VarintWrite(p, ((uint64) final[t->label] << 1) | t->has_value);
		if (t->has_value)
			p = Float8Write(p, t->value);
		if ((i & (INTERRUPT_INTERVAL - 1)) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	Assert((Size) ((char *) p - (char *) result) == size);

	pfree(gaps);
	pfree(final);
	return result;
}

/*
 * Writing a journey in one pass, for a caller that knows its touchpoints
 * are in journey order, its labels (in bytewise order, each used), its
 * time unit and a bound on the bytes of its touchpoints.  The result is
 * the bytes JourneyEncodeOrdered would write.
 */
void
JourneyWriterBegin(JourneyWriter *w, int32 ntouch, char *const *strs,
				   const int32 *lens, int32 nlabels, TimestampTz first_ts,
				   const JourneyUnit *unit, Size touch_bytes)
{
	Size		size;
	uint8	   *p;
	int32		i;

	Assert(unit->unit > 0);
	size = VARHDRSZ + STORED_HEADER_BYTES + VarintSize(ntouch) +
		VarintSize(nlabels) + 2 * VARINT_MAX_BYTES + touch_bytes;
	for (i = 0; i < nlabels; i++)
		size += VarintSize(lens[i]) + lens[i];
	CheckEncodedSize(size);
	w->result = palloc(size);
	w->end = (uint8 *) w->result + size;
	p = (uint8 *) VARDATA(w->result);
	*p++ = JOURNEY_FORMAT_VERSION;
	*p++ = 0;
	p = VarintWrite(p, ntouch);
	p = VarintWrite(p, nlabels);
	if (ntouch > 0)
	{
		p = VarintWrite(p, ZigzagEncode(first_ts));
		p = VarintWrite(p, unit->unit);
	}
	for (i = 0; i < nlabels; i++)
	{
		p = VarintWrite(p, lens[i]);
		memcpy(p, strs[i], lens[i]);
		p += lens[i];
	}
	w->p = p;
	w->unit = *unit;
	w->prev = first_ts;
	w->first = true;
}

/* can't happen: the caller's bound was wrong */
void
JourneyWriterOverrun(void)
{
	elog(ERROR, "journey writer overran its bound");
}

struct varlena *
JourneyWriterEnd(JourneyWriter *w)
{
	SET_VARSIZE(w->result, (char *) w->p - (char *) w->result);
	return w->result;
}

/*
 * Encodes the builder's touchpoints into a new stored journey, palloc'd in
 * the current memory context.  Sorts the builder's touchpoints in place;
 * the builder stays usable.
 */
struct varlena *
JourneyBuilderEncode(JourneyBuilder *b)
{
	int32		nlabels = b->labels.n;
	int32	   *order = StringDictSortedIds(&b->labels);
	struct varlena *result;

	JourneySortTouches(b->touches, b->ntouch, order, nlabels);
	result = JourneyEncodeOrdered(b->touches, b->ntouch, b->labels.strs,
								  b->labels.lens, nlabels, order);
	pfree(order);
	return result;
}

/*
 * A new journey holding touchpoints [from, to) of a decoded one, only those
 * marked in keep if it is not NULL.  A decoded journey is in journey order
 * with its labels sorted, and so is any subsequence of it: it is encoded
 * as it stands, without the builder's sorting and label interning.
 */
struct varlena *
JourneyFromDecoded(const Journey *j, int32 from, int32 to, const bool *keep)
{
	JourneyTouch *touches = j->touches + from;
	int32		ntouch = to - from;
	struct varlena *result;

	Assert(0 <= from && from <= to && to <= j->ntouch);
	if (keep != NULL)
	{
		int32		i;

		touches = palloc(Max(ntouch, 1) * sizeof(JourneyTouch));
		ntouch = 0;
		for (i = from; i < to; i++)
			if (keep[i])
				touches[ntouch++] = j->touches[i];
	}
	result = JourneyEncodeOrdered(touches, ntouch, (char *const *) j->labels,
								  j->label_lens, j->nlabels, NULL);
	if (keep != NULL)
		pfree(touches);
	return result;
}
