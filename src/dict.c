/*
 * dict.c
 *	  Interning strings as dense ids (see dict.h), and the growth and limit
 *	  policy of every array that input can make long.
 *
 * Open addressing with linear probing at a load factor of at most one
 * half; hashes are kept so that growing never rehashes the strings.
 */
#include "postgres.h"

#include "common/hashfn.h"

#include "dict.h"

/*
 * The next capacity of a full array of count elements: doubled, capped at
 * limit, and an error once count has reached the limit.  The limits keep
 * every array below MaxAllocSize.
 */
int32
GrowCapacity(int32 count, int32 limit, const char *what, const char *hint)
{
	if (count >= limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many %s", what),
				 errdetail("The limit is %d %s.", limit, what),
				 errhint("%s", hint)));
	return count > 0 ? Min((int64) count * 2, limit) : 8;
}

void *
ResizeArray(MemoryContext cxt, void *array, int32 capacity, Size elem)
{
	if (array == NULL)
		return MemoryContextAlloc(cxt, capacity * elem);
	return repalloc(array, capacity * elem);
}

/* The first index of strs[0..n), sorted bytewise, not before s: n if none. */
int32
SortedLowerBound(const char *const *strs, const int32 *lens, int32 n,
				 const char *s, int32 len)
{
	int32		lo = 0;
	int32		hi = n;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (CompareBytes(strs[mid], lens[mid], s, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of s in strs[0..n), sorted bytewise (binary search), or -1. */
int32
SortedFind(const char *const *strs, const int32 *lens, int32 n,
		   const char *s, int32 len)
{
	int32		i = SortedLowerBound(strs, lens, n, s, len);

	return i < n && CompareBytes(strs[i], lens[i], s, len) == 0 ? i : -1;
}

/* Bytewise, a prefix before the longer string. */
int
CompareBytes(const char *a, int32 alen, const char *b, int32 blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

void
StringDictInit(StringDict *d, MemoryContext cxt, int32 limit,
			   const char *what, const char *hint)
{
	memset(d, 0, sizeof(*d));
	d->cxt = cxt;
	d->limit = limit;
	d->what = what;
	d->hint = hint;
	d->last = -1;
}

static void
Rehash(StringDict *d)
{
	int32		nslots = d->nslots > 0 ? d->nslots * 2 : 16;
	int32		mask = nslots - 1;
	int32		i;

	if (d->slots)
		pfree(d->slots);
	d->slots = MemoryContextAllocZero(d->cxt, nslots * sizeof(int32));
	d->nslots = nslots;
	for (i = 0; i < d->n; i++)
	{
		int32		slot = d->hashes[i] & mask;

		while (d->slots[slot] != 0)
			slot = (slot + 1) & mask;
		d->slots[slot] = i + 1;
	}
}

/* The id of a string, or -1 if it is not in the dictionary. */
int32
StringDictFind(const StringDict *d, const char *s, int32 len)
{
	uint32		hash;
	int32		mask;
	int32		slot;

	if (d->nslots == 0)
		return -1;
	hash = hash_bytes((const unsigned char *) s, len);
	mask = d->nslots - 1;
	for (slot = hash & mask; d->slots[slot] != 0; slot = (slot + 1) & mask)
	{
		int32		id = d->slots[slot] - 1;

		if (d->hashes[id] == hash && d->lens[id] == len &&
			memcmp(d->strs[id], s, len) == 0)
			return id;
	}
	return -1;
}

/* The id of a string, adding a copy of it if it is new. */
int32
StringDictIntern(StringDict *d, const char *s, int32 len)
{
	uint32		hash;
	int32		mask;
	int32		slot;
	int32		id;

	/* events often repeat the string of the one before */
	if (d->last >= 0 && d->lens[d->last] == len &&
		memcmp(d->strs[d->last], s, len) == 0)
		return d->last;
	hash = hash_bytes((const unsigned char *) s, len);
	if ((int64) (d->n + 1) * 2 > d->nslots)
		Rehash(d);
	mask = d->nslots - 1;
	for (slot = hash & mask; d->slots[slot] != 0; slot = (slot + 1) & mask)
	{
		id = d->slots[slot] - 1;
		if (d->hashes[id] == hash && d->lens[id] == len &&
			memcmp(d->strs[id], s, len) == 0)
			return d->last = id;
	}

	if (d->n >= d->max)
	{
		d->max = GrowCapacity(d->max, d->limit, d->what, d->hint);
		d->strs = ResizeArray(d->cxt, d->strs, d->max, sizeof(char *));
		d->lens = ResizeArray(d->cxt, d->lens, d->max, sizeof(int32));
		d->hashes = ResizeArray(d->cxt, d->hashes, d->max, sizeof(uint32));
	}
	id = d->n++;
	d->strs[id] = MemoryContextAlloc(d->cxt, Max(len, 1));
	memcpy(d->strs[id], s, len);
	d->lens[id] = len;
	d->hashes[id] = hash;
	d->slots[slot] = id + 1;
	return d->last = id;
}

static int
CompareIds(const void *a, const void *b, void *arg)
{
	const StringDict *d = arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return CompareBytes(d->strs[x], d->lens[x], d->strs[y], d->lens[y]);
}

/* The ids in bytewise order of their strings, palloc'd. */
int32 *
StringDictSortedIds(const StringDict *d)
{
	int32	   *order = palloc(Max(d->n, 1) * sizeof(int32));
	int32		i;

	for (i = 0; i < d->n; i++)
		order[i] = i;
	qsort_arg(order, d->n, sizeof(int32), CompareIds, (void *) d);
	return order;
}
