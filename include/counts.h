/*
 * counts.h
 *	  The path_counts type: how often each key occurs across journeys, the
 *	  summary behind top paths, transitions, n-grams, next/previous steps and
 *	  flows.  A key is a position (a depth or an offset; 0 where the kind has
 *	  none) and a sequence of labels, where the markers (start) and (end)
 *	  stand for the ends of a journey.  The kind and its parameters travel
 *	  with the value, so a value is only read, or combined, as what it is.
 *	  This header is the only code that knows the layout; what the positions
 *	  and keys of a kind mean is known only to the kind's own module, which
 *	  the store reaches through the kind's CountsKindRoutine.
 *
 * Stored layout (a varlena, alignment 'int4', storage 'extended'):
 *
 *	 version		 1 byte, COUNTS_FORMAT_VERSION
 *	 flags			 1 byte, 0 in version 1
 *	 kind			 1 byte, a CountsKind
 *	 collapse		 1 byte, 1 if consecutive repeats were collapsed
 *	 param			 zigzag varint, the kind's parameter (n, a depth, a width,
 *					 a number of steps...: the kind's module says)
 *	 anchor			 varint byte length + 1 and bytes; 0 when there is none
 *	 total			 varint, journeys (or paths, for Markov models) counted
 *	 value			 16 bytes little-endian two's complement, the exact sum
 *					 of conversion values in COUNTS_VALUE_SCALE units (Markov)
 *	 nlabels		 varint, then nlabels x (varint length, bytes), strictly
 *					 ascending bytewise
 *	 nkeys			 varint, then nkeys x (varint count, zigzag varint
 *					 position, varint key length, key length x varint label:
 *					 0 (null), 1 (conversion), 2 (start), 3 (end), 4 + label
 *					 index), strictly ascending by (position, labels)
 */
#ifndef JOURNEY_COUNTS_H
#define JOURNEY_COUNTS_H

#include "fmgr.h"
#include "nodes/execnodes.h"

#include "dict.h"

#define COUNTS_FORMAT_VERSION	1

#define COUNTS_MAX_KEYS			10000000
#define COUNTS_MAX_KEY_LABELS	100000
#define COUNTS_VALUE_SCALE		1000000000
#define COUNTS_MAX_VALUE		1e18

/* Markers in keys, next to label indexes 0, 1, ... */
#define COUNTS_NULL				(-4)
#define COUNTS_CONVERSION		(-3)
#define COUNTS_START			(-2)
#define COUNTS_END				(-1)
#define COUNTS_FIRST_MARKER		COUNTS_NULL
#define COUNTS_OTHER			(-5)	/* made by readers, never stored */

typedef enum CountsKind
{
	COUNTS_PATHS = 1,
	COUNTS_TRANSITIONS = 2,
	COUNTS_NGRAMS = 3,
	COUNTS_STEPS = 4,
	COUNTS_FLOWS = 5,
	COUNTS_FLOWS_BACKWARD = 6,
	COUNTS_MARKOV = 7,
	COUNTS_PATHS_SKETCH = 8,
	COUNTS_HEALTH = 9,
	COUNTS_FUNNEL = 10,
	COUNTS_COHORTS = 11,
	COUNTS_SHAPLEY = 12,
	COUNTS_CREDITS = 13,
	COUNTS_DRIVERS = 14,
	COUNTS_FUNNEL_TRENDS = 15,
	COUNTS_ACTIVITY = 16,
	COUNTS_ATTRIBUTION = 17
} CountsKind;

#define COUNTS_LAST_KIND		COUNTS_ATTRIBUTION

/* splitmix64's finalizer, a bijection that mixes every bit (sketches, credit weights) */
static inline uint64
Mix64(uint64 x)
{
	x ^= x >> 30;
	x *= UINT64CONST(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64CONST(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/*
 * Time histograms (funnel reports, touchpoint health) key gaps in
 * microseconds by these buckets, one position per bucket.
 */
#define GAP_MAX_BUCKET			1919	/* GapBucket(UINT64_MAX) */
extern int32 GapBucket(uint64 gap);
extern uint64 GapBucketMiddle(int32 bucket);

/* What was counted: equal specs are required to combine. */
typedef struct CountsSpec
{
	int			kind;
	bool		collapse;
	int32		param;
	const char *anchor;			/* NULL: none */
	int32		anchor_len;
} CountsSpec;

/* A decoded value; labels point into the stored value. */
typedef struct Counts
{
	CountsSpec	spec;
	int64		total;
	int128		value;			/* in COUNTS_VALUE_SCALE units */
	int32		nlabels;
	const char **labels;
	int32	   *label_lens;
	int32		nkeys;
	int64	   *counts;
	int32	   *positions;
	int32	   *key_start;		/* key k is key_labels[key_start[k] .. key_start[k + 1]) */
	int32	   *key_labels;		/* label indexes or markers */
} Counts;

/*
 * A value being built.  The store keeps the keys; a kind that counts
 * otherwise until the value is encoded (a sketch's cells, a credit
 * bootstrap's pending sums) keeps that in kind_state.
 */
typedef struct CountsBuilder
{
	MemoryContext cxt;
	bool		has_spec;
	CountsSpec	spec;			/* anchor copied into cxt */
	int64		total;
	int128		value;			/* conversion value in COUNTS_VALUE_SCALE units */
	StringDict	labels;
	StringDict	keys;			/* int32 position, then int32 builder ids */
	int64	   *counts;			/* per key id */
	int32		maxcounts;
	int32	   *scratch;		/* a key being assembled */
	int32		maxscratch;
	void	   *kind_state;		/* the kind's own, in cxt; NULL until it makes it */
} CountsBuilder;

/* What a kind's checks add up over the keys of a value (see CountsCheckShape). */
typedef struct CountsSums
{
	int128		sum;			/* what must equal the total */
	int128		ends;			/* a second sum that must equal it */
	int128		run;			/* the current position's sum */
	void	   *state;			/* the kind's own */
} CountsSums;

struct Journey;

/*
 * What one kind of path counts is: the store (counts.c) calls these and
 * knows nothing else of a kind; each kind's module fills in its routine,
 * and counts.c lists the routines by CountsKind.  A new kind is a number
 * in CountsKind, a routine in its own module and an entry in that list.
 * Optional callbacks are NULL where the kind has nothing to do.
 */
typedef struct CountsKindRoutine
{
	const char *name;			/* in the text form and in messages */
	const char *type_name;		/* the SQL type that holds this kind */
	bool		has_value;		/* may carry a conversion value */
	bool		keeps_labels;	/* stores every label, named by a key or not */
	bool		no_path;		/* count_journey reads the touchpoints only: n = 0 */
	int32		max_keys;		/* a lower limit than COUNTS_MAX_KEYS, or 0 */
	const char *keys_hint;		/* what to do beyond max_keys */

	/* shape checks, in this order, for every value decoded */
	void		(*check_spec) (const Counts *c);	/* optional */
	void		(*sums_begin) (const Counts *c, CountsSums *s); /* optional */
	void		(*check_key) (const Counts *c, int32 k, bool markers);
	/* key k's part of the sums, once its count is known to be at least 1 */
	void		(*sums_key) (const Counts *c, CountsSums *s, int32 k);
	void		(*sums_end) (const Counts *c, CountsSums *s);	/* optional */

	/*
	 * Counts one journey: path[1..n] are its labels as builder ids (repeats
	 * collapsed if the spec says so), path[0] is (start) and path[n + 1]
	 * (end), n = 0 for a kind with no_path; arg is what the transition
	 * function passed.  Returns whether the journey counts in the total.
	 */
	bool		(*count_journey) (CountsBuilder *b, const struct Journey *j,
								  int32 *path, int32 n, const void *arg);
	/*
	 * Builder hooks, all optional: the first spec is set; a key from input
	 * or another value arrives (NULL: it is added as a key); the builder is
	 * about to be encoded.
	 */
	void		(*set_spec) (CountsBuilder *b);
	void		(*add_key) (CountsBuilder *b, int32 position, const int32 *labels,
							int32 n, int64 count);
	void		(*before_encode) (CountsBuilder *b);
} CountsKindRoutine;

/* The kinds, each defined by its own module. */
extern const CountsKindRoutine PathsKind;
extern const CountsKindRoutine TransitionsKind;
extern const CountsKindRoutine NgramsKind;
extern const CountsKindRoutine StepsKind;
extern const CountsKindRoutine FlowsKind;
extern const CountsKindRoutine FlowsBackwardKind;
extern const CountsKindRoutine MarkovKind;
extern const CountsKindRoutine SketchKind;
extern const CountsKindRoutine HealthKind;
extern const CountsKindRoutine FunnelKind;
extern const CountsKindRoutine CohortsKind;
extern const CountsKindRoutine ShapleyKind;
extern const CountsKindRoutine CreditsKind;
extern const CountsKindRoutine DriversKind;
extern const CountsKindRoutine ActivityKind;
extern const CountsKindRoutine FunnelTrendsKind;
extern const CountsKindRoutine AttributionKind;

/*
 * The SQL type of a summary other than path_counts, in the module of its
 * kinds: text and binary input that take only the kinds whose routine
 * names the type, and the checked cast from path_counts.  Output, send,
 * combine and final functions are path_counts's own: they read any kind.
 */
#define COUNTS_SQL_TYPE(type) \
	PG_FUNCTION_INFO_V1(type##_in); \
	PG_FUNCTION_INFO_V1(type##_recv); \
	PG_FUNCTION_INFO_V1(type##_from_path_counts); \
	Datum type##_in(PG_FUNCTION_ARGS) { return CountsTypeIn(fcinfo, #type); } \
	Datum type##_recv(PG_FUNCTION_ARGS) { return CountsTypeRecv(fcinfo, #type); } \
	Datum type##_from_path_counts(PG_FUNCTION_ARGS) { return CountsTypeCast(fcinfo, #type); } \
	extern int no_such_variable

extern Datum CountsTypeIn(FunctionCallInfo fcinfo, const char *type);
extern Datum CountsTypeRecv(FunctionCallInfo fcinfo, const char *type);
extern Datum CountsTypeCast(FunctionCallInfo fcinfo, const char *type);

/* The store, for the kinds' counting and checks */
extern void CountsBuilderAdd(CountsBuilder *b, int32 position, const int32 *labels,
							 int32 n, int64 count);
extern void CountsBuilderAddTotal(CountsBuilder *b, int64 n);
extern void CountsBuilderResetKeys(CountsBuilder *b);
extern void CountsShapeError(const Counts *c, int32 k, const char *rule);
extern void CountsSumsAddUp(const Counts *c, CountsSums *s);
extern void CountsSumsStartsAndEnds(const Counts *c, CountsSums *s);
extern void CheckNoMarkers(const Counts *c, int32 k, const char *rule);
extern void CheckRunWithinTotal(const Counts *c, const CountsSums *s, int32 k,
								const char *rule);
extern int32 CountsFirstKeyAt(const Counts *c, int32 pos);
extern int32 CountsFindKeyLabels(const Counts *c, int32 lo, int32 hi, int32 k);
extern struct ExpandedSummary *CountsStateArg(FunctionCallInfo fcinfo,
											  const CountsSpec *spec);
extern Datum CountsTransition(FunctionCallInfo fcinfo, const CountsSpec *spec,
							  const void *arg);

/*
 * What a transition function's arguments after the journey parse into
 * (once per call site, argcache.h), at the start of the parser's own
 * struct: the spec, and the kind's count_journey argument.
 */
typedef struct CountsParsed
{
	CountsSpec	spec;
	const void *arg;
} CountsParsed;

extern Datum CountsParsedTransition(FunctionCallInfo fcinfo, Size size,
									void (*parse) (FunctionCallInfo fcinfo, void *parsed));
extern Datum CountsRequiredArg(FunctionCallInfo fcinfo, int n, const char *what);
extern bool CountsCollapseArg(FunctionCallInfo fcinfo, int n);
extern int32 CountsPositiveArg(FunctionCallInfo fcinfo, int n, const char *what,
							   int32 max);
extern void CountsAnchorArg(FunctionCallInfo fcinfo, int n, CountsSpec *spec);

/* The store, for the readers */
extern void CountsDecode(struct varlena *stored, Counts *c);
extern ReturnSetInfo *CountsReadRows(FunctionCallInfo fcinfo, const Oid *columns,
									 int ncolumns, Counts *c, int kind1, int kind2);
extern text *CountsLabelText(const Counts *c, int32 v);
extern int32 *KeysByCount(const Counts *c, bool by_position);
extern void CountsModelArg(FunctionCallInfo fcinfo, int argno, Counts *c,
						   int kind, const char *model, const char *builder);
extern const char *CountsKindName(int kind);
extern const char *CountsMarkerName(int32 marker);
extern int128 ValueUnits(double value);

/* part / whole, 0 when there is no whole */
static inline double
CountsShare(int64 part, int64 whole)
{
	return whole > 0 ? (double) part / (double) whole : 0.0;
}

#endif							/* JOURNEY_COUNTS_H */
