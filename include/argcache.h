/*
 * argcache.h
 *	  A function's arguments, parsed once and kept across the rows of a
 *	  call site while they stay the same (argcache.c).
 */
#ifndef JOURNEY_ARGCACHE_H
#define JOURNEY_ARGCACHE_H

#include "fmgr.h"

/*
 * Fills parsed (size bytes, zeroed) from the count arguments of fcinfo
 * from the first cached one on, in a memory context that lives as long as the
 * parsed value is kept; it may ereport.
 */
typedef void (*ArgCacheParse) (FunctionCallInfo fcinfo, void *parsed);

extern const void *ArgCacheLookup(FunctionCallInfo fcinfo, int first, int count,
								  Size size, ArgCacheParse parse);

#endif							/* JOURNEY_ARGCACHE_H */
