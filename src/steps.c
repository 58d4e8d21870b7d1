/*
 * steps.c
 *	  Step counts (the steps kind, of type step_counts): the labels each
 *	  number of touchpoints before and after an anchor label; how a journey
 *	  counts, what shape the keys have (a position is a signed distance
 *	  from the anchor), and the reader path_steps.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"

#include "counts.h"
#include "journey.h"
#include "pathkeys.h"

PG_FUNCTION_INFO_V1(step_counts_transfn);
PG_FUNCTION_INFO_V1(path_steps);

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

PATH_KIND(StepsKind, "steps", "step_counts", StepsSumsBegin, StepsCheckKey, StepsSumsKey, NULL, StepsCountJourney);

COUNTS_SQL_TYPE(step_counts);

/* step_counts(j, anchor, n [, collapse_repeats]) */
Datum
step_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_STEPS, CountsCollapseArg(fcinfo, 4),
	CountsPositiveArg(fcinfo, 3, "n", COUNTS_MAX_N), NULL, 0};

	CountsAnchorArg(fcinfo, 2, &spec);
	return CountsTransition(fcinfo, &spec, NULL);
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
	static const Oid columns[] = {INT4OID, TEXTOID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	int32	   *order;
	int32		k;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_STEPS, COUNTS_STEPS);
	order = KeysByCount(&c, true);
	for (k = 0; k < c.nkeys; k++)
	{
		int32		key = order[k];
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

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
