/*
 * dict.h
 *	  A growable dictionary that interns byte strings as dense integer ids,
 *	  the shared piece of every summary that stores strings once (journey
 *	  labels, identifiers of an identity graph).
 */
#ifndef JOURNEY_DICT_H
#define JOURNEY_DICT_H

typedef struct StringDict
{
	MemoryContext cxt;			/* the strings and arrays live here */
	int32		n;
	int32		max;			/* capacity of the arrays */
	int32		limit;			/* at most this many strings */
	const char *what;			/* "distinct labels", for the limit error */
	const char *hint;
	char	  **strs;			/* insertion order, copied */
	int32	   *lens;
	uint32	   *hashes;
	int32	   *slots;			/* open addressing: id + 1, 0 free */
	int32		nslots;			/* a power of two */
	int32		last;			/* id returned last, or -1 */
} StringDict;

extern void StringDictInit(StringDict *d, MemoryContext cxt, int32 limit,
						   const char *what, const char *hint);
extern int32 StringDictIntern(StringDict *d, const char *s, int32 len);
extern int32 StringDictFind(const StringDict *d, const char *s, int32 len);
extern int32 *StringDictSortedIds(const StringDict *d);
extern int32 GrowCapacity(int32 count, int32 limit, const char *what,
						  const char *hint);
extern void *ResizeArray(MemoryContext cxt, void *array, int32 capacity,
						 Size elem);
extern int	CompareBytes(const char *a, int32 alen, const char *b, int32 blen);
extern int32 SortedLowerBound(const char *const *strs, const int32 *lens,
							  int32 n, const char *s, int32 len);
extern int32 SortedFind(const char *const *strs, const int32 *lens, int32 n,
					   const char *s, int32 len);

#endif							/* JOURNEY_DICT_H */
