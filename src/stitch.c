/*
 * stitch.c
 *	  Identity resolution over an identity_graph (DESIGN.md S9): clusters of
 *	  identifiers that belong to one person, a canonical person id for each,
 *	  and the identifiers shared by several known customers.
 *
 * Clusters are connected components, found with union-find (union by size,
 * path compression; no recursion).  The canonical id of a cluster is the
 * bytewise smallest identifier with the best-ranked prefix in prefer, or
 * the bytewise smallest identifier when none has a preferred prefix.
 *
 * With known (a prefix marking known customers, such as 'crm:'), two known
 * customers are never merged: known identifiers are persons of their own,
 * links between known identifiers are ignored, and the other identifiers
 * are grouped through links among themselves.  A group attached to exactly
 * one known customer belongs to that customer; a group attached to none is
 * an anonymous person; a group attached to several (a shared device) gets
 * no person, and identity_conflicts reports it.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "dict.h"
#include "identity.h"
#include "journey.h"

PG_FUNCTION_INFO_V1(identity_resolve);
PG_FUNCTION_INFO_V1(identity_conflicts);

static int32
Find(int32 *parent, int32 x)
{
	int32		root = x;

	while (parent[root] != root)
		root = parent[root];
	while (parent[x] != root)
	{
		int32		next = parent[x];

		parent[x] = root;
		x = next;
	}
	return root;
}

static void
Union(int32 *parent, int32 *size, int32 x, int32 y)
{
	x = Find(parent, x);
	y = Find(parent, y);
	if (x == y)
		return;
	if (size[x] < size[y])
	{
		int32		t = x;

		x = y;
		y = t;
	}
	parent[y] = x;
	size[x] += size[y];
}

static bool
HasPrefix(const IdentityGraph *g, int32 id, const char *prefix, int32 len)
{
	return g->id_lens[id] >= len && memcmp(g->ids[id], prefix, len) == 0;
}

/* A pair (group root, known identifier) in split mode. */
typedef struct Attachment
{
	int32		root;
	int32		known;
} Attachment;

static int
CompareAttachments(const void *a, const void *b)
{
	const Attachment *x = a;
	const Attachment *y = b;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	return (x->known > y->known) - (x->known < y->known);
}

typedef struct Resolution
{
	IdentityGraph g;
	int32	   *root;			/* group of each identifier */
	int32	   *person;			/* person of each identifier, -1: none */
	bool	   *known;			/* NULL without a known prefix */
	Attachment *attached;		/* sorted, unique (split mode) */
	int32		nattached;
	int32	   *first_attached; /* per root: index into attached, or -1 */
	int32	   *nknown;			/* per root: known customers attached */
} Resolution;

/*
 * Resolves the graph in argument 0 with the given preference list (NULL:
 * none) and known prefix (NULL: merge mode).
 */
static void
Resolve(FunctionCallInfo fcinfo, ArrayType *prefer, text *known,
		Resolution *r)
{
	IdentityGraph *g = &r->g;
	int32	   *parent;
	int32	   *size;
	int32	   *rank;
	int32	   *best;
	int32	   *unranked;
	Datum	   *prefixes = NULL;
	bool	   *prefix_nulls = NULL;
	int			nprefixes = 0;
	int			k;
	int32		i;

	IdentityDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)), g);
	parent = palloc(Max(g->nids, 1) * sizeof(int32));
	size = palloc(Max(g->nids, 1) * sizeof(int32));
	for (i = 0; i < g->nids; i++)
	{
		parent[i] = i;
		size[i] = 1;
	}

	r->known = NULL;
	if (known != NULL)
	{
		r->known = palloc(Max(g->nids, 1) * sizeof(bool));
		for (i = 0; i < g->nids; i++)
			r->known[i] = HasPrefix(g, i, VARDATA_ANY(known),
									VARSIZE_ANY_EXHDR(known));
	}
	for (i = 0; i < g->nlinks; i++)
	{
		const IdentityLink *l = &g->links[i];

		if (r->known == NULL || (!r->known[l->a] && !r->known[l->b]))
			Union(parent, size, l->a, l->b);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	r->root = palloc(Max(g->nids, 1) * sizeof(int32));
	for (i = 0; i < g->nids; i++)
		r->root[i] = Find(parent, i);

	/*
	 * rank of each identifier's prefix in prefer; nprefixes if none.  The
	 * identifiers with a prefix are a run of the sorted identifiers; taking
	 * the prefixes in rank order, each identifier is ranked once, by the
	 * first prefix that reaches it, and unranked[] (a skip list compressed
	 * like union-find) steps over those already ranked: about
	 * identifiers + prefixes x log(identifiers), not their product.
	 */
	if (prefer != NULL)
		deconstruct_array(prefer, TEXTOID, -1, false, TYPALIGN_INT,
						  &prefixes, &prefix_nulls, &nprefixes);
	rank = palloc(Max(g->nids, 1) * sizeof(int32));
	best = palloc(Max(g->nids, 1) * sizeof(int32));
	unranked = palloc((g->nids + 1) * sizeof(int32));
	for (i = 0; i < g->nids; i++)
	{
		rank[i] = nprefixes;
		best[i] = -1;
	}
	for (i = 0; i <= g->nids; i++)
		unranked[i] = i;
	for (k = 0; k < nprefixes; k++)
	{
		text	   *prefix;
		int32		len;

		CHECK_FOR_INTERRUPTS();
		if (prefix_nulls[k])
			continue;
		prefix = DatumGetTextPP(prefixes[k]);
		len = VARSIZE_ANY_EXHDR(prefix);
		for (i = Find(unranked, SortedLowerBound(g->ids, g->id_lens, g->nids,
												 VARDATA_ANY(prefix), len));
			 i < g->nids && HasPrefix(g, i, VARDATA_ANY(prefix), len);
			 i = Find(unranked, i + 1))
		{
			rank[i] = k;
			unranked[i] = i + 1;
		}
	}
	/* identifiers are sorted, so the first of the best rank is the smallest */
	for (i = 0; i < g->nids; i++)
	{
		int32	   *b = &best[r->root[i]];

		if (r->known != NULL && r->known[i])
			continue;
		if (*b < 0 || rank[i] < rank[*b])
			*b = i;
	}

	r->person = palloc(Max(g->nids, 1) * sizeof(int32));
	r->nattached = 0;
	r->attached = NULL;
	r->nknown = NULL;
	r->first_attached = NULL;
	if (r->known == NULL)
	{
		for (i = 0; i < g->nids; i++)
			r->person[i] = best[r->root[i]];
		return;
	}

	/* split mode: which known customers each group is attached to */
	r->attached = palloc(Max(g->nlinks, 1) * sizeof(Attachment));
	for (i = 0; i < g->nlinks; i++)
	{
		const IdentityLink *l = &g->links[i];

		if (r->known[l->a] == r->known[l->b])
			continue;
		r->attached[r->nattached].root = r->root[r->known[l->a] ? l->b : l->a];
		r->attached[r->nattached].known = r->known[l->a] ? l->a : l->b;
		r->nattached++;
	}
	qsort(r->attached, r->nattached, sizeof(Attachment), CompareAttachments);
	r->nknown = palloc0(Max(g->nids, 1) * sizeof(int32));
	r->first_attached = palloc(Max(g->nids, 1) * sizeof(int32));
	for (i = 0; i < g->nids; i++)
		r->first_attached[i] = -1;
	for (i = 0; i < r->nattached; i++)
	{
		const Attachment *at = &r->attached[i];

		if (i > 0 && CompareAttachments(&r->attached[i - 1], at) == 0)
			continue;
		if (r->first_attached[at->root] < 0)
			r->first_attached[at->root] = i;
		r->nknown[at->root]++;
	}
	for (i = 0; i < g->nids; i++)
	{
		int32		root = r->root[i];

		if (r->known[i])
			r->person[i] = i;
		else if (r->nknown[root] == 0)
			r->person[i] = best[root];
		else if (r->nknown[root] == 1)
			r->person[i] = r->attached[r->first_attached[root]].known;
		else
			r->person[i] = -1;
	}
}

static text *
IdText(const IdentityGraph *g, int32 id)
{
	return cstring_to_text_with_len(g->ids[id], g->id_lens[id]);
}

/*
 * identity_resolve(graph, prefer, known): rows (id, person_id), one per
 * identifier, in bytewise order of id.
 */
Datum
identity_resolve(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, TEXTOID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Resolution	r;
	MemoryContext rowcxt;
	int32		i;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	Resolve(fcinfo, PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1),
			PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2), &r);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "identity_resolve row",
								   ALLOCSET_SMALL_SIZES);
	for (i = 0; i < r.g.nids; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(rowcxt);
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {false, r.person[i] < 0};

		values[0] = PointerGetDatum(IdText(&r.g, i));
		values[1] = nulls[1] ? (Datum) 0 : PointerGetDatum(IdText(&r.g, r.person[i]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/* The known customers attached to group root, sorted bytewise. */
static ArrayType *
KnownIds(const Resolution *r, int32 root)
{
	Datum	   *elems = palloc(r->nknown[root] * sizeof(Datum));
	ArrayType  *a;
	int32		n = 0;
	int32		k;

	for (k = r->first_attached[root];
		 k < r->nattached && r->attached[k].root == root; k++)
		if (k == r->first_attached[root] ||
			r->attached[k].known != r->attached[k - 1].known)
			elems[n++] = PointerGetDatum(IdText(&r->g, r->attached[k].known));
	a = construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
	for (k = 0; k < n; k++)
		pfree(DatumGetPointer(elems[k]));
	pfree(elems);
	return a;
}

/*
 * identity_conflicts(graph, known): rows (id, known_ids) for every
 * identifier that links, through identifiers that are not known customers,
 * to two or more known customers; known_ids sorted bytewise.  The output
 * is members x known customers, so it is made row by row, and each group's
 * array once (all of them together hold each attachment once: they follow
 * the graph's size).
 */
Datum
identity_conflicts(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, TEXTARRAYOID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Resolution	r;
	ArrayType **arrays;
	MemoryContext rowcxt;
	int32		i;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	Resolve(fcinfo, NULL, PG_GETARG_TEXT_PP(1), &r);
	arrays = palloc0(Max(r.g.nids, 1) * sizeof(ArrayType *));
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "identity_conflicts row",
								   ALLOCSET_SMALL_SIZES);
	for (i = 0; i < r.g.nids; i++)
	{
		int32		root = r.root[i];
		MemoryContext old;
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {false, false};

		if (r.known[i] || r.nknown[root] < 2)
			continue;
		if (arrays[root] == NULL)
			arrays[root] = KnownIds(&r, root);
		old = MemoryContextSwitchTo(rowcxt);
		values[0] = PointerGetDatum(IdText(&r.g, i));
		values[1] = PointerGetDatum(arrays[root]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
