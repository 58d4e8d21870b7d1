/*
 * transitions.c
 *	  Transition counts (the transitions kind, of type transition_counts):
 *	  how often one label follows another, (start) and (end) included; how
 *	  a journey counts, what shape the keys have, and the reader
 *	  transitions, a first-order Markov chain as plain rows.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"

#include "counts.h"
#include "journey.h"
#include "pathkeys.h"

PG_FUNCTION_INFO_V1(transition_counts_transfn);
PG_FUNCTION_INFO_V1(transitions);

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

PATH_KIND(TransitionsKind, "transitions", "transition_counts", NULL, TransitionsCheckKey, TransitionsSumsKey, CountsSumsStartsAndEnds, TransitionsCountJourney);

COUNTS_SQL_TYPE(transition_counts);

/* transition_counts(j [, collapse_repeats]) */
Datum
transition_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_TRANSITIONS, CountsCollapseArg(fcinfo, 2), 0, NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
}

/*
 * transitions(counts): (from_label, to_label, transitions, probability),
 * probability being the share of the transitions out of from_label.
 */
Datum
transitions(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, TEXTOID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	int32		k;
	int32		group = 0;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_TRANSITIONS, COUNTS_TRANSITIONS);
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
			Datum		values[lengthof(columns)];
			bool		nulls[lengthof(columns)] = {0};

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
