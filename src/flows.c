/*
 * flows.c
 *	  Flow counts (the flows and backward_flows kinds, of type flow_counts):
 *	  the edges between the labels at each depth from the start of a
 *	  journey, or from an anchor, forward or backward in time; how a
 *	  journey counts, what shape the edges have, and the reader flows,
 *	  Sankey edges with rare nodes folded into '(other)'.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "counts.h"
#include "journey.h"
#include "pathkeys.h"

PG_FUNCTION_INFO_V1(flow_counts_transfn);
PG_FUNCTION_INFO_V1(flows);

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

PATH_KIND(FlowsKind, "flows", "flow_counts", SumsBeginDepth, FlowsCheckKey, FlowsSumsKey, NULL, FlowsCountJourney);
PATH_KIND(FlowsBackwardKind, "backward_flows", "flow_counts", SumsBeginDepth, FlowsCheckKey, FlowsSumsKey, NULL, FlowsCountJourney);

COUNTS_SQL_TYPE(flow_counts);

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
	static const Oid columns[] = {INT4OID, TEXTOID, TEXTOID, INT8OID, TEXTOID, TEXTOID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	int64		min_journeys = PG_GETARG_INT64(1);
	FlowEdge   *edges;
	FlowEdge   *nodes;
	int32		nnodes;
	int32		nedges = 0;
	int32		k;
	int			width;
	bool		backward;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_FLOWS, COUNTS_FLOWS_BACKWARD);
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
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};
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
