/*
 * argcache.c
 *	  A function's arguments, parsed once and kept across the rows of a
 *	  call site while they stay the same.
 *
 * An aggregate such as funnel_counts(j, steps, within) is called once per
 * journey with the same definition; parsing and checking it every time
 * took a fifth of the aggregate's time.  The cache keeps copies of the
 * arguments and what parse made of them in a context of its own under
 * fn_mcxt, so it lives exactly as long as the FmgrInfo, and compares the
 * next row's arguments with the copies: equal bytes mean the same value.
 * Arguments that change from row to row reset the context before each
 * parse, so they never pile up.  Without a call expression (Citus calls
 * transition functions so) the declared argument types serve; only where
 * one is polymorphic does every call parse afresh in the caller's context.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "argcache.h"

typedef struct ArgCache
{
	MemoryContext cxt;			/* the copies and the parsed value */
	ArgCacheParse parse;
	int			first;
	int			nargs;			/* the arguments kept, from first on */
	bool		valid;			/* false until a parse completes */
	int16	   *typlen;
	bool	   *typbyval;
	Datum	   *values;			/* copies, detoasted */
	bool	   *nulls;
	void	   *parsed;
} ArgCache;

static ArgCache *
ArgCacheCreate(FunctionCallInfo fcinfo, int first, int nargs, ArgCacheParse parse)
{
	Oid		   *types = palloc(Max(nargs, 1) * sizeof(Oid));
	Oid		   *declared = NULL;	/* of fn_oid, looked up if needed */
	int			ndeclared = 0;
	ArgCache   *c;
	int			i;

	for (i = 0; i < nargs; i++)
	{
		types[i] = get_fn_expr_argtype(fcinfo->flinfo, first + i);
		if (OidIsValid(types[i]))
			continue;
		/* no call expression: the declared type, if it is one type */
		if (declared == NULL && OidIsValid(fcinfo->flinfo->fn_oid))
			(void) get_func_signature(fcinfo->flinfo->fn_oid, &declared, &ndeclared);
		if (first + i >= ndeclared || IsPolymorphicType(declared[first + i]) ||
			declared[first + i] == ANYOID)
			return NULL;
		types[i] = declared[first + i];
	}
	if (declared != NULL)
		pfree(declared);
	c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ArgCache));
	c->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "journey argument cache",
								   ALLOCSET_SMALL_SIZES);
	c->parse = parse;
	c->first = first;
	c->nargs = nargs;
	c->typlen = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, Max(nargs, 1) * sizeof(int16));
	c->typbyval = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, Max(nargs, 1) * sizeof(bool));
	for (i = 0; i < nargs; i++)
		get_typlenbyval(types[i], &c->typlen[i], &c->typbyval[i]);
	pfree(types);
	return c;
}

/* Whether argument i (from first) is the one kept. */
static bool
ArgCacheSame(const ArgCache *c, int i, Datum value, bool isnull)
{
	struct varlena *v;
	struct varlena *kept;
	bool		same;

	if (isnull || c->nulls[i])
		return isnull == c->nulls[i];
	if (c->typlen[i] != -1)
		return datumIsEqual(value, c->values[i], c->typbyval[i], c->typlen[i]);
	v = (struct varlena *) DatumGetPointer(value);
	if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
		v = pg_detoast_datum_packed(v);
	kept = (struct varlena *) DatumGetPointer(c->values[i]);
	same = VARSIZE_ANY_EXHDR(v) == VARSIZE_ANY_EXHDR(kept) &&
		memcmp(VARDATA_ANY(v), VARDATA_ANY(kept), VARSIZE_ANY_EXHDR(v)) == 0;
	if (v != (struct varlena *) DatumGetPointer(value))
		pfree(v);
	return same;
}

/*
 * What parse makes of count arguments from first on, from the cache when
 * they are those of the last call; size bytes, read-only.
 */
const void *
ArgCacheLookup(FunctionCallInfo fcinfo, int first, int count, Size size,
			   ArgCacheParse parse)
{
	ArgCache   *c = fcinfo->flinfo->fn_extra;
	Datum	   *passed;
	MemoryContext old;
	int			i;

	Assert(first >= 0 && count >= 0 && first + count <= PG_NARGS());
	if (c != NULL && c->valid && c->parse == parse && c->first == first &&
		c->nargs == count)
	{
		for (i = 0; i < c->nargs; i++)
			if (!ArgCacheSame(c, i, fcinfo->args[first + i].value,
							  fcinfo->args[first + i].isnull))
				break;
		if (i == c->nargs)
			return c->parsed;
	}
	if (c == NULL || c->parse != parse || c->first != first || c->nargs != count)
	{
		c = ArgCacheCreate(fcinfo, first, count, parse);
		fcinfo->flinfo->fn_extra = c;
		if (c == NULL)
		{
			void	   *parsed = palloc0(size);

			parse(fcinfo, parsed);
			return parsed;
		}
	}
	c->valid = false;
	MemoryContextReset(c->cxt);
	old = MemoryContextSwitchTo(c->cxt);
	c->values = palloc(Max(c->nargs, 1) * sizeof(Datum));
	c->nulls = palloc(Max(c->nargs, 1) * sizeof(bool));
	passed = palloc(Max(c->nargs, 1) * sizeof(Datum));
	for (i = 0; i < c->nargs; i++)
	{
		Datum		value = fcinfo->args[first + i].value;

		c->nulls[i] = fcinfo->args[first + i].isnull;
		passed[i] = value;
		if (c->nulls[i])
			c->values[i] = (Datum) 0;
		else if (c->typlen[i] == -1)
			c->values[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(value));
		else
			c->values[i] = datumCopy(value, c->typbyval[i], c->typlen[i]);
	}

	/*
	 * parse reads the copies, so that what it keeps pointing into its
	 * arguments outlives the row.  They are put back after; after an error
	 * they need not be: the executor sets every argument before each call,
	 * and the copies live until the next parse.
	 */
	for (i = 0; i < c->nargs; i++)
		fcinfo->args[first + i].value = c->values[i];
	c->parsed = palloc0(size);
	parse(fcinfo, c->parsed);
	for (i = 0; i < c->nargs; i++)
		fcinfo->args[first + i].value = passed[i];
	MemoryContextSwitchTo(old);
	c->valid = true;
	return c->parsed;
}
