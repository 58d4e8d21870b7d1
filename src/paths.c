/*
 * paths.c
 *	  Readers of path_counts values: top paths, transitions, n-grams,
 *	  next/previous steps and Sankey flows, each as plain rows.
 *
 * The markers of counts.h read as '(start)' and '(end)'; flows fold rare
 * nodes into '(other)'.  Ties in every ranking are broken by the key's
 * canonical order (labels bytewise), so results never depend on the plan.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "counts.h"
#include "journey.h"
#include "params.h"

PG_FUNCTION_INFO_V1(top_paths);
PG_FUNCTION_INFO_V1(transitions);
PG_FUNCTION_INFO_V1(ngrams);
PG_FUNCTION_INFO_V1(path_steps);
PG_FUNCTION_INFO_V1(flows);
PG_FUNCTION_INFO_V1(touchpoint_health);
PG_FUNCTION_INFO_V1(reentries);
PG_FUNCTION_INFO_V1(cohort_retention);

/* Decodes argument 0 and checks that it counts what the reader reads. */
static void
CountsArg(FunctionCallInfo fcinfo, Counts *c, int kind1, int kind2)
{
	CountsDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)), c);
	if (c->spec.kind != kind1 && c->spec.kind != kind2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot read path counts of kind %s",
						get_func_name(fcinfo->flinfo->fn_oid),
						CountsKindName(c->spec.kind)),
				 errhint("Read %s counts with the function made for them.",
						 CountsKindName(c->spec.kind))));
}

static text *
KeyLabelText(const Counts *c, int32 v)
{
	if (v < 0)
		return cstring_to_text(CountsMarkerName(v));
	return cstring_to_text_with_len(c->labels[v], c->label_lens[v]);
}

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
		text	   *t = KeyLabelText(c, c->key_labels[c->key_start[k] + i]);

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

static double
Share(int64 part, int64 whole)
{
	return whole > 0 ? (double) part / (double) whole : 0.0;
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
	values[4] = Float8GetDatum(Share(total - shown, total));
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
					label_texts[path[i]] = PointerGetDatum(KeyLabelText(c, path[i]));
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
			values[4] = Float8GetDatum(Share(node.estimate, c->total));
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
	CountsArg(fcinfo, &c, COUNTS_PATHS, COUNTS_PATHS_SKETCH);
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
		values[4] = Float8GetDatum(Share(c.counts[order[r]], c.total));
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
	CountsArg(fcinfo, &c, COUNTS_TRANSITIONS, COUNTS_TRANSITIONS);
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

			values[0] = PointerGetDatum(KeyLabelText(&c, from));
			values[1] = PointerGetDatum(KeyLabelText(&c, c.key_labels[c.key_start[k] + 1]));
			values[2] = Int64GetDatum(c.counts[k]);
			values[3] = Float8GetDatum(Share(c.counts[k], out));
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
	CountsArg(fcinfo, &c, COUNTS_NGRAMS, COUNTS_NGRAMS);
	for (k = 0; k < c.nkeys; k++)
		all += c.counts[k];
	order = KeysByCount(&c);
	for (k = 0; k < c.nkeys; k++)
	{
		Datum		values[4];
		bool		nulls[4] = {0};

		KeyPath(&c, order[k], &values[0], &values[1]);
		values[2] = Int64GetDatum(c.counts[order[k]]);
		values[3] = Float8GetDatum(Share(c.counts[order[k]], all));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * path_steps(counts): (step, label, journeys, share): for step +k, the
 * label k touchpoints after the anchor, for -k, k before; share of the
 * journeys that have the anchor.
 */
Datum
path_steps(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	int32	   *order;
	int32		k;

	JourneyInitRowsResult(fcinfo);
	CountsArg(fcinfo, &c, COUNTS_STEPS, COUNTS_STEPS);
	order = KeysByCount(&c);
	for (k = 0; k < c.nkeys; k++)
	{
		int32		key = order[k];
		Datum		values[4];
		bool		nulls[4] = {0};

		values[0] = Int32GetDatum(c.positions[key]);
		values[1] = PointerGetDatum(KeyLabelText(&c, c.key_labels[c.key_start[key]]));
		values[2] = Int64GetDatum(c.counts[key]);
		values[3] = Float8GetDatum(Share(c.counts[key], c.total));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
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
 * flows(counts, min_journeys): Sankey edges (depth, from_label, to_label,
 * journeys); a node reached by fewer than min_journeys journeys at its
 * depth is folded into '(other)'.
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

	JourneyInitRowsResult(fcinfo);
	CountsArg(fcinfo, &c, COUNTS_FLOWS, COUNTS_FLOWS_BACKWARD);
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
	for (k = 0; k < nedges; k++)
	{
		Datum		values[4];
		bool		nulls[4] = {0};
		int64		journeys = edges[k].journeys;

		while (k + 1 < nedges && CompareEdges(&edges[k], &edges[k + 1]) == 0)
			journeys += edges[++k].journeys;
		values[0] = Int32GetDatum(edges[k].depth);
		values[1] = PointerGetDatum(KeyLabelText(&c, edges[k].from));
		values[2] = PointerGetDatum(KeyLabelText(&c, edges[k].to));
		values[3] = Int64GetDatum(journeys);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

typedef struct LabelHealth
{
	int64		stat[HEALTH_VALUE_MINUS + 1];	/* by position */
	int64		dropouts;		/* sessions ended here, journey went on */
	int64		gaps_seen;		/* histogram counts read so far */
	int64		median;			/* lower median gap, or -1 */
} LabelHealth;

/*
 * touchpoint_health(counts): per label (label, journeys, touchpoints,
 * exits, exit_rate, avg_value, median_time_to_next, dropouts).
 */
Datum
touchpoint_health(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	LabelHealth *h;
	int32		k;
	int32		l;

	JourneyInitRowsResult(fcinfo);
	CountsArg(fcinfo, &c, COUNTS_HEALTH, COUNTS_HEALTH);
	h = palloc0(Max(c.nlabels, 1) * sizeof(LabelHealth));
	for (l = 0; l < c.nlabels; l++)
		h[l].median = -1;
	for (k = 0; k < c.nkeys; k++)
	{
		int32		pos = c.positions[k];
		LabelHealth *lh = &h[c.key_labels[c.key_start[k]]];
		int64		gaps;

		if (pos == HEALTH_REENTRIES)
			lh->dropouts += c.counts[k];
		else if (pos < HEALTH_GAPS)
			lh->stat[pos] += c.counts[k];
		else
		{
			/*
			 * Buckets come in increasing order after the statistics: the
			 * lower median, element (gaps - 1) / 2, is crossed once.
			 */
			gaps = lh->stat[HEALTH_TOUCHPOINTS] - lh->stat[HEALTH_EXITS];
			if (lh->median < 0 && lh->gaps_seen + c.counts[k] > (gaps - 1) / 2)
				lh->median = (int64) GapBucketMiddle(pos - HEALTH_GAPS);
			lh->gaps_seen += c.counts[k];
		}
	}
	for (l = 0; l < c.nlabels; l++)
	{
		const LabelHealth *lh = &h[l];
		Datum		values[8];
		bool		nulls[8] = {0};

		values[0] = PointerGetDatum(cstring_to_text_with_len(c.labels[l], c.label_lens[l]));
		values[1] = Int64GetDatum(lh->stat[HEALTH_JOURNEYS]);
		values[2] = Int64GetDatum(lh->stat[HEALTH_TOUCHPOINTS]);
		values[3] = Int64GetDatum(lh->stat[HEALTH_EXITS]);
		values[4] = Float8GetDatum(Share(lh->stat[HEALTH_EXITS], lh->stat[HEALTH_JOURNEYS]));
		nulls[5] = lh->stat[HEALTH_VALUES] == 0;
		if (!nulls[5])
			values[5] = Float8GetDatum(((double) lh->stat[HEALTH_VALUE_PLUS] -
										(double) lh->stat[HEALTH_VALUE_MINUS]) /
									   HEALTH_VALUE_SCALE / lh->stat[HEALTH_VALUES]);
		values[6] = IntervalFromMicros(lh->median, &nulls[6]);
		values[7] = Int64GetDatum(lh->dropouts);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * reentries(counts): (exit_label, reentry_label, occurrences, share): how
 * often a session ended at exit_label and the journey came back later at
 * reentry_label; share of the drop-outs at exit_label.
 */
Datum
reentries(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	int64	   *dropouts;
	int32		k;

	JourneyInitRowsResult(fcinfo);
	CountsArg(fcinfo, &c, COUNTS_HEALTH, COUNTS_HEALTH);
	dropouts = palloc0(Max(c.nlabels, 1) * sizeof(int64));
	for (k = 0; k < c.nkeys; k++)
		if (c.positions[k] == HEALTH_REENTRIES)
			dropouts[c.key_labels[c.key_start[k]]] += c.counts[k];
	for (k = 0; k < c.nkeys; k++)
	{
		const int32 *key = c.key_labels + c.key_start[k];
		Datum		values[4];
		bool		nulls[4] = {0};

		if (c.positions[k] != HEALTH_REENTRIES)
			continue;
		values[0] = PointerGetDatum(KeyLabelText(&c, key[0]));
		values[1] = PointerGetDatum(KeyLabelText(&c, key[1]));
		values[2] = Int64GetDatum(c.counts[k]);
		values[3] = Float8GetDatum(Share(c.counts[k], dropouts[key[0]]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * cohort_retention(counts): (cohort, period, journeys, share): journeys
 * of the cohort starting at `cohort` active `period` periods after their
 * first, and their share of the cohort.
 */
Datum
cohort_retention(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	int64	   *size;
	int32		k;

	JourneyInitRowsResult(fcinfo);
	CountsArg(fcinfo, &c, COUNTS_COHORTS, COUNTS_COHORTS);
	size = palloc0(Max(c.nlabels, 1) * sizeof(int64));
	for (k = 0; k < c.nkeys && c.positions[k] == 0; k++)
		size[c.key_labels[c.key_start[k]]] = c.counts[k];
	for (k = 0; k < c.nkeys; k++)
	{
		int32		label = c.key_labels[c.key_start[k]];
		char	   *name = pnstrdup(c.labels[label], c.label_lens[label]);
		Datum		values[4];
		bool		nulls[4] = {0};

		values[0] = TimestampTzGetDatum(CohortStart(strtoll(name, NULL, 10), c.spec.param));
		values[1] = Int32GetDatum(c.positions[k]);
		values[2] = Int64GetDatum(c.counts[k]);
		values[3] = Float8GetDatum(Share(c.counts[k], size[label]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
