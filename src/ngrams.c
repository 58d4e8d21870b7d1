/*
 * ngrams.c
 *	  N-gram counts (the ngrams kind, of type ngram_counts): how often each
 *	  run of n consecutive labels occurs across journeys; how a journey
 *	  counts, what shape the keys have, and the reader ngrams, most
 *	  frequent first.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"

#include "counts.h"
#include "journey.h"
#include "pathkeys.h"

PG_FUNCTION_INFO_V1(ngram_counts_transfn);
PG_FUNCTION_INFO_V1(ngrams);

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

PATH_KIND(NgramsKind, "ngrams", "ngram_counts", SumsBeginDepth, PathsCheckKey, NgramsSumsKey, NULL, NgramsCountJourney);

COUNTS_SQL_TYPE(ngram_counts);

/* ngram_counts(j, n [, collapse_repeats]) */
Datum
ngram_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_NGRAMS, CountsCollapseArg(fcinfo, 3),
	CountsPositiveArg(fcinfo, 2, "n", COUNTS_MAX_N), NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
}

/* ngrams(counts): (ngram, labels, occurrences, share of all occurrences) */
Datum
ngrams(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, TEXTARRAYOID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Counts		c;
	int32	   *order;
	int64		all = 0;
	int32		k;

	rsinfo = CountsReadRows(fcinfo, columns, lengthof(columns), &c, COUNTS_NGRAMS, COUNTS_NGRAMS);
	for (k = 0; k < c.nkeys; k++)
		all += c.counts[k];
	order = KeysByCount(&c, false);
	for (k = 0; k < c.nkeys; k++)
	{
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		KeyPath(&c, order[k], &values[0], &values[1]);
		values[2] = Int64GetDatum(c.counts[order[k]]);
		values[3] = Float8GetDatum(CountsShare(c.counts[order[k]], all));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
