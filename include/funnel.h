/*
 * funnel.h
 *	  A funnel's definition and its evaluation on a journey (funnel.c),
 *	  shared by the funnel functions and the funnel report aggregate.
 */
#ifndef JOURNEY_FUNNEL_H
#define JOURNEY_FUNNEL_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"

#include "counts.h"
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
	bool	   *optional;		/* per step, with mode bit optional; else NULL */
} FunnelDef;

/*
 * ClickHouse's scan (funnelscan.c), for the strict modes.  The scan asks
 * for the events one at a time, in order, so that neither caller keeps a
 * second copy of its events: an event is a row or touchpoint with the
 * steps it meets (0-based, ascending), which may point into the caller's
 * buffer until the next call.
 */
typedef struct FunnelScanEvent
{
	TimestampTz ts;
	const int32 *steps;
	int32		nsteps;
	bool		excluded;		/* funnel_level's exclusions; meets no step */
} FunnelScanEvent;

typedef void (*FunnelScanNext) (void *arg, int32 i, FunnelScanEvent *e);

typedef struct FunnelScanSpec
{
	int32		nsteps;
	int64		window;			/* microseconds */
	int64		max_gap;		/* microseconds, 0: none */
	bool		strict_order;
	bool		strict_deduplication;
	bool		strict_increase;
	bool		allow_reentry;
	bool		strict_once;
} FunnelScanSpec;

/* A mode's name and the bit that stands for it, in one caller's set. */
typedef struct FunnelModeName
{
	const char *name;
	int			bit;
} FunnelModeName;

extern int	FunnelParseModes(ArrayType *array, const FunnelModeName *names,
							 int nnames, const char *what);

extern int32 FunnelScan(int32 nevents, FunnelScanNext next, void *arg,
						const FunnelScanSpec *spec, TimestampTz *times);

extern void FunnelDefFromArgs(FunctionCallInfo fcinfo, int first, FunnelDef *def);
extern void FunnelDefFromArgsAt(FunctionCallInfo fcinfo, int first, int options,
								FunnelDef *def);
extern int32 FunnelEvaluate(const FunnelDef *def, const Journey *j,
							TimestampTz *times);
extern int32 FunnelEvaluateSteps(const FunnelDef *def, const Journey *j,
								 TimestampTz *times, bool *matched,
								 bool *reached, bool *continued);
extern bool FunnelSkipsSteps(const FunnelDef *def);
extern void FunnelRefuseSkips(const FunnelDef *def, const char *what);
extern char *FunnelDefSerialize(const FunnelDef *def, int32 *len);

/* any_order, PostHog's unordered funnel (funnelany.c), and its mode bit */
#define FUNNEL_MODE_ANY_ORDER 0x40
extern int32 FunnelAnyOrder(const Journey *j, const int32 *step_label, int32 nsteps,
							const bool *excluded, int64 window, TimestampTz *times);
extern Datum FunnelStepLabel(const FunnelDef *def, int32 s);

/* The steps a funnel summary (funnel_counts, funnel_trend_counts) counts at most */
#define FUNNEL_COUNTS_MAX_STEPS 100

/* A funnel summary's definition and spec, parsed once per call site */
typedef struct FunnelSummaryArgs
{
	CountsParsed p;
	FunnelDef	def;
} FunnelSummaryArgs;

extern void FunnelSummaryDef(FunctionCallInfo fcinfo, int options, const char *what,
							 FunnelSummaryArgs *a);
extern bool FunnelDefParse(const char *stored, int32 len, FunnelDef *def);
extern void AppendCounted(StringInfo buf, text *t);
extern bool ReadCounted(const char **pp, const char *end, text ***list, int32 *n);
extern void FunnelDefDeserialize(const char *stored, int32 len, FunnelDef *def);

#endif							/* JOURNEY_FUNNEL_H */
