/*
 * builder.c
 *	  Making journeys.  Every journey that reaches storage is encoded here,
 *	  whatever it came from (text, binary, arrays, aggregates, transforms),
 *	  so every one passes the same checks and gets the same canonical bytes.
 *
 * A builder collects touchpoints in any order and interns their labels in
 * a small open-addressing hash table; encoding sorts both and writes the
 * layout described in journey.h.  The expanded-object wrapper at the end
 * lets an aggregate keep one builder per group and grow it in place: the
 * executor adopts a read-write expanded datum whose memory context is a
 * child of the aggregate context instead of copying it after every row.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "builder.h"
#include "varint.h"

#define INTERRUPT_INTERVAL 65536

void
JourneyBuilderInit(JourneyBuilder *b, MemoryContext cxt)
{
	memset(b, 0, sizeof(*b));
	b->cxt = cxt;
}

/*
 * The next capacity of a full array of count elements: doubled, capped at
 * limit, and an error once count has reached the limit.  The limits keep
 * every array below MaxAllocSize.
 */
static int32
GrowCapacity(int32 count, int32 limit, const char *what, const char *hint)
{
	if (count >= limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("journey has too many %s", what),
				 errdetail("The limit is %d %s per journey.", limit, what),
				 errhint("%s", hint)));
	return count > 0 ? Min((int64) count * 2, limit) : 8;
}

static void *
ResizeArray(MemoryContext cxt, void *array, int32 capacity, Size elem)
{
	if (array == NULL)
		return MemoryContextAlloc(cxt, capacity * elem);
	return repalloc(array, capacity * elem);
}

static void
RehashLabels(JourneyBuilder *b)
{
	int32		nslots = b->nslots > 0 ? b->nslots * 2 : 16;
	int32		mask = nslots - 1;
	int32		i;

	if (b->slots)
		pfree(b->slots);
	b->slots = MemoryContextAllocZero(b->cxt, nslots * sizeof(int32));
	b->nslots = nslots;
	for (i = 0; i < b->nlabels; i++)
	{
		int32		slot = b->label_hashes[i] & mask;

		while (b->slots[slot] != 0)
			slot = (slot + 1) & mask;
		b->slots[slot] = i + 1;
	}
}

/* The builder's index for a label, adding the label if it is new. */
int32
JourneyBuilderLabel(JourneyBuilder *b, const char *label, int32 len)
{
	uint32		hash;
	int32		mask;
	int32		slot;
	int32		id;

	JourneyCheckLabel(label, len);
	hash = hash_bytes((const unsigned char *) label, len);
	if ((int64) (b->nlabels + 1) * 2 > b->nslots)
		RehashLabels(b);
	mask = b->nslots - 1;
	for (slot = hash & mask; b->slots[slot] != 0; slot = (slot + 1) & mask)
	{
		id = b->slots[slot] - 1;
		if (b->label_hashes[id] == hash && b->label_lens[id] == len &&
			memcmp(b->labels[id], label, len) == 0)
			return id;
	}

	if (b->nlabels >= b->maxlabels)
	{
		b->maxlabels = GrowCapacity(b->maxlabels, JOURNEY_MAX_LABELS,
									"distinct labels",
									"Group events into fewer labels, or build journeys per smaller key.");
		b->labels = ResizeArray(b->cxt, b->labels, b->maxlabels,
								sizeof(char *));
		b->label_lens = ResizeArray(b->cxt, b->label_lens, b->maxlabels,
									sizeof(int32));
		b->label_hashes = ResizeArray(b->cxt, b->label_hashes, b->maxlabels,
									  sizeof(uint32));
	}
	id = b->nlabels++;
	b->labels[id] = MemoryContextAlloc(b->cxt, Max(len, 1));
	memcpy(b->labels[id], label, len);
	b->label_lens[id] = len;
	b->label_hashes[id] = hash;
	b->slots[slot] = id + 1;
	return id;
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
								   "touchpoints",
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
	j->nlabels = b->nlabels;
	j->labels = (const char **) b->labels;
	j->label_lens = b->label_lens;
	j->touches = b->touches;
}

static int
CompareLabelIds(const void *a, const void *b, void *arg)
{
	JourneyBuilder *builder = arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return JourneyCompareLabels(builder->labels[x], builder->label_lens[x],
								builder->labels[y], builder->label_lens[y]);
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
 * Encodes the builder's touchpoints into a new stored journey, palloc'd in
 * the current memory context.  Sorts the builder's touchpoints in place;
 * the builder stays usable.
 */
struct varlena *
JourneyBuilderEncode(JourneyBuilder *b)
{
	int32		nlabels = b->nlabels;
	int32	   *order = palloc(Max(nlabels, 1) * sizeof(int32));
	int32	   *rank = palloc(Max(nlabels, 1) * sizeof(int32));
	int32	   *final = palloc(Max(nlabels, 1) * sizeof(int32));
	int32		nused = 0;
	uint64		unit = 0;
	Size		size;
	struct varlena *result;
	uint8	   *p;
	int32		i;

	for (i = 0; i < nlabels; i++)
	{
		order[i] = i;
		final[i] = -1;
	}
	qsort_arg(order, nlabels, sizeof(int32), CompareLabelIds, b);
	for (i = 0; i < nlabels; i++)
		rank[order[i]] = i;
	qsort_arg(b->touches, b->ntouch, sizeof(JourneyTouch),
			  CompareRankedTouches, rank);
	CHECK_FOR_INTERRUPTS();

	/* Labels no touchpoint uses are dropped; the rest keep bytewise order. */
	for (i = 0; i < b->ntouch; i++)
		final[b->touches[i].label] = 0;
	for (i = 0; i < nlabels; i++)
		if (final[order[i]] == 0)
			final[order[i]] = nused++;

	for (i = 1; i < b->ntouch; i++)
		unit = Gcd(unit, TimeGap(b->touches[i - 1].ts, b->touches[i].ts));
	if (unit == 0)
		unit = 1;

	size = VARHDRSZ + JOURNEY_HEADER_BYTES + VarintSize(b->ntouch) +
		VarintSize(nused);
	if (b->ntouch > 0)
		size += VarintSize(ZigzagEncode(b->touches[0].ts)) + VarintSize(unit);
	for (i = 0; i < nlabels; i++)
		if (final[i] >= 0)
			size += VarintSize(b->label_lens[i]) + b->label_lens[i];
	for (i = 0; i < b->ntouch; i++)
	{
		const JourneyTouch *t = &b->touches[i];

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
	p = VarintWrite(p, b->ntouch);
	p = VarintWrite(p, nused);
	if (b->ntouch > 0)
	{
		p = VarintWrite(p, ZigzagEncode(b->touches[0].ts));
		p = VarintWrite(p, unit);
	}
	for (i = 0; i < nlabels; i++)
	{
		int32		id = order[i];

		if (final[id] < 0)
			continue;
		p = VarintWrite(p, b->label_lens[id]);
		memcpy(p, b->labels[id], b->label_lens[id]);
		p += b->label_lens[id];
	}
	for (i = 0; i < b->ntouch; i++)
	{
		const JourneyTouch *t = &b->touches[i];

		if (i > 0)
			p = VarintWrite(p, TimeGap(t[-1].ts, t->ts) / unit);
		p = VarintWrite(p, ((uint64) final[t->label] << 1) | t->has_value);
		if (t->has_value)
			p = Float8Write(p, t->value);
		if ((i & (INTERRUPT_INTERVAL - 1)) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	Assert((Size) ((char *) p - (char *) result) == size);

	pfree(order);
	pfree(rank);
	pfree(final);
	return result;
}

/* A new journey holding touchpoints [from, to) of a decoded one (see above). */
struct varlena *
JourneyFromDecoded(const Journey *j, int32 from, int32 to, const bool *keep)
{
	JourneyBuilder b;

	JourneyBuilderInit(&b, CurrentMemoryContext);
	JourneyBuilderAddJourney(&b, j, from, to, keep);
	return JourneyBuilderEncode(&b);
}

/* Expanded journeys */

static Size EJGetFlatSize(ExpandedObjectHeader *eohptr);
static void EJFlattenInto(ExpandedObjectHeader *eohptr,
						  void *result, Size allocated_size);

static const ExpandedObjectMethods EJMethods = {
	EJGetFlatSize,
	EJFlattenInto
};

static Size
EJGetFlatSize(ExpandedObjectHeader *eohptr)
{
	ExpandedJourney *ej = (ExpandedJourney *) eohptr;

	if (ej->encoded == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(ej->hdr.eoh_context);

		ej->encoded = JourneyBuilderEncode(&ej->builder);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(ej->encoded);
}

static void
EJFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ExpandedJourney *ej = (ExpandedJourney *) eohptr;

	Assert(ej->encoded != NULL && allocated_size == VARSIZE(ej->encoded));
	memcpy(result, ej->encoded, allocated_size);
}

static ExpandedJourney *
DatumGetExpandedJourney(Datum d)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	eoh = DatumGetEOHP(d);
	return eoh->eoh_methods == &EJMethods ? (ExpandedJourney *) eoh : NULL;
}

/* A new, empty expanded journey in its own child context of parent. */
ExpandedJourney *
ExpandedJourneyCreate(MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "expanded journey",
											  ALLOCSET_SMALL_SIZES);
	ExpandedJourney *ej = MemoryContextAlloc(cxt, sizeof(ExpandedJourney));

	EOH_init_header(&ej->hdr, &EJMethods, cxt);
	JourneyBuilderInit(&ej->builder, cxt);
	ej->encoded = NULL;
	return ej;
}

/*
 * The expanded journey behind d if the caller may change it in place (it
 * is read-write and lives under parent), else a new one holding a copy.
 */
ExpandedJourney *
ExpandedJourneyGetRW(Datum d, MemoryContext parent)
{
	ExpandedJourney *ej;

	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) &&
		(ej = DatumGetExpandedJourney(d)) != NULL &&
		MemoryContextGetParent(ej->hdr.eoh_context) == parent)
		return ej;
	ej = ExpandedJourneyCreate(parent);
	ExpandedJourneyAddDatum(ej, d);
	return ej;
}

/* Adds every touchpoint of the journey datum d, flat or expanded. */
void
ExpandedJourneyAddDatum(ExpandedJourney *ej, Datum d)
{
	ExpandedJourney *other = DatumGetExpandedJourney(d);
	Journey		j;

	/* a journey merged into itself is read from a flat copy */
	if (other != NULL && other != ej)
		BuilderAsJourney(&other->builder, &j);
	else
		JourneyDecode(DatumGetJourneyP(d), &j);
	JourneyBuilderAddJourney(&ej->builder, &j, 0, j.ntouch, NULL);
	ExpandedJourneyChanged(ej);
}

void
ExpandedJourneyChanged(ExpandedJourney *ej)
{
	if (ej->encoded != NULL)
	{
		pfree(ej->encoded);
		ej->encoded = NULL;
	}
}

/* The stored form of a journey datum, flat or expanded. */
struct varlena *
JourneyDatumGetEncoded(Datum d)
{
	ExpandedJourney *ej = DatumGetExpandedJourney(d);

	if (ej != NULL)
		return JourneyBuilderEncode(&ej->builder);
	return DatumGetJourneyP(d);
}
