/*
 * pathkeys.h
 *	  What the path-like summaries (paths.c, sketch.c, transitions.c,
 *	  ngrams.c, steps.c, flows.c) share and no other summary does: their
 *	  routines' shape, the depth limit and its check, keys at position 0,
 *	  the anchor in a journey's path, and a key's labels as a path.
 */
#ifndef JOURNEY_PATHKEYS_H
#define JOURNEY_PATHKEYS_H

#include "counts.h"

#define COUNTS_MAX_N			100		/* n of n-grams and steps, depth of flows */

/* A path-like kind's routine: shape checks and counting only */
#define PATH_KIND(routine, kind_name, type, begin, check, sums, end, count) \
	const CountsKindRoutine routine = {.name = kind_name, .type_name = type, .sums_begin = begin, \
		.check_key = check, .sums_key = sums, .sums_end = end, .count_journey = count}

extern void PathsCheckKey(const Counts *c, int32 k, bool markers);
extern void SumsBeginDepth(const Counts *c, CountsSums *s);
extern int32 FindAnchor(CountsBuilder *b, const int32 *path, int32 n);
extern void KeyPath(const Counts *c, int32 k, Datum *path, Datum *labels);

#endif							/* JOURNEY_PATHKEYS_H */
