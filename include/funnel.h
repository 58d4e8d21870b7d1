/*
 * funnel.h
 *	  A funnel's definition and its evaluation on a journey (funnel.c),
 *	  shared by the funnel functions and the funnel report aggregate.
 */
#ifndef JOURNEY_FUNNEL_H
#define JOURNEY_FUNNEL_H

#include "fmgr.h"
#include "journey.h"

typedef struct FunnelDef
{
	int32		nsteps;
	text	  **steps;
	int32		nexclude;
	text	  **exclude;
	int64		window;			/* microseconds */
	int64		max_gap;		/* microseconds, 0: none */
	int			modes;
} FunnelDef;

extern void FunnelDefFromArgs(FunctionCallInfo fcinfo, int first, FunnelDef *def);
extern int32 FunnelEvaluate(const FunnelDef *def, const Journey *j,
							TimestampTz *times);
extern char *FunnelDefSerialize(const FunnelDef *def, int32 *len);
extern bool FunnelDefParse(const char *stored, int32 len, FunnelDef *def);
extern void FunnelDefDeserialize(const char *stored, int32 len, FunnelDef *def);

#endif							/* JOURNEY_FUNNEL_H */
