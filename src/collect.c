/*
 * collect.c
 *	  The state journey_agg grows for each group (collect.h): what it costs
 *	  per event and per group decides how fast journeys are built.
 *
 * A hash aggregate holds every group's state at once, so the state is
 * made small: each touchpoint is a record of a few bytes (the time since
 * the record before as a zigzag varint, the label's id and value flag as a
 * varint, the value's 8 bytes if any), against 24 bytes for a JourneyTouch,
 * and labels are not copied per journey but interned once in a pool that
 * every collector under the same aggregate context shares (SummaryShared).
 * Only the final encode decodes the records, numbers the journey's own
 * labels in bytewise order and sorts (when the input was not in order
 * already), then writes the stored form through builder.c like every
 * other journey.
 *
 * The pool outlives no aggregate context, and is bounded twice: each
 * journey may bring at most JOURNEY_MAX_LABELS labels new to the pool (so
 * the per-journey limit fails as early as it did with a dictionary per
 * journey; the encode checks it exactly), and the pool holds at most
 * POOL_MAX_LABELS, which keeps its arrays below MaxAllocSize.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "builder.h"
#include "collect.h"
#include "dict.h"
#include "varint.h"

/* A record: zigzag varint gap, varint label << 1 | has_value, float8. */
#define RECORD_MAX_BYTES	(VARINT_MAX_BYTES + 5 + 8)
#define FIRST_BUFFER_BYTES	32
/* the most the pool's hash slots (2 per label) can index in MaxAllocSize */
#define POOL_MAX_LABELS		((1 << 26) - 1)
#define INTERRUPT_INTERVAL	65536
/* slots of the pool's cache of recently met labels, a power of two */
#define LABEL_CACHE_SLOTS	64

typedef struct LabelPool
{
	StringDict	dict;			/* every label of the arena's journeys */
	/* per pool id, for encoding: the stamp of the encode that met it last */
	int32	   *seen;
	int32	   *local;			/* and its index in that journey */
	int32		nseen;			/* capacity of seen and local */
	int32		stamp;
	/* pool id + 1 of a label met lately, or 0, by LabelCacheSlot */
	int32		cache[LABEL_CACHE_SLOTS];
} LabelPool;

static void
PoolInit(void *shared, MemoryContext cxt)
{
	LabelPool  *pool = shared;

	StringDictInit(&pool->dict, cxt, POOL_MAX_LABELS,
				   "distinct labels in one aggregate",
				   "Group events into fewer labels, or build the journeys in several queries.");
}

static void
CollectorInit(void *builder, MemoryContext cxt)
{
	JourneyCollector *c = builder;

	c->pool = SummaryShared(&JourneySummary, cxt);
}

/*
 * Where the cache keeps a label: a hash of its length and three of its
 * bytes, far cheaper than hashing it whole, and enough to tell apart the
 * few labels (event names, channels) that most data has.
 */
static inline uint32
LabelCacheSlot(const char *label, int32 len)
{
	uint32		h = (uint32) len;

	if (len > 0)
		h ^= ((uint32) (uint8) label[0] << 8) ^
			((uint32) (uint8) label[len / 2] << 16) ^
			((uint32) (uint8) label[len - 1] << 24);
	return (h * 0x9E3779B1) >> (32 - 6);
}

/* The pool id of a label, counting the labels new to the pool. */
static int32
CollectorLabel(JourneyCollector *c, const char *label, int32 len)
{
	LabelPool  *pool = c->pool;
	StringDict *d = &pool->dict;
	int32	   *slot = &pool->cache[LabelCacheSlot(label, len)];
	int32		n = d->n;
	int32		id = *slot - 1;

	/* most events bear one of a few labels: found without hashing */
	if (id >= 0 && d->lens[id] == len && memcmp(d->strs[id], label, len) == 0)
		return id;
	JourneyCheckLabel(label, len);
	id = StringDictIntern(d, label, len);
	/* a label new to the pool is new to this journey too */
	if (d->n > n && ++c->nnew > JOURNEY_MAX_LABELS)
		(void) GrowCapacity(JOURNEY_MAX_LABELS, JOURNEY_MAX_LABELS,
							JOURNEY_LABELS_WHAT, JOURNEY_LABELS_HINT);
	*slot = id + 1;
	return id;
}

/* Appends one touchpoint, its label given by its pool id. */
static void
CollectorAppend(JourneyCollector *c, TimestampTz ts, int32 id,
				bool has_value, double value)
{
	uint8	   *p;

	value = JourneyCheckTouch(ts, has_value, value);
	if (c->ntouch >= JOURNEY_MAX_TOUCHPOINTS)
		(void) GrowCapacity(JOURNEY_MAX_TOUCHPOINTS, JOURNEY_MAX_TOUCHPOINTS,
							JOURNEY_TOUCHPOINTS_WHAT, JOURNEY_TOUCHPOINTS_HINT);
	/* at most 10M records of RECORD_MAX_BYTES: far below MaxAllocSize */
	if (c->cap - c->len < RECORD_MAX_BYTES)
	{
		uint32		cap = c->cap > 0 ? c->cap * 2 : FIRST_BUFFER_BYTES;

		c->buf = c->buf ? repalloc(c->buf, cap) :
			MemoryContextAlloc(c->pool->dict.cxt, cap);
		c->cap = cap;
	}
	p = c->buf + c->len;
	/* wraps where the gap would overflow int64; decoding wraps it back */
	p = VarintWrite(p, ZigzagEncode((int64) ((uint64) ts - (uint64) c->last_ts)));
	p = VarintWrite(p, ((uint64) id << 1) | has_value);
	if (has_value)
	{
		memcpy(p, &value, sizeof(double));
		p += sizeof(double);
	}
	c->len = p - c->buf;
	c->last_ts = ts;
	c->ntouch++;
}

void
JourneyCollectorAdd(JourneyCollector *c, TimestampTz ts, const char *label,
					int32 len, bool has_value, double value)
{
	CollectorAppend(c, ts, CollectorLabel(c, label, len), has_value, value);
}

/* Reads the record at *p, advancing it; *ts holds the previous time. */
static inline void
ReadRecord(const uint8 **p, const uint8 *end, TimestampTz *ts, int32 *id,
		   bool *has_value, double *value)
{
	uint64		code;

	*ts = (TimestampTz) ((uint64) *ts + (uint64) ZigzagDecode(VarintRead(p, end)));
	code = VarintRead(p, end);
	*id = (int32) (code >> 1);
	*has_value = (code & 1) != 0;
	*value = 0;
	if (*has_value)
	{
		memcpy(value, *p, sizeof(double));
		*p += sizeof(double);
	}
}

static void
CollectorAddStored(void *builder, struct varlena *stored)
{
	JourneyCollector *c = builder;
	Journey		j;
	int32	   *ids;
	int32		i;

	JourneyDecode(stored, &j);
	ids = palloc(Max(j.nlabels, 1) * sizeof(int32));
	for (i = 0; i < j.nlabels; i++)
		ids[i] = CollectorLabel(c, j.labels[i], j.label_lens[i]);
	for (i = 0; i < j.ntouch; i++)
	{
		const JourneyTouch *t = &j.touches[i];

		CollectorAppend(c, t->ts, ids[t->label], t->has_value, t->value);
		if ((i & (INTERRUPT_INTERVAL - 1)) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(ids);
	pfree(j.touches);
	pfree(j.labels);
	pfree(j.label_lens);
}

static void
CollectorAddCollector(void *builder, void *other_builder)
{
	JourneyCollector *c = builder;
	const JourneyCollector *other = other_builder;
	const StringDict *od = &other->pool->dict;
	const uint8 *p = other->buf;
	const uint8 *end = other->buf + other->len;
	TimestampTz ts = 0;
	int32		i;

	for (i = 0; i < other->ntouch; i++)
	{
		int32		id;
		bool		has_value;
		double		value;

		ReadRecord(&p, end, &ts, &id, &has_value, &value);
		/* collectors of one arena share their pool, and so their ids */
		if (other->pool != c->pool)
			id = CollectorLabel(c, od->strs[id], od->lens[id]);
		CollectorAppend(c, ts, id, has_value, value);
		if ((i & (INTERRUPT_INTERVAL - 1)) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/* Bytewise order of two of a journey's labels, given as pool ids. */
static int
ComparePoolIds(const void *a, const void *b, void *arg)
{
	const StringDict *d = arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return CompareBytes(d->strs[x], d->lens[x], d->strs[y], d->lens[y]);
}

/*
 * A new stamp for marking the labels of one journey in the pool's seen
 * array, grown to the pool's size first.
 */
static int32
PoolNextStamp(LabelPool *pool)
{
	int32		n = pool->dict.n;

	if (pool->nseen < n)
	{
		int32		cap = Max(n, pool->nseen * 2);

		cap = Min(cap, POOL_MAX_LABELS);
		cap = Max(cap, n);
		pool->seen = ResizeArray(pool->dict.cxt, pool->seen, cap, sizeof(int32));
		pool->local = ResizeArray(pool->dict.cxt, pool->local, cap, sizeof(int32));
		memset(pool->seen + pool->nseen, 0, (cap - pool->nseen) * sizeof(int32));
		pool->nseen = cap;
	}
	if (pool->stamp == PG_INT32_MAX)
	{
		memset(pool->seen, 0, pool->nseen * sizeof(int32));
		pool->stamp = 0;
	}
	return ++pool->stamp;
}

/*
 * Marks the label pool id in the journey being encoded: numbered in order
 * of appearance, listed in ids.
 */
static inline int32
MarkLabel(LabelPool *pool, int32 stamp, int32 id, int32 *ids, int32 *nlocal)
{
	if (pool->seen[id] != stamp)
	{
		pool->seen[id] = stamp;
		pool->local[id] = *nlocal;
		ids[(*nlocal)++] = id;
	}
	return pool->local[id];
}

/*
 * The journey's labels, listed in ids (nlocal of them, by appearance
 * number): their strings and lengths by appearance number, and the
 * appearance numbers in bytewise order of the strings.  Sorts ids.
 */
static void
JourneyLabels(LabelPool *pool, int32 *ids, int32 nlocal, char ***strs,
			  int32 **lens, int32 **order)
{
	StringDict *d = &pool->dict;
	int32		i;

	if (nlocal > JOURNEY_MAX_LABELS)
		(void) GrowCapacity(JOURNEY_MAX_LABELS, JOURNEY_MAX_LABELS,
							JOURNEY_LABELS_WHAT, JOURNEY_LABELS_HINT);
	*strs = palloc(Max(nlocal, 1) * sizeof(char *));
	*lens = palloc(Max(nlocal, 1) * sizeof(int32));
	*order = palloc(Max(nlocal, 1) * sizeof(int32));
	for (i = 0; i < nlocal; i++)
	{
		(*strs)[i] = d->strs[ids[i]];
		(*lens)[i] = d->lens[ids[i]];
	}
	qsort_arg(ids, nlocal, sizeof(int32), ComparePoolIds, d);
	for (i = 0; i < nlocal; i++)
		(*order)[i] = pool->local[ids[i]];
}

/*
 * The encode decodes the records once, into touchpoints numbered by the
 * journey's own labels.  Touchpoints in strictly increasing time (events
 * read by customer and time, say) are then written straight into the
 * stored form with the time unit found on the way; others, and equal
 * times, which need the labels' order, are sorted and encoded like a
 * builder's.
 */
static struct varlena *
CollectorEncode(void *builder)
{
	JourneyCollector *c = builder;
	LabelPool  *pool = c->pool;
	int32		stamp = PoolNextStamp(pool);
	JourneyTouch *touches = palloc(Max(c->ntouch, 1) * sizeof(JourneyTouch));
	int32	   *ids = palloc(Max(Min(c->ntouch, pool->dict.n), 1) * sizeof(int32));
	int32		nlocal = 0;
	int32	   *order;
	char	  **strs;
	int32	   *lens;
	const uint8 *p = c->buf;
	const uint8 *end = c->buf + c->len;
	TimestampTz ts = 0;
	bool		increasing = true;
	JourneyUnit unit = {0};
	struct varlena *result;
	int32		i;

	for (i = 0; i < c->ntouch; i++)
	{
		JourneyTouch *t = &touches[i];
		TimestampTz prev = ts;
		int32		id;

		ReadRecord(&p, end, &ts, &id, &t->has_value, &t->value);
		t->ts = ts;
		t->label = MarkLabel(pool, stamp, id, ids, &nlocal);
		if (i > 0 && increasing)
		{
			if (ts <= prev)
				increasing = false;
			else
				JourneyUnitAdd(&unit, JourneyTimeGap(prev, ts));
		}
		if ((i & (INTERRUPT_INTERVAL - 1)) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	JourneyLabels(pool, ids, nlocal, &strs, &lens, &order);

	if (!increasing)
	{
		JourneySortTouches(touches, c->ntouch, order, nlocal);
		result = JourneyEncodeOrdered(touches, c->ntouch, strs, lens, nlocal,
									  order);
	}
	else
	{
		char	  **sorted_strs = palloc(Max(nlocal, 1) * sizeof(char *));
		int32	   *sorted_lens = palloc(Max(nlocal, 1) * sizeof(int32));
		int32	   *rank = palloc(Max(nlocal, 1) * sizeof(int32));
		JourneyWriter w;

		for (i = 0; i < nlocal; i++)
		{
			sorted_strs[i] = strs[order[i]];
			sorted_lens[i] = lens[order[i]];
			rank[order[i]] = i;
		}

		/* no gap (one touchpoint or none): the unit 1, as the encoder writes */
		if (unit.unit == 0)
			JourneyUnitSet(&unit, 1);

		/*
		 * Each record's bytes bound the touchpoint's: the gap is as long or
		 * shorter once divided by the unit (and was zigzag-doubled), the
		 * value the same; only the label may need more than its pool id
		 * did.
		 */
		JourneyWriterBegin(&w, c->ntouch, sorted_strs, sorted_lens, nlocal,
						   c->ntouch > 0 ? touches[0].ts : 0, &unit,
						   c->len + (Size) c->ntouch * VarintSize((uint64) nlocal << 1));
		for (i = 0; i < c->ntouch; i++)
		{
			const JourneyTouch *t = &touches[i];

			JourneyWriterTouch(&w, t->ts, rank[t->label], t->has_value,
							   t->value);
			if ((i & (INTERRUPT_INTERVAL - 1)) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		result = JourneyWriterEnd(&w);
		pfree(sorted_strs);
		pfree(sorted_lens);
		pfree(rank);
	}
	pfree(touches);
	pfree(ids);
	pfree(strs);
	pfree(lens);
	pfree(order);
	return result;
}

const SummaryType JourneySummary = {
	"journey",
	sizeof(JourneyCollector),
	CollectorInit,
	CollectorAddStored,
	CollectorAddCollector,
	CollectorEncode,
	sizeof(LabelPool),
	PoolInit
};
