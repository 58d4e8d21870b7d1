/*
 * conversions.c
 *	  Conversion paths (S14), shared by Markov and Shapley models: what
 *	  converts comes either as one flag (and value) per journey or as
 *	  conversion labels inside the journey, and a journey is cut into the
 *	  paths before each conversion, each counted with its outcome.
 */
#include "postgres.h"

#include "utils/array.h"

#include "conversions.h"
#include "counts.h"
#include "dict.h"
#include "journey.h"
#include "summary.h"

/*
 * The conversion paths of a journey, repeats collapsed if the spec says so
 * (Markov models with windows keep them): the whole journey,
 * or the segments before each conversion touchpoint and the rest after the
 * last one (if any touchpoint is left, or if there was none); each counted
 * with its outcome, (conversion) or (null), and its conversion value by
 * the model's counter.  A touchpoint at the same instant as a conversion
 * comes before it, whatever the labels, as in journey_attribution: each
 * instant's other touchpoints are taken first, then its conversions.  The
 * count_journey of both models: each path counts in the total, not the
 * journey.
 */
bool
CountConversionPaths(CountsBuilder *b, const Journey *j, int32 *journey_path,
					 int32 journey_n, const void *arg)
{
	const ConversionInput *ci = arg;
	PathCounter count = ci->count;
	int32	   *path = palloc((j->ntouch + 1) * sizeof(int32));
	int32	   *map = palloc(Max(j->nlabels, 1) * sizeof(int32));
	bool	   *conversion = ci->conversions ? JourneyLabelFlags(j, ci->conversions) :
		palloc0(Max(j->nlabels, 1) * sizeof(bool));
	bool		converted_before = false;
	int32		n = 0;
	int32		start;
	int32		end;
	int32		i;

	for (i = 0; i < j->nlabels; i++)
		map[i] = -1;
	for (start = 0; start < j->ntouch; start = end)
	{
		int			pass;

		for (end = start + 1; end < j->ntouch && j->touches[end].ts == j->touches[start].ts; end++)
			;
		for (pass = 0; pass < 2; pass++)
			for (i = start; i < end; i++)
			{
				const JourneyTouch *t = &j->touches[i];

				if (conversion[t->label] != (pass == 1))
					continue;
				if (pass == 1)
				{
					count(b, path, n, COUNTS_CONVERSION, t->has_value ? ValueUnits(t->value) : 0);
					converted_before = true;
					n = 0;
					continue;
				}
				if (map[t->label] < 0)
					map[t->label] = StringDictIntern(&b->labels, j->labels[t->label],
													 j->label_lens[t->label]);
				if (!b->spec.collapse || n == 0 || path[n - 1] != map[t->label])
					path[n++] = map[t->label];
			}
	}
	if (ci->conversions == NULL)
		count(b, path, n, ci->converted ? COUNTS_CONVERSION : COUNTS_NULL,
			  ci->converted ? ValueUnits(ci->value) : 0);
	else if (n > 0 || !converted_before)
		count(b, path, n, COUNTS_NULL, 0);
	pfree(path);
	pfree(map);
	pfree(conversion);
	return false;
}

/*
 * The two input forms of S14, for Markov and Shapley models: (state, j,
 * converted, value, ...) when flag_form, else (state, j, conversions, ...),
 * each path counted by count;
 * rows with a NULL converted flag are skipped like NULL journeys.
 */
Datum
ConversionPathsTransition(FunctionCallInfo fcinfo, const CountsSpec *spec,
						  bool flag_form, PathCounter count)
{
	ConversionInput ci = {false, 0, NULL, count};

	if (flag_form)
	{
		if (PG_ARGISNULL(2))
			RETURN_STATE_UNCHANGED();
		ci.converted = PG_GETARG_BOOL(2);
		if (!PG_ARGISNULL(3))
		{
			ci.value = PG_GETARG_FLOAT8(3);
		}
	}
	else
		ci.conversions = DatumGetArrayTypeP(CountsRequiredArg(fcinfo, 2, "conversions"));
	return CountsTransition(fcinfo, spec, &ci);
}
