/*
 * paths.c
 *	  Path counts (the paths kind, of type path_counts): how often each
 *	  whole path occurs across journeys; how a journey counts, what shape
 *	  the keys have, and the reader top_paths, which also reads the
 *	  approximate counts of sketch.c.
 *
 * Ties in every ranking are broken by the key's canonical order (labels
 * bytewise), so results never depend on the plan.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "counts.h"
#include "journey.h"
#include "pathkeys.h"
#include "sketch.h"

PG_FUNCTION_INFO_V1(path_counts_transfn);
PG_FUNCTION_INFO_V1(top_paths);

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

PATH_KIND(PathsKind, "paths", "path_counts", NULL, PathsCheckKey, PathsSumsKey, CountsSumsAddUp, PathsCountJourney);

/* path_counts(j [, collapse_repeats]) */
Datum
path_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_PATHS, CountsCollapseArg(fcinfo, 2), 0, NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
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
 * top_paths(counts, n): the n most frequent paths (rank, path, labels,
 * journeys, share), then one '(other)' row with the rest, if any.
 */
Datum
top_paths(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {INT4OID, TEXTOID, TEXTARRAYOID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	int32		n = PG_GETARG_INT32(1);
	int32	   *order;
	int64		shown = 0;
	int32		r;

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the number of paths must not be negative")));
	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_PATHS, COUNTS_PATHS_SKETCH);
	if (c.spec.kind == COUNTS_PATHS_SKETCH)
	{
		EmitOther(rsinfo, c.total, SketchTopPaths(rsinfo, &c, n));
		return (Datum) 0;
	}
	order = KeysByCount(&c, false);
	for (r = 0; r < n && r < c.nkeys; r++)
	{
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

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
