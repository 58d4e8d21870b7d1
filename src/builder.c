/*
 * builder.c
 *	  Making journeys.  Every journey that reaches storage is encoded here,
 *	  whatever it came from (text, binary, arrays, aggregates, transforms),
 *	  so every one passes the same checks and gets the same canonical bytes.
 *
 * A builder collects touchpoints in any order and interns their labels in
 * a StringDict; encoding sorts both and writes the layout described in
 * journey.h.  JourneySummary at the end lets aggregates grow a builder in
 * place (summary.h).
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
				   "distinct labels in a journey",
				   "Group events into fewer labels, or build journeys per smaller key.");
}

/* The builder's index for a label, adding the label if it is new. */
int32
JourneyBuilderLabel(JourneyBuilder *b, const char *label, int32 len)
{
	JourneyCheckLabel(label, len);
	return StringDictIntern(&b->labels, label, len);
}

void
JourneyBuilderAdd(JourneyBuilder *b, TimestampTz ts, int32 label,
				  bool has_value, double value)
{
	JourneyTouch *t;

	JourneyCheckTimestamp(ts);
	if (has_value)
	{
		JourneyCheckValue(value);
		/* -0 and 0 compare equal, so they must encode equally */
		if (value == 0)
			value = 0;
	}
	else
		value = 0;
	if (b->ntouch >= b->maxtouch)
	{
		b->maxtouch = GrowCapacity(b->maxtouch, JOURNEY_MAX_TOUCHPOINTS,
								   "touchpoints in a journey",
								   "Split long histories, for example into sessions or periods.");
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

/* A builder seen as a decoded journey; its labels are not sorted. */
static void
BuilderAsJourney(JourneyBuilder *b, Journey *j)
{
	j->ntouch = b->ntouch;
	j->nlabels = b->labels.n;
	j->labels = (const char **) b->labels.strs;
	j->label_lens = b->labels.lens;
	j->touches = b->touches;
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

/* later - earlier, exact even where it would overflow int64 */
static inline uint64
TimeGap(TimestampTz earlier, TimestampTz later)
{
	return (uint64) later - (uint64) earlier;
}

static uint64
Gcd(uint64 a, uint64 b)
{
	while (b != 0)
	{
		uint64		r = a % b;

		a = b;
		b = r;
	}
	return a;
}

/*
 * Encodes touchpoints already in journey order into a new stored journey,
 * palloc'd in the current memory context.  order lists the label ids in
 * bytewise order of their strings (NULL: the ids are in that order
 * already); labels no touchpoint uses are dropped.
 */
static struct varlena *
EncodeOrdered(const JourneyTouch *touches, int32 ntouch,
			  char *const *strs, const int32 *lens, int32 nlabels,
			  const int32 *order)
{
	int32	   *final = palloc(Max(nlabels, 1) * sizeof(int32));
	int32		nused = 0;
	uint64		unit = 0;
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
		uint64		gap = TimeGap(touches[i - 1].ts, touches[i].ts);

		/* most gaps are multiples of the unit so far: one division */
		if (unit == 0 ? gap != 0 : gap % unit != 0)
			unit = Gcd(unit, gap);
	}
	if (unit == 0)
		unit = 1;

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
			size += VarintSize(TimeGap(t[-1].ts, t->ts) / unit);
		size += VarintSize((uint64) final[t->label] << 1) +
			(t->has_value ? 8 : 0);
	}
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("journey too large"),
				 errdetail("The encoded journey would take %zu bytes; the limit is %zu.",
						   size, (Size) MaxAllocSize)));

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
			p = VarintWrite(p, TimeGap(t[-1].ts, t->ts) / unit);
		p = VarintWrite(p, ((uint64) final[t->label] << 1) | t->has_value);
		if (t->has_value)
			p = Float8Write(p, t->value);
		if ((i & (INTERRUPT_INTERVAL - 1)) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	Assert((Size) ((char *) p - (char *) result) == size);

	pfree(final);
	return result;
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
	int32	   *rank = palloc(Max(nlabels, 1) * sizeof(int32));
	struct varlena *result;
	int32		i;

	for (i = 0; i < nlabels; i++)
		rank[order[i]] = i;
	qsort_arg(b->touches, b->ntouch, sizeof(JourneyTouch),
			  CompareRankedTouches, rank);
	CHECK_FOR_INTERRUPTS();
	result = EncodeOrdered(b->touches, b->ntouch, b->labels.strs,
						   b->labels.lens, nlabels, order);
	pfree(order);
	pfree(rank);
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
	result = EncodeOrdered(touches, ntouch, (char *const *) j->labels,
						   j->label_lens, j->nlabels, NULL);
	if (keep != NULL)
		pfree(touches);
	return result;
}

/* Journeys as aggregate states */

static void
SummaryInit(void *builder, MemoryContext cxt)
{
	JourneyBuilderInit(builder, cxt);
}

static void
SummaryAddStored(void *builder, struct varlena *stored)
{
	Journey		j;

	JourneyDecode(stored, &j);
	JourneyBuilderAddJourney(builder, &j, 0, j.ntouch, NULL);
}

static void
SummaryAddBuilder(void *builder, void *other)
{
	Journey		j;

	BuilderAsJourney(other, &j);
	JourneyBuilderAddJourney(builder, &j, 0, j.ntouch, NULL);
}

static struct varlena *
SummaryEncode(void *builder)
{
	return JourneyBuilderEncode(builder);
}

const SummaryType JourneySummary = {
	"journey",
	sizeof(JourneyBuilder),
	SummaryInit,
	SummaryAddStored,
	SummaryAddBuilder,
	SummaryEncode
};
