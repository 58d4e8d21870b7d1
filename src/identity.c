/*
 * identity.c
 *	  The identity_graph type (layout in identity.h): building it from links
 *	  with the identity_links aggregate, merging graphs with identity_rollup,
 *	  and its text and binary forms.
 *
 * Text form: ["cookie:1" -- "crm:7", "cookie:2" -- "crm:7", "cookie:9"]: the
 * links, then identifiers that have none.  Binary form (version byte 1):
 * int32 identifier count, the identifiers as counted text, int32 link
 * count, then per link two int32 identifier indexes.
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "dict.h"
#include "identity.h"
#include "summary.h"
#include "textparse.h"
#include "varint.h"

#define IDENTITY_BINARY_VERSION 1

PG_FUNCTION_INFO_V1(identity_graph_in);
PG_FUNCTION_INFO_V1(identity_graph_out);
PG_FUNCTION_INFO_V1(identity_graph_recv);
PG_FUNCTION_INFO_V1(identity_graph_send);
PG_FUNCTION_INFO_V1(identity_links_transfn);
PG_FUNCTION_INFO_V1(identity_links_combine);
PG_FUNCTION_INFO_V1(identity_links_final);

typedef struct IdentityBuilder
{
	MemoryContext cxt;
	StringDict	ids;
	int32		nlinks;
	int32		maxlinks;
	IdentityLink *links;		/* builder ids, in any order, maybe repeated */
} IdentityBuilder;

static void
IdentityBuilderInit(IdentityBuilder *b, MemoryContext cxt)
{
	memset(b, 0, sizeof(*b));
	b->cxt = cxt;
	StringDictInit(&b->ids, cxt, IDENTITY_MAX_IDS,
				   "identifiers in an identity graph",
				   "Build identity graphs per smaller key, or drop identifiers that are not needed.");
}

static int32
IdentityBuilderId(IdentityBuilder *b, const char *id, int32 len)
{
	if (len > IDENTITY_MAX_ID_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("identifier too long"),
				 errdetail("An identifier has %d bytes; the limit is %d.",
						   len, IDENTITY_MAX_ID_BYTES)));
	return StringDictIntern(&b->ids, id, len);
}

/* A link of an identifier to itself only registers the identifier. */
static void
IdentityBuilderLink(IdentityBuilder *b, int32 x, int32 y)
{
	IdentityLink *link;

	if (x == y)
		return;
	if (b->nlinks >= b->maxlinks)
	{
		b->maxlinks = GrowCapacity(b->maxlinks, IDENTITY_MAX_LINKS,
								   "links in an identity graph",
								   "Deduplicate links before aggregating, or build graphs per smaller key.");
		b->links = ResizeArray(b->cxt, b->links, b->maxlinks,
							   sizeof(IdentityLink));
	}
	link = &b->links[b->nlinks++];
	link->a = Min(x, y);
	link->b = Max(x, y);
}

/* Adds a decoded graph, or a builder seen as one (its ids unsorted). */
static void
IdentityBuilderAddGraph(IdentityBuilder *b, const IdentityGraph *g)
{
	int32	   *map = palloc(Max(g->nids, 1) * sizeof(int32));
	int32		i;

	for (i = 0; i < g->nids; i++)
		map[i] = IdentityBuilderId(b, g->ids[i], g->id_lens[i]);
	for (i = 0; i < g->nlinks; i++)
	{
		IdentityBuilderLink(b, map[g->links[i].a], map[g->links[i].b]);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(map);
}

static int
CompareLinks(const void *a, const void *b)
{
	const IdentityLink *x = a;
	const IdentityLink *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

static struct varlena *
IdentityBuilderEncode(IdentityBuilder *b)
{
	const StringDict *ids = &b->ids;
	int32	   *order = StringDictSortedIds(ids);
	int32	   *rank = palloc(Max(ids->n, 1) * sizeof(int32));
	IdentityLink *links = palloc(Max(b->nlinks, 1) * sizeof(IdentityLink));
	int32		nlinks = 0;
	Size		size;
	struct varlena *result;
	uint8	   *p;
	int32		i;

	for (i = 0; i < ids->n; i++)
		rank[order[i]] = i;
	for (i = 0; i < b->nlinks; i++)
	{
		int32		x = rank[b->links[i].a];
		int32		y = rank[b->links[i].b];

		links[i].a = Min(x, y);
		links[i].b = Max(x, y);
	}
	qsort(links, b->nlinks, sizeof(IdentityLink), CompareLinks);
	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < b->nlinks; i++)
		if (nlinks == 0 || CompareLinks(&links[nlinks - 1], &links[i]) != 0)
			links[nlinks++] = links[i];

	size = VARHDRSZ + STORED_HEADER_BYTES + VarintSize(ids->n) +
		VarintSize(nlinks);
	for (i = 0; i < ids->n; i++)
		size += VarintSize(ids->lens[i]) + ids->lens[i];
	for (i = 0; i < nlinks; i++)
		size += VarintSize(links[i].a - (i > 0 ? links[i - 1].a : 0)) +
			VarintSize(links[i].b - links[i].a - 1);
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("identity graph too large"),
				 errdetail("The encoded graph would take %zu bytes; the limit is %zu.",
						   size, (Size) MaxAllocSize)));

	result = palloc(size);
	SET_VARSIZE(result, size);
	p = (uint8 *) VARDATA(result);
	*p++ = IDENTITY_FORMAT_VERSION;
	*p++ = 0;
	p = VarintWrite(p, ids->n);
	p = VarintWrite(p, nlinks);
	for (i = 0; i < ids->n; i++)
	{
		p = VarintWrite(p, ids->lens[order[i]]);
		memcpy(p, ids->strs[order[i]], ids->lens[order[i]]);
		p += ids->lens[order[i]];
	}
	for (i = 0; i < nlinks; i++)
	{
		p = VarintWrite(p, links[i].a - (i > 0 ? links[i - 1].a : 0));
		p = VarintWrite(p, links[i].b - links[i].a - 1);
	}
	Assert((Size) ((char *) p - (char *) result) == size);
	pfree(order);
	pfree(rank);
	pfree(links);
	return result;
}

void
IdentityDecode(struct varlena *stored, IdentityGraph *g)
{
	const uint8 *p;
	const uint8 *end;
	uint64		nids;
	uint64		nlinks;
	int64		a = 0;
	int32		i;

	StoredOpen(stored, IDENTITY_FORMAT_VERSION, "identity_graph", &p, &end);
	nids = VarintRead(&p, end);
	nlinks = VarintRead(&p, end);
	if (nids > IDENTITY_MAX_IDS || nlinks > IDENTITY_MAX_LINKS)
		ReportCorrupt("bad counts");
	g->nids = (int32) nids;
	g->nlinks = (int32) nlinks;
	g->ids = palloc(Max(g->nids, 1) * sizeof(char *));
	g->id_lens = palloc(Max(g->nids, 1) * sizeof(int32));
	g->links = palloc(Max(g->nlinks, 1) * sizeof(IdentityLink));
	for (i = 0; i < g->nids; i++)
	{
		uint64		len = VarintRead(&p, end);

		if (len > IDENTITY_MAX_ID_BYTES || len > (uint64) (end - p))
			ReportCorrupt("bad identifier length");
		g->ids[i] = (const char *) p;
		g->id_lens[i] = (int32) len;
		p += len;
	}
	for (i = 0; i < g->nlinks; i++)
	{
		uint64		step = VarintRead(&p, end);
		uint64		b;

		if (step > (uint64) g->nids)
			ReportCorrupt("identifier index out of range");
		a += step;
		b = VarintRead(&p, end);
		if (a >= g->nids || b >= (uint64) (g->nids - a - 1))
			ReportCorrupt("identifier index out of range");
		g->links[i].a = (int32) a;
		g->links[i].b = (int32) (a + 1 + b);
	}
	if (p != end)
		ReportCorrupt("trailing bytes");
}

/* Text and binary forms */

typedef struct GraphInput
{
	IdentityBuilder builder;
	StringInfoData id;
} GraphInput;

/* an identifier, alone or linked: "a" -- "b" */
static void
ParseLink(TextParser *ps, void *arg)
{
	GraphInput *in = arg;
	int32		x;

	ParseString(ps, &in->id);
	x = IdentityBuilderId(&in->builder, in->id.data, in->id.len);
	SkipSpace(ps);
	if (ps->p[0] == '-' && ps->p[1] == '-')
	{
		ps->p += 2;
		SkipSpace(ps);
		ParseString(ps, &in->id);
		IdentityBuilderLink(&in->builder, x,
							IdentityBuilderId(&in->builder, in->id.data, in->id.len));
	}
}

Datum
identity_graph_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	TextParser	ps = {input, input, "identity_graph",
	"Write links as [\"cookie:1\" -- \"crm:7\", ...]; a lone identifier is written alone."};
	GraphInput	in;

	IdentityBuilderInit(&in.builder, CurrentMemoryContext);
	initStringInfo(&in.id);
	ParseList(&ps, ParseLink, &in, "\"--\", \",\" or \"]\"");
	PG_RETURN_POINTER(IdentityBuilderEncode(&in.builder));
}

Datum
identity_graph_out(PG_FUNCTION_ARGS)
{
	IdentityGraph g;
	StringInfoData buf;
	bool	   *linked;
	int32		i;

	IdentityDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)), &g);
	linked = palloc0(Max(g.nids, 1) * sizeof(bool));
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (i = 0; i < g.nlinks; i++)
	{
		const IdentityLink *l = &g.links[i];

		if (buf.len > 1)
			appendStringInfoString(&buf, ", ");
		AppendQuoted(&buf, g.ids[l->a], g.id_lens[l->a]);
		appendStringInfoString(&buf, " -- ");
		AppendQuoted(&buf, g.ids[l->b], g.id_lens[l->b]);
		linked[l->a] = linked[l->b] = true;
	}
	for (i = 0; i < g.nids; i++)
	{
		if (linked[i])
			continue;
		if (buf.len > 1)
			appendStringInfoString(&buf, ", ");
		AppendQuoted(&buf, g.ids[i], g.id_lens[i]);
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_CSTRING(buf.data);
}

Datum
identity_graph_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	IdentityBuilder b;
	int32		nids;
	int32		nlinks;
	int32	   *map;
	int32		i;

	IdentityBuilderInit(&b, CurrentMemoryContext);
	if (pq_getmsgbyte(msg) != IDENTITY_BINARY_VERSION)
		BinaryError("identity_graph", "Unsupported binary format version.");
	nids = pq_getmsgint(msg, 4);
	if (nids < 0 || nids > IDENTITY_MAX_IDS || nids > (msg->len - msg->cursor) / 4)
		BinaryError("identity_graph", "Identifier count out of range.");
	map = palloc(Max(nids, 1) * sizeof(int32));
	for (i = 0; i < nids; i++)
	{
		int32		len = pq_getmsgint(msg, 4);
		int			nbytes;
		char	   *id;

		if (len < 0 || len > msg->len - msg->cursor)
			BinaryError("identity_graph", "Identifier length out of range.");
		id = pq_getmsgtext(msg, len, &nbytes);
		map[i] = IdentityBuilderId(&b, id, nbytes);
		pfree(id);
	}
	nlinks = pq_getmsgint(msg, 4);
	if (nlinks < 0 || nlinks > IDENTITY_MAX_LINKS || nlinks > (msg->len - msg->cursor) / 8)
		BinaryError("identity_graph", "Link count out of range.");
	for (i = 0; i < nlinks; i++)
	{
		int32		x = pq_getmsgint(msg, 4);
		int32		y = pq_getmsgint(msg, 4);

		if (x < 0 || x >= nids || y < 0 || y >= nids)
			BinaryError("identity_graph", "Identifier index out of range.");
		IdentityBuilderLink(&b, map[x], map[y]);
	}
	PG_RETURN_POINTER(IdentityBuilderEncode(&b));
}

Datum
identity_graph_send(PG_FUNCTION_ARGS)
{
	IdentityGraph g;
	StringInfoData buf;
	int32		i;

	IdentityDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)), &g);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, IDENTITY_BINARY_VERSION);
	pq_sendint32(&buf, g.nids);
	for (i = 0; i < g.nids; i++)
		pq_sendcountedtext(&buf, g.ids[i], g.id_lens[i], false);
	pq_sendint32(&buf, g.nlinks);
	for (i = 0; i < g.nlinks; i++)
	{
		pq_sendint32(&buf, g.links[i].a);
		pq_sendint32(&buf, g.links[i].b);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Aggregates */

static void
SummaryInit(void *builder, MemoryContext cxt)
{
	IdentityBuilderInit(builder, cxt);
}

static void
SummaryAddStored(void *builder, struct varlena *stored)
{
	IdentityGraph g;

	IdentityDecode(stored, &g);
	IdentityBuilderAddGraph(builder, &g);
}

static void
SummaryAddBuilder(void *builder, void *other)
{
	IdentityBuilder *o = other;
	IdentityGraph g;

	g.nids = o->ids.n;
	g.nlinks = o->nlinks;
	g.ids = (const char **) o->ids.strs;
	g.id_lens = o->ids.lens;
	g.links = o->links;
	IdentityBuilderAddGraph(builder, &g);
}

static struct varlena *
SummaryEncode(void *builder)
{
	return IdentityBuilderEncode(builder);
}

static const SummaryType IdentitySummary = {
	"identity_graph",
	sizeof(IdentityBuilder),
	SummaryInit,
	SummaryAddStored,
	SummaryAddBuilder,
	SummaryEncode
};

/*
 * identity_links(id_a, id_b): a link between two identifiers; with one of
 * them NULL (or both equal), the other is registered without a link.
 */
Datum
identity_links_transfn(PG_FUNCTION_ARGS)
{
	ExpandedSummary *es;
	IdentityBuilder *b;
	int32		ids[2];
	int			n = 0;
	int			arg;

	if (PG_ARGISNULL(1) && PG_ARGISNULL(2))
		RETURN_STATE_UNCHANGED();
	es = SummaryArg(fcinfo, &IdentitySummary);
	b = es->builder;
	for (arg = 1; arg <= 2; arg++)
	{
		text	   *id;

		if (PG_ARGISNULL(arg))
			continue;
		id = PG_GETARG_TEXT_PP(arg);
		ids[n++] = IdentityBuilderId(b, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id));
	}
	if (n == 2)
		IdentityBuilderLink(b, ids[0], ids[1]);
	return SummaryReturn(es);
}

/* combine function of identity_links, transition function of identity_rollup */
Datum
identity_links_combine(PG_FUNCTION_ARGS)
{
	return SummaryCombine(fcinfo, &IdentitySummary);
}

Datum
identity_links_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(SummaryDatumGetStored(&IdentitySummary,
											PG_GETARG_DATUM(0)));
}
