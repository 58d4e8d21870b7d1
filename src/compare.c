/*
 * compare.c
 *	  The total order of journeys, equality and hashing, for the btree and
 *	  hash operator classes.
 *
 * Journeys compare touchpoint by touchpoint in touchpoint order (timestamp,
 * label bytewise, value with absent first); a journey that is a prefix of
 * another sorts first.  Because the stored encoding is canonical, equality
 * and hashing work on the stored bytes without decoding.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "utils/fmgrprotos.h"

#include "journey.h"

PG_FUNCTION_INFO_V1(journey_cmp);
PG_FUNCTION_INFO_V1(journey_eq);
PG_FUNCTION_INFO_V1(journey_ne);
PG_FUNCTION_INFO_V1(journey_lt);
PG_FUNCTION_INFO_V1(journey_le);
PG_FUNCTION_INFO_V1(journey_gt);
PG_FUNCTION_INFO_V1(journey_ge);
PG_FUNCTION_INFO_V1(journey_hash);
PG_FUNCTION_INFO_V1(journey_hash_extended);

static bool
StoredEqual(struct varlena *a, struct varlena *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

static int
CompareJourneys(FunctionCallInfo fcinfo)
{
	struct varlena *sa = PG_GETARG_JOURNEY_P(0);
	struct varlena *sb = PG_GETARG_JOURNEY_P(1);
	Journey		a;
	Journey		b;
	int32		i;

	if (StoredEqual(sa, sb))
		return 0;
	JourneyDecode(sa, &a);
	JourneyDecode(sb, &b);
	for (i = 0; i < a.ntouch && i < b.ntouch; i++)
	{
		int			c = JourneyCompareTouches(&a, &a.touches[i],
											  &b, &b.touches[i]);

		if (c != 0)
			return c;
	}
	return (a.ntouch > b.ntouch) - (a.ntouch < b.ntouch);
}

Datum
journey_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(CompareJourneys(fcinfo));
}

Datum
journey_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(StoredEqual(PG_GETARG_JOURNEY_P(0), PG_GETARG_JOURNEY_P(1)));
}

Datum
journey_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!StoredEqual(PG_GETARG_JOURNEY_P(0), PG_GETARG_JOURNEY_P(1)));
}

Datum
journey_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CompareJourneys(fcinfo) < 0);
}

Datum
journey_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CompareJourneys(fcinfo) <= 0);
}

Datum
journey_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CompareJourneys(fcinfo) > 0);
}

Datum
journey_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CompareJourneys(fcinfo) >= 0);
}

Datum
journey_hash(PG_FUNCTION_ARGS)
{
	struct varlena *s = PG_GETARG_JOURNEY_P(0);

	return hash_any((const unsigned char *) VARDATA_ANY(s),
					VARSIZE_ANY_EXHDR(s));
}

Datum
journey_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *s = PG_GETARG_JOURNEY_P(0);

	return hash_any_extended((const unsigned char *) VARDATA_ANY(s),
							 VARSIZE_ANY_EXHDR(s), PG_GETARG_INT64(1));
}
