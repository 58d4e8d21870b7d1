/*
 * sketch.h
 *	  Approximate path counts (sketch.c): the rows of top_paths from a
 *	  sketch, for top_paths, which reads exact and approximate counts alike.
 */
#ifndef JOURNEY_SKETCH_H
#define JOURNEY_SKETCH_H

#include "counts.h"

extern int64 SketchTopPaths(ReturnSetInfo *rsinfo, const Counts *c, int32 n);

#endif							/* JOURNEY_SKETCH_H */
