/*
 * paths.c
 *	  The path-like kinds of path_counts (paths, transitions, n-grams,
 *	  steps, flows both ways, and the approximate paths sketch): how each
 *	  counts a journey and what shape its keys have, and their readers:
 *	  top paths, transitions, n-grams, next/previous steps and Sankey
 *	  flows, each as plain rows.
 *
 * The markers of counts.h read as '(start)' and '(end)'; flows fold rare
 * nodes into '(other)'.  Ties in every ranking are broken by the key's
 * canonical order (labels bytewise), so results never depend on the plan.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "counts.h"
#include "journey.h"
#include "summary.h"

PG_FUNCTION_INFO_V1(top_paths);
PG_FUNCTION_INFO_V1(transitions);
PG_FUNCTION_INFO_V1(ngrams);
PG_FUNCTION_INFO_V1(path_steps);
PG_FUNCTION_INFO_V1(flows);
PG_FUNCTION_INFO_V1(path_counts_transfn);
PG_FUNCTION_INFO_V1(transition_counts_transfn);
PG_FUNCTION_INFO_V1(ngram_counts_transfn);
PG_FUNCTION_INFO_V1(step_counts_transfn);
PG_FUNCTION_INFO_V1(flow_counts_transfn);
PG_FUNCTION_INFO_V1(path_sketch_transfn);

#define COUNTS_MAX_N			100		/* n of n-grams and steps, depth of flows */

/*
 * An approximate path count (COUNTS_PATHS_SKETCH) is a count-min sketch of
 * every prefix of every path and of every complete path: SKETCH_DEPTH rows
 * of `param` cells, stored as keys (cell, no labels); its labels are the
 * alphabet the reader searches.  Cells are sums, so the value does not
 * depend on the order of the journeys, and it combines by adding.
 */
#define SKETCH_DEPTH			4
#define SKETCH_MIN_WIDTH		16
#define SKETCH_MAX_WIDTH		1000000
#define SKETCH_SEED				UINT64CONST(0x6a6f75726e657921)

/* The kinds of path counts: paths, transitions, n-grams, steps and flows */

static void
PathsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->positions[k] != 0)
		CountsShapeError(c, k, "the position must be 0");
}

/* Key k has labels only, no markers. */
static void
CheckNoMarkers(const Counts *c, int32 k, const char *rule)
{
	int32		i;

	for (i = c->key_start[k]; i < c->key_start[k + 1]; i++)
		if (c->key_labels[i] < 0)
			CountsShapeError(c, k, rule);
}

static void
PathsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	CheckNoMarkers(c, k, "a path has no markers");
	s->sum += c->counts[k];
}

static bool
PathsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				  const void *arg)
{
	CountsBuilderAdd(b, 0, path + 1, n, 1);
	return true;
}

static void
TransitionsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->positions[k] != 0 || c->key_start[k + 1] - c->key_start[k] != 2)
		CountsShapeError(c, k, "a transition is two labels at position 0");
}

static void
TransitionsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	const int32 *key = c->key_labels + c->key_start[k];

	if ((key[0] < 0 && key[0] != COUNTS_START) ||
		(key[1] < 0 && key[1] != COUNTS_END))
		CountsShapeError(c, k, "a transition goes from a label or (start) to a label or (end)");
	if (key[0] == COUNTS_START)
		s->sum += c->counts[k];
	if (key[1] == COUNTS_END)
		s->ends += c->counts[k];
}

static bool
TransitionsCountJourney(CountsBuilder *b, const Journey *j, int32 *path,
						int32 n, const void *arg)
{
	int32		i;

	for (i = 0; i <= n; i++)
		CountsBuilderAdd(b, 0, path + i, 2, 1);
	return true;
}

/* n-grams, steps and flows: n (the depth) is 1 to COUNTS_MAX_N */
static void
SumsBeginDepth(const Counts *c, CountsSums *s)
{
	if (c->spec.param < 1 || c->spec.param > COUNTS_MAX_N)
		CountsShapeError(c, -1, psprintf("n (the depth) must be between 1 and %d", COUNTS_MAX_N));
}

static void
NgramsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	CheckNoMarkers(c, k, "an n-gram has no markers");
	if (c->key_start[k + 1] - c->key_start[k] != c->spec.param)
		CountsShapeError(c, k, "an n-gram has n labels");
}

static bool
NgramsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	int32		param = b->spec.param;
	int32		i;

	for (i = 1; i + param - 1 <= n; i++)
		CountsBuilderAdd(b, 0, path + i, param, 1);
	return true;
}

/* Index in path of the first occurrence of the anchor's builder id, or -1. */
static int32
FindAnchor(CountsBuilder *b, const int32 *path, int32 n)
{
	int32		anchor = StringDictIntern(&b->labels, b->spec.anchor,
										  b->spec.anchor_len);
	int32		i;

	for (i = 0; i < n; i++)
		if (path[i] == anchor)
			return i;
	return -1;
}

/* The keys at one position so far count no more journeys than the total. */
static void
CheckRunWithinTotal(const Counts *c, const CountsSums *s, int32 k, const char *rule)
{
	if (s->run > c->total)
		CountsShapeError(c, k, rule);
}

static void
StepsSumsBegin(const Counts *c, CountsSums *s)
{
	SumsBeginDepth(c, s);
	if (c->spec.anchor == NULL)
		CountsShapeError(c, -1, "step counts have an anchor");
}

static void
StepsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->key_start[k + 1] - c->key_start[k] != 1)
		CountsShapeError(c, k, "a step is one label");
}

static void
StepsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int32		param = c->spec.param;
	int32		pos = c->positions[k];
	const int32 *key = c->key_labels + c->key_start[k];

	if (pos == 0 || pos < -param || pos > param ||
		(key[0] < 0 && key[0] != (pos < 0 ? COUNTS_START : COUNTS_END)))
		CountsShapeError(c, k, "a step is a label, (start) before the anchor or (end) after it, at most n away");
	CheckRunWithinTotal(c, s, k, "no more steps at one distance than journeys");
}

static bool
StepsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				  const void *arg)
{
	int32		param = b->spec.param;
	int32		at = FindAnchor(b, path + 1, n);
	int32		d;

	if (at < 0)
		return false;
	at++;						/* index into path, markers included */
	for (d = 1; d <= param && at + d <= n + 1; d++)
		CountsBuilderAdd(b, d, path + at + d, 1, 1);
	for (d = 1; d <= param && at - d >= 0; d++)
		CountsBuilderAdd(b, -d, path + at - d, 1, 1);
	return true;
}

static void
FlowsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->positions[k] < 1 || c->key_start[k + 1] - c->key_start[k] != 2)
		CountsShapeError(c, k, "an edge is two labels at a depth of at least 1");
}

static void
FlowsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	const int32 *key = c->key_labels + c->key_start[k];

	if (c->positions[k] > c->spec.param || key[0] < 0 ||
		(key[1] < 0 && key[1] != (c->spec.kind == COUNTS_FLOWS ? COUNTS_END : COUNTS_START)))
		CountsShapeError(c, k, "an edge goes from a label to a label or the end it flows to, at most depth deep");
	CheckRunWithinTotal(c, s, k, "no more edges at one depth than journeys");
}

static bool
FlowsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				  const void *arg)
{
	bool		backward = b->spec.kind == COUNTS_FLOWS_BACKWARD;
	int32		param = b->spec.param;
	int32		at;
	int32		d;

	if (b->spec.anchor)
		at = FindAnchor(b, path + 1, n);
	else
		at = backward ? n - 1 : 0;
	if (at < 0 || n == 0)
		return false;
	at++;
	for (d = 1; d <= param; d++)
	{
		int32		edge[2];
		int32		from = backward ? at - d + 1 : at + d - 1;
		int32		to = backward ? at - d : at + d;

		if (to < 0 || to > n + 1)
			break;
		edge[0] = path[from];
		edge[1] = path[to];
		CountsBuilderAdd(b, d, edge, 2, 1);
	}
	return true;
}

/* The path-like kinds, by their callbacks above */
#define PATH_KIND(routine, kind_name, type, begin, check, sums, end, count) \
	const CountsKindRoutine routine = {.name = kind_name, .type_name = type, .sums_begin = begin, \
		.check_key = check, .sums_key = sums, .sums_end = end, .count_journey = count}

PATH_KIND(PathsKind, "paths", "path_counts", NULL, PathsCheckKey, PathsSumsKey, CountsSumsAddUp, PathsCountJourney);
PATH_KIND(TransitionsKind, "transitions", "transition_counts", NULL, TransitionsCheckKey, TransitionsSumsKey, CountsSumsStartsAndEnds, TransitionsCountJourney);
PATH_KIND(NgramsKind, "ngrams", "ngram_counts", SumsBeginDepth, PathsCheckKey, NgramsSumsKey, NULL, NgramsCountJourney);
PATH_KIND(StepsKind, "steps", "step_counts", StepsSumsBegin, StepsCheckKey, StepsSumsKey, NULL, StepsCountJourney);
PATH_KIND(FlowsKind, "flows", "flow_counts", SumsBeginDepth, FlowsCheckKey, FlowsSumsKey, NULL, FlowsCountJourney);
PATH_KIND(FlowsBackwardKind, "backward_flows", "flow_counts", SumsBeginDepth, FlowsCheckKey, FlowsSumsKey, NULL, FlowsCountJourney);

COUNTS_SQL_TYPE(transition_counts);
COUNTS_SQL_TYPE(ngram_counts);
COUNTS_SQL_TYPE(step_counts);
COUNTS_SQL_TYPE(flow_counts);

/* path_counts(j [, collapse_repeats]) */
Datum
path_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_PATHS, CountsCollapseArg(fcinfo, 2), 0, NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
}

/* transition_counts(j [, collapse_repeats]) */
Datum
transition_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_TRANSITIONS, CountsCollapseArg(fcinfo, 2), 0, NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
}

/* ngram_counts(j, n [, collapse_repeats]) */
Datum
ngram_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_NGRAMS, CountsCollapseArg(fcinfo, 3),
	CountsPositiveArg(fcinfo, 2, "n", COUNTS_MAX_N), NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
}

/* step_counts(j, anchor, n [, collapse_repeats]) */
Datum
step_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_STEPS, CountsCollapseArg(fcinfo, 4),
	CountsPositiveArg(fcinfo, 3, "n", COUNTS_MAX_N), NULL, 0};

	CountsAnchorArg(fcinfo, 2, &spec);
	return CountsTransition(fcinfo, &spec, NULL);
}

/* flow_counts(j, depth [, anchor [, backward]]) */
Datum
flow_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_FLOWS, true, CountsPositiveArg(fcinfo, 2, "depth", COUNTS_MAX_N),
	NULL, 0};

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		CountsAnchorArg(fcinfo, 3, &spec);
	if (PG_NARGS() > 4 && DatumGetBool(CountsRequiredArg(fcinfo, 4, "backward")))
		spec.kind = COUNTS_FLOWS_BACKWARD;
	return CountsTransition(fcinfo, &spec, NULL);
}

/*
 * Approximate path counts (COUNTS_PATHS_SKETCH): the cells are counted
 * densely in the builder and become the keys when it is encoded.
 */

/* Sketch hashing: deterministic, chained over the labels of a prefix. */
static uint64
SketchStep(uint64 h, const char *label, int32 len)
{
	return Mix64(h ^ DatumGetUInt64(hash_any_extended((const unsigned char *) label,
													   len, h)));
}

static uint64
SketchEnd(uint64 h)
{
	return Mix64(h ^ UINT64CONST(0x28656e6429000000));
}

static int32
SketchCell(uint64 h, int32 row, int32 width)
{
	return row * width +
		(int32) (Mix64(h + (uint64) (row + 1) * UINT64CONST(0x9e3779b97f4a7c15)) % width);
}

static void
SketchCheckSpec(const Counts *c)
{
	if (c->spec.param < SKETCH_MIN_WIDTH || c->spec.param > SKETCH_MAX_WIDTH)
		CountsShapeError(c, -1, psprintf("the sketch width must be between %d and %d",
										 SKETCH_MIN_WIDTH, SKETCH_MAX_WIDTH));
}

static void
SketchSumsBegin(const Counts *c, CountsSums *s)
{
	s->state = palloc0(SKETCH_DEPTH * sizeof(int128));
}

static void
SketchCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (c->key_start[k + 1] - c->key_start[k] != 0 || pos < 0 ||
		pos >= SKETCH_DEPTH * c->spec.param)
		CountsShapeError(c, k, "a sketch cell has no labels and a position below 4 times the width");
}

static void
SketchSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int128	   *rows = s->state;

	rows[c->positions[k] / c->spec.param] += c->counts[k];
}

static void
SketchSumsEnd(const Counts *c, CountsSums *s)
{
	int128	   *rows = s->state;
	int32		r;

	for (r = 1; r < SKETCH_DEPTH; r++)
		if (rows[r] != rows[0])
			CountsShapeError(c, -1, "every row of the sketch adds up to the same");
	if (rows[0] < c->total)
		CountsShapeError(c, -1, "every journey counts at least once in each row");
	pfree(rows);
}

static void
SketchAdd(CountsBuilder *b, uint64 h)
{
	int64	   *cells = b->kind_state;
	int32		r;

	for (r = 0; r < SKETCH_DEPTH; r++)
		cells[SketchCell(h, r, b->spec.param)]++;
}

static bool
SketchCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	uint64		h = SKETCH_SEED;
	int32		i;

	for (i = 0; i < j->ntouch; i++)
	{
		int32		l = j->touches[i].label;

		if (b->spec.collapse && i > 0 && l == j->touches[i - 1].label)
			continue;
		(void) StringDictIntern(&b->labels, j->labels[l], j->label_lens[l]);
		h = SketchStep(h, j->labels[l], j->label_lens[l]);
		SketchAdd(b, h);
	}
	SketchAdd(b, SketchEnd(h));
	return true;
}

static void
SketchSetSpec(CountsBuilder *b)
{
	if (b->spec.param < SKETCH_MIN_WIDTH || b->spec.param > SKETCH_MAX_WIDTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sketch width must be between %d and %d",
						SKETCH_MIN_WIDTH, SKETCH_MAX_WIDTH)));
	b->kind_state = MemoryContextAllocZero(b->cxt, (Size) SKETCH_DEPTH * b->spec.param * sizeof(int64));
}

/* A cell read from outside is added to the cells. */
static void
SketchAddKey(CountsBuilder *b, int32 position, const int32 *labels, int32 n,
			 int64 count)
{
	int64	   *cells = b->kind_state;

	if (n != 0 || position < 0 || position >= SKETCH_DEPTH * b->spec.param)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sketch cells have a position from 0 to %d and no labels",
						SKETCH_DEPTH * b->spec.param - 1)));
	if (pg_add_s64_overflow(cells[position], count, &cells[position]))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("path count out of range")));
}

/* the cells become the keys afresh; every label is alphabet */
static void
SketchBeforeEncode(CountsBuilder *b)
{
	int64	   *cells = b->kind_state;
	int32		k;

	CountsBuilderResetKeys(b);
	for (k = 0; k < SKETCH_DEPTH * b->spec.param; k++)
		if (cells[k] != 0)
			CountsBuilderAdd(b, k, NULL, 0, cells[k]);
}

const CountsKindRoutine SketchKind = {
	.name = "paths_sketch", .type_name = "path_counts_approx", .keeps_labels = true,
	.check_spec = SketchCheckSpec, .sums_begin = SketchSumsBegin,
	.check_key = SketchCheckKey, .sums_key = SketchSumsKey,
	.sums_end = SketchSumsEnd, .count_journey = SketchCountJourney,
	.set_spec = SketchSetSpec, .add_key = SketchAddKey,
	.before_encode = SketchBeforeEncode
};

COUNTS_SQL_TYPE(path_counts_approx);

/* path_counts_approx(j, capacity [, collapse_repeats]) */
Datum
path_sketch_transfn(PG_FUNCTION_ARGS)
{
	int32		width = DatumGetInt32(CountsRequiredArg(fcinfo, 2, "capacity"));
	CountsSpec	spec = {COUNTS_PATHS_SKETCH, CountsCollapseArg(fcinfo, 3), width, NULL, 0};

	if (width < SKETCH_MIN_WIDTH || width > SKETCH_MAX_WIDTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("capacity must be between %d and %d",
						SKETCH_MIN_WIDTH, SKETCH_MAX_WIDTH)));
	return CountsTransition(fcinfo, &spec, NULL);
}

/* Readers */

/* The labels of key k joined by " > ", and as an array. */
static void
KeyPath(const Counts *c, int32 k, Datum *path, Datum *labels)
{
	StringInfoData buf;
	int32		n = c->key_start[k + 1] - c->key_start[k];
	Datum	   *elems = palloc(Max(n, 1) * sizeof(Datum));
	int32		i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		text	   *t = CountsLabelText(c, c->key_labels[c->key_start[k] + i]);

		if (i > 0)
			appendStringInfoString(&buf, " > ");
		appendBinaryStringInfo(&buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		elems[i] = PointerGetDatum(t);
	}
	*path = PointerGetDatum(cstring_to_text_with_len(buf.data, buf.len));
	*labels = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
											  TYPALIGN_INT));
	/* called once per row of a reader: keep only the two results */
	for (i = 0; i < n; i++)
		pfree(DatumGetPointer(elems[i]));
	pfree(elems);
	pfree(buf.data);
}

/* Key indexes by count, largest first; ties keep the canonical order. */
static const Counts *SortCounts;

static int
CompareByCount(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	if (SortCounts->counts[x] != SortCounts->counts[y])
		return SortCounts->counts[x] > SortCounts->counts[y] ? -1 : 1;
	return (x > y) - (x < y);
}

static int32 *
KeysByCount(const Counts *c)
{
	int32	   *order = palloc(Max(c->nkeys, 1) * sizeof(int32));
	int32		k;

	for (k = 0; k < c->nkeys; k++)
		order[k] = k;
	SortCounts = c;
	qsort(order, c->nkeys, sizeof(int32), CompareByCount);
	SortCounts = NULL;
	return order;
}

/* The (other) row of top_paths: the journeys of the paths not shown. */
static void
EmitOther(ReturnSetInfo *rsinfo, int64 total, int64 shown)
{
	Datum		values[5];
	bool		nulls[5] = {true, false, true, false, false};

	if (total <= shown)
		return;
	values[1] = PointerGetDatum(cstring_to_text("(other)"));
	values[3] = Int64GetDatum(total - shown);
	values[4] = Float8GetDatum(CountsShare(total - shown, total));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * Approximate top paths from a sketch: a best-first search over path
 * prefixes, each estimated by the count-min sketch (an upper bound of its
 * true count, and never above its parent's), extended by each label of the
 * alphabet or by the end of the path.  Complete paths come out in order of
 * estimate; ties go to the shorter path, then the earlier label bytewise.
 */
#define SKETCH_MAX_EXPANSIONS 200000

typedef struct SketchNode
{
	int32		parent;			/* -1 for the empty prefix */
	int32		label;			/* last label, or -1 */
	int32		depth;
	bool		complete;		/* the path ends here */
	uint64		hash;
	int64		estimate;
} SketchNode;

typedef struct SketchSearch
{
	const Counts *c;
	int64	   *cells;
	SketchNode *nodes;
	int32		nnodes;
	int32		maxnodes;
	int32	   *heap;
	int32		nheap;
} SketchSearch;

static int64
SketchEstimate(const SketchSearch *s, uint64 h)
{
	int64		best = PG_INT64_MAX;
	int32		r;

	for (r = 0; r < SKETCH_DEPTH; r++)
		best = Min(best, s->cells[SketchCell(h, r, s->c->spec.param)]);
	return best;
}

/* Heap order: larger estimate, then shorter, then created earlier. */
static bool
NodeBefore(const SketchSearch *s, int32 a, int32 b)
{
	const SketchNode *x = &s->nodes[a];
	const SketchNode *y = &s->nodes[b];

	if (x->estimate != y->estimate)
		return x->estimate > y->estimate;
	if (x->depth != y->depth)
		return x->depth < y->depth;
	return a < b;
}

static void
HeapPush(SketchSearch *s, int32 id)
{
	int32		i = s->nheap++;

	while (i > 0 && NodeBefore(s, id, s->heap[(i - 1) / 2]))
	{
		s->heap[i] = s->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->heap[i] = id;
}

static int32
HeapPop(SketchSearch *s)
{
	int32		top = s->heap[0];
	int32		last = s->heap[--s->nheap];
	int32		i = 0;

	for (;;)
	{
		int32		child = 2 * i + 1;

		if (child >= s->nheap)
			break;
		if (child + 1 < s->nheap && NodeBefore(s, s->heap[child + 1], s->heap[child]))
			child++;
		if (!NodeBefore(s, s->heap[child], last))
			break;
		s->heap[i] = s->heap[child];
		i = child;
	}
	if (s->nheap > 0)
		s->heap[i] = last;
	return top;
}

static void
AddNode(SketchSearch *s, int32 parent, int32 label, bool complete,
		uint64 h, int64 estimate)
{
	SketchNode *n;

	if (estimate <= 0)
		return;
	if (s->nnodes >= s->maxnodes)
	{
		s->maxnodes *= 2;
		s->nodes = repalloc(s->nodes, s->maxnodes * sizeof(SketchNode));
		s->heap = repalloc(s->heap, s->maxnodes * sizeof(int32));
	}
	n = &s->nodes[s->nnodes];
	n->parent = parent;
	n->label = label;
	n->depth = parent < 0 ? 0 : s->nodes[parent].depth + (complete ? 0 : 1);
	n->complete = complete;
	n->hash = h;
	n->estimate = estimate;
	HeapPush(s, s->nnodes++);
}

/* Label indexes of the path ending at node id, in order. */
static int32
NodePath(const SketchSearch *s, int32 id, int32 *path)
{
	int32		n = s->nodes[id].depth;
	int32		i = n;

	for (; id >= 0; id = s->nodes[id].parent)
		if (s->nodes[id].label >= 0 && !s->nodes[id].complete)
			path[--i] = s->nodes[id].label;
	return n;
}

static void
SketchTopPaths(ReturnSetInfo *rsinfo, const Counts *c, int32 n)
{
	SketchSearch s = {c};
	MemoryContext rowcxt;
	Datum	   *label_texts;
	int32		k;
	int32		emitted = 0;
	int32		expansions = 0;
	int64		shown = 0;

	s.cells = palloc0((Size) SKETCH_DEPTH * c->spec.param * sizeof(int64));
	for (k = 0; k < c->nkeys; k++)
		s.cells[c->positions[k]] = c->counts[k];
	s.maxnodes = 1024;
	s.nodes = palloc(s.maxnodes * sizeof(SketchNode));
	s.heap = palloc(s.maxnodes * sizeof(int32));
	AddNode(&s, -1, -1, false, SKETCH_SEED, c->total);

	/*
	 * Row r is a path of up to r labels: made in a context reset per row, so
	 * memory follows the longest row, not the sum of all rows, and each
	 * label's text is made once, not once per occurrence.
	 */
	label_texts = palloc0(Max(c->nlabels, 1) * sizeof(Datum));
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "top_paths row",
								   ALLOCSET_DEFAULT_SIZES);
	while (s.nheap > 0 && emitted < n && expansions++ < SKETCH_MAX_EXPANSIONS)
	{
		int32		id = HeapPop(&s);
		SketchNode node = s.nodes[id];
		int32		l;

		if (node.complete)
		{
			MemoryContext old = MemoryContextSwitchTo(rowcxt);
			Datum		values[5];
			bool		nulls[5] = {0};
			int32	   *path = palloc(Max(node.depth, 1) * sizeof(int32));
			Datum	   *elems = palloc(Max(node.depth, 1) * sizeof(Datum));
			StringInfoData buf;
			int32		len = NodePath(&s, id, path);
			int32		i;

			initStringInfo(&buf);
			for (i = 0; i < len; i++)
			{
				if (label_texts[path[i]] == (Datum) 0)
				{
					MemoryContextSwitchTo(old);
					label_texts[path[i]] = PointerGetDatum(CountsLabelText(c, path[i]));
					MemoryContextSwitchTo(rowcxt);
				}
				if (i > 0)
					appendStringInfoString(&buf, " > ");
				appendBinaryStringInfo(&buf, c->labels[path[i]], c->label_lens[path[i]]);
				elems[i] = label_texts[path[i]];
			}
			values[0] = Int32GetDatum(++emitted);
			values[1] = PointerGetDatum(cstring_to_text_with_len(buf.data, buf.len));
			values[2] = PointerGetDatum(construct_array(elems, len, TEXTOID, -1, false, TYPALIGN_INT));
			values[3] = Int64GetDatum(node.estimate);
			values[4] = Float8GetDatum(CountsShare(node.estimate, c->total));
			shown += node.estimate;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			MemoryContextSwitchTo(old);
			MemoryContextReset(rowcxt);
			CHECK_FOR_INTERRUPTS();
			continue;
		}
		AddNode(&s, id, -1, true, SketchEnd(node.hash),
				Min(node.estimate, SketchEstimate(&s, SketchEnd(node.hash))));
		for (l = 0; l < c->nlabels; l++)
		{
			uint64		h;

			if (c->spec.collapse && node.label == l)
				continue;
			h = SketchStep(node.hash, c->labels[l], c->label_lens[l]);
			AddNode(&s, id, l, false, h, Min(node.estimate, SketchEstimate(&s, h)));
		}
		CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(rowcxt);
	EmitOther(rsinfo, c->total, shown);
}

/*
 * top_paths(counts, n): the n most frequent paths (rank, path, labels,
 * journeys, share), then one '(other)' row with the rest, if any.
 */
Datum
top_paths(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	int32		n = PG_GETARG_INT32(1);
	int32	   *order;
	int64		shown = 0;
	int32		r;

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the number of paths must not be negative")));
	JourneyInitRowsResult(fcinfo);
	CountsReadArg(fcinfo, &c, COUNTS_PATHS, COUNTS_PATHS_SKETCH);
	if (c.spec.kind == COUNTS_PATHS_SKETCH)
	{
		SketchTopPaths(rsinfo, &c, n);
		return (Datum) 0;
	}
	order = KeysByCount(&c);
	for (r = 0; r < n && r < c.nkeys; r++)
	{
		Datum		values[5];
		bool		nulls[5] = {0};

		values[0] = Int32GetDatum(r + 1);
		KeyPath(&c, order[r], &values[1], &values[2]);
		values[3] = Int64GetDatum(c.counts[order[r]]);
		values[4] = Float8GetDatum(CountsShare(c.counts[order[r]], c.total));
		shown += c.counts[order[r]];
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[1]));
		pfree(DatumGetPointer(values[2]));
		CHECK_FOR_INTERRUPTS();
	}
	EmitOther(rsinfo, c.total, shown);
	return (Datum) 0;
}

/*
 * transitions(counts): (from_label, to_label, transitions, probability),
 * probability being the share of the transitions out of from_label.
 */
Datum
transitions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	int32		k;
	int32		group = 0;

	JourneyInitRowsResult(fcinfo);
	CountsReadArg(fcinfo, &c, COUNTS_TRANSITIONS, COUNTS_TRANSITIONS);
	/* keys are sorted by from label: each group of equal ones is contiguous */
	while (group < c.nkeys)
	{
		int32		from = c.key_labels[c.key_start[group]];
		int32		next = group;
		int64		out = 0;

		while (next < c.nkeys && c.key_labels[c.key_start[next]] == from)
			out += c.counts[next++];
		for (k = group; k < next; k++)
		{
			Datum		values[4];
			bool		nulls[4] = {0};

			values[0] = PointerGetDatum(CountsLabelText(&c, from));
			values[1] = PointerGetDatum(CountsLabelText(&c, c.key_labels[c.key_start[k] + 1]));
			values[2] = Int64GetDatum(c.counts[k]);
			values[3] = Float8GetDatum(CountsShare(c.counts[k], out));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		group = next;
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/* ngrams(counts): (ngram, labels, occurrences, share of all occurrences) */
Datum
ngrams(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	int32	   *order;
	int64		all = 0;
	int32		k;

	JourneyInitRowsResult(fcinfo);
	CountsReadArg(fcinfo, &c, COUNTS_NGRAMS, COUNTS_NGRAMS);
	for (k = 0; k < c.nkeys; k++)
		all += c.counts[k];
	order = KeysByCount(&c);
	for (k = 0; k < c.nkeys; k++)
	{
		Datum		values[4];
		bool		nulls[4] = {0};

		KeyPath(&c, order[k], &values[0], &values[1]);
		values[2] = Int64GetDatum(c.counts[order[k]]);
		values[3] = Float8GetDatum(CountsShare(c.counts[order[k]], all));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * Key indexes by position, then count, largest first; ties keep the
 * canonical order (markers, then labels bytewise).
 */
static int
CompareByPositionCount(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	if (SortCounts->positions[x] != SortCounts->positions[y])
		return SortCounts->positions[x] < SortCounts->positions[y] ? -1 : 1;
	return CompareByCount(a, b);
}

/*
 * path_steps(counts): (step, label, journeys, share): for step +k, the
 * label k touchpoints after the anchor, for -k, k before; share of the
 * journeys that have the anchor.  Rows go by step in time order (-n to
 * n), each step's labels most frequent first.
 */
Datum
path_steps(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	int32	   *order;
	int32		k;

	JourneyInitRowsResult(fcinfo);
	CountsReadArg(fcinfo, &c, COUNTS_STEPS, COUNTS_STEPS);
	order = palloc(Max(c.nkeys, 1) * sizeof(int32));
	for (k = 0; k < c.nkeys; k++)
		order[k] = k;
	SortCounts = &c;
	qsort(order, c.nkeys, sizeof(int32), CompareByPositionCount);
	SortCounts = NULL;
	for (k = 0; k < c.nkeys; k++)
	{
		int32		key = order[k];
		Datum		values[4];
		bool		nulls[4] = {0};

		values[0] = Int32GetDatum(c.positions[key]);
		values[1] = PointerGetDatum(CountsLabelText(&c, c.key_labels[c.key_start[key]]));
		values[2] = Int64GetDatum(c.counts[key]);
		values[3] = Float8GetDatum(CountsShare(c.counts[key], c.total));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[1]));
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

typedef struct FlowEdge
{
	int32		depth;
	int32		from;
	int32		to;
	int64		journeys;
} FlowEdge;

static int
CompareEdges(const void *a, const void *b)
{
	const FlowEdge *x = a;
	const FlowEdge *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

/*
 * Journeys through each node (depth, label): the flow into it, or out of
 * it at depth 0; as FlowEdges with from unused, sorted, duplicates summed.
 */
static FlowEdge *
NodeTotals(const Counts *c, int32 *nnodes)
{
	FlowEdge   *nodes = palloc(Max(2 * c->nkeys, 1) * sizeof(FlowEdge));
	int32		n = 0;
	int32		out = 0;
	int32		k;

	for (k = 0; k < c->nkeys; k++)
	{
		const int32 *key = c->key_labels + c->key_start[k];

		nodes[n++] = (FlowEdge) {c->positions[k], 0, key[1], c->counts[k]};
		if (c->positions[k] == 1)
			nodes[n++] = (FlowEdge) {0, 0, key[0], c->counts[k]};
	}
	qsort(nodes, n, sizeof(FlowEdge), CompareEdges);
	for (k = 0; k < n; k++)
	{
		if (out > 0 && CompareEdges(&nodes[out - 1], &nodes[k]) == 0)
			nodes[out - 1].journeys += nodes[k].journeys;
		else
			nodes[out++] = nodes[k];
	}
	*nnodes = out;
	return nodes;
}

static int64
NodeJourneys(const FlowEdge *nodes, int32 nnodes, int32 depth, int32 label)
{
	FlowEdge	key = {depth, 0, label, 0};
	FlowEdge   *found = bsearch(&key, nodes, nnodes, sizeof(FlowEdge),
								CompareEdges);

	return found ? found->journeys : 0;
}

/*
 * A Sankey node id: the node's depth, zero-padded to the digits of the
 * deepest depth so that ids sort as text in depth order, then ': ' and the
 * label: '0: search' for a depth of at most 9, '03: search' for 10 to 99.
 */
static text *
FlowNodeId(const Counts *c, int32 width, int32 depth, int32 label)
{
	text	   *l = CountsLabelText(c, label);
	StringInfoData buf;
	text	   *id;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%0*d: ", width, depth);
	appendBinaryStringInfo(&buf, VARDATA_ANY(l), VARSIZE_ANY_EXHDR(l));
	id = cstring_to_text_with_len(buf.data, buf.len);
	pfree(l);
	pfree(buf.data);
	return id;
}

/*
 * flows(counts, min_journeys): Sankey edges (depth, from_label, to_label,
 * journeys, source, target); a node reached by fewer than min_journeys
 * journeys at its depth is folded into '(other)'.  source and target are
 * node ids with the edge pointing forward in time: from the node at
 * depth - 1 to the one at depth, or for backward flows from the earlier
 * touchpoint (at depth) to the later one (at depth - 1), so that a chart
 * of either reads left to right.
 */
Datum
flows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	int64		min_journeys = PG_GETARG_INT64(1);
	FlowEdge   *edges;
	FlowEdge   *nodes;
	int32		nnodes;
	int32		nedges = 0;
	int32		k;
	int			width;
	bool		backward;

	JourneyInitRowsResult(fcinfo);
	CountsReadArg(fcinfo, &c, COUNTS_FLOWS, COUNTS_FLOWS_BACKWARD);
	backward = c.spec.kind == COUNTS_FLOWS_BACKWARD;
	nodes = NodeTotals(&c, &nnodes);
	edges = palloc(Max(c.nkeys, 1) * sizeof(FlowEdge));
	for (k = 0; k < c.nkeys; k++)
	{
		const int32 *key = c.key_labels + c.key_start[k];
		FlowEdge   *e = &edges[nedges++];

		e->depth = c.positions[k];
		e->from = NodeJourneys(nodes, nnodes, e->depth - 1, key[0]) < min_journeys ?
			COUNTS_OTHER : key[0];
		e->to = NodeJourneys(nodes, nnodes, e->depth, key[1]) < min_journeys ?
			COUNTS_OTHER : key[1];
		e->journeys = c.counts[k];
		CHECK_FOR_INTERRUPTS();
	}
	qsort(edges, nedges, sizeof(FlowEdge), CompareEdges);
	width = snprintf(NULL, 0, "%d", c.spec.param);
	for (k = 0; k < nedges; k++)
	{
		Datum		values[6];
		bool		nulls[6] = {0};
		int64		journeys = edges[k].journeys;
		const FlowEdge *e;

		while (k + 1 < nedges && CompareEdges(&edges[k], &edges[k + 1]) == 0)
			journeys += edges[++k].journeys;
		e = &edges[k];
		values[0] = Int32GetDatum(e->depth);
		values[1] = PointerGetDatum(CountsLabelText(&c, e->from));
		values[2] = PointerGetDatum(CountsLabelText(&c, e->to));
		values[3] = Int64GetDatum(journeys);
		if (backward)
		{
			values[4] = PointerGetDatum(FlowNodeId(&c, width, e->depth, e->to));
			values[5] = PointerGetDatum(FlowNodeId(&c, width, e->depth - 1, e->from));
		}
		else
		{
			values[4] = PointerGetDatum(FlowNodeId(&c, width, e->depth - 1, e->from));
			values[5] = PointerGetDatum(FlowNodeId(&c, width, e->depth, e->to));
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[1]));
		pfree(DatumGetPointer(values[2]));
		pfree(DatumGetPointer(values[4]));
		pfree(DatumGetPointer(values[5]));
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
