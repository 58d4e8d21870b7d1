/*
 * sketch.c
 *	  Approximate path counts (the paths_sketch kind, of type
 *	  path_counts_approx, built by path_counts_approx): a count-min sketch
 *	  of every prefix of every path, how it counts a journey and what shape
 *	  its cells have, and its top paths, found by a best-first search over
 *	  the sketch (top_paths, in paths.c, reads either kind).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "counts.h"
#include "journey.h"
#include "sketch.h"

PG_FUNCTION_INFO_V1(path_sketch_transfn);

/*
 * An approximate path count (COUNTS_PATHS_SKETCH) is a count-min sketch of
 * every prefix of every path and of every complete path: SKETCH_DEPTH rows
 * of `param` cells, stored as keys (cell, no labels); its labels are the
 * alphabet the reader searches.  Cells are sums, so the value does not
 * depend on the order of the journeys, and it combines by adding.  The
 * cells are counted densely in the builder and become the keys when it is
 * encoded.
 */
#define SKETCH_DEPTH			4
#define SKETCH_MIN_WIDTH		16
#define SKETCH_MAX_WIDTH		1000000
#define SKETCH_SEED				UINT64CONST(0x6a6f75726e657921)

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

/*
 * The rows of top_paths from a sketch, at most n; returns the journeys
 * they show, for the (other) row top_paths adds.
 */
int64
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
	return shown;
}
