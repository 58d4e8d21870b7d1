/*
 * activity.c
 *	  Retention as product teams measure it (the activity_counts summary):
 *	  journeys cohorted by their first start event and retained in a
 *	  calendar period when a return event happens in it, as Amplitude,
 *	  Mixpanel and PostHog count it; and, from the same summary, PostHog's
 *	  lifecycle (new, returning, resurrecting and dormant journeys per
 *	  period) and stickiness (journeys active on k distinct days of a
 *	  period).  Periods are calendar days, weeks starting on Monday or
 *	  months in a named time zone, as date_trunc(unit, ts, zone) cuts them.
 *
 * An activity_counts value (COUNTS_ACTIVITY) counts journeys (total);
 * param is the period (ACTIVITY_DAY, _WEEK, _MONTH), anchor the time
 * zone's name, the start event and the return event (AppendCounted, in
 * that order).  A period is numbered from the one holding 2000-01-01, and
 * every key is at the number of a period P:
 *	 "cohort" C		(P = C) journeys whose first start event is in period C
 *	 "retained" C	of those, journeys with a return event in P, at or after
 *					their first start event
 *	 "last" C		of those, journeys whose last such return is in P
 *	 "new"			journeys whose first return event is in P
 *	 "returning"	journeys with a return event in P and in P - 1
 *	 "resurrecting" journeys with a return event in P, none in P - 1, and
 *					one before
 *	 "days" k		journeys with a return event on exactly k days of P
 * where C and k are decimal numbers.  Activity, for lifecycle and
 * stickiness, is any return event; a journey need not have started.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"

#include "counts.h"
#include "funnel.h"
#include "journey.h"
#include "summary.h"
#include "varint.h"

PG_FUNCTION_INFO_V1(activity_counts_transfn);
PG_FUNCTION_INFO_V1(activity_retention);
PG_FUNCTION_INFO_V1(activity_lifecycle);
PG_FUNCTION_INFO_V1(activity_stickiness);

#define ACTIVITY_DAY			1
#define ACTIVITY_WEEK			2
#define ACTIVITY_MONTH			3

/* Key words, in bytewise order (which is the stored order within a period). */
#define WORD_COHORT				0
#define WORD_DAYS				1
#define WORD_LAST				2
#define WORD_NEW				3
#define WORD_RESURRECTING		4
#define WORD_RETAINED			5
#define WORD_RETURNING			6
#define WORD_NUMBER				(-1)	/* a label that is a number */

static const char *const Words[] = {
	"cohort", "days", "last", "new", "resurrecting", "retained", "returning"
};

/*
 * A grid grows with the square of its span in periods, and lifecycle and
 * stickiness rows with the span: readers return at most this many rows.
 * The summary keeps at most ACTIVITY_MAX_KEYS keys (test/memory.sh: a
 * backend grew by 173 MB building a journey of 800,000 days and the keys
 * up to the limit): daily cohorts over ten years with every journey active
 * every day would make 6.7 million.
 */
#define ACTIVITY_MAX_ROWS		10000000
#define ACTIVITY_MAX_KEYS		2000000

/* The first Monday of 2000 is day 2 (2000-01-03). */
#define FIRST_MONDAY			2

static int64
FloorDiv(int64 a, int64 b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0);
}

/* Days since 2000-01-01 of the local dates timestamp2tm can give. */
#define MIN_DAY					(DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE)
#define MAX_DAY					(TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE)

static int32
PeriodOfDay(int32 day, int32 unit)
{
	int			y;
	int			m;
	int			d;

	if (unit == ACTIVITY_DAY)
		return day;
	if (unit == ACTIVITY_WEEK)
		return (int32) FloorDiv((int64) day - FIRST_MONDAY, 7);
	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	return (y - 2000) * 12 + m - 1;
}

static int32
PeriodFirstDay(int32 period, int32 unit)
{
	int64		y;

	if (unit == ACTIVITY_DAY)
		return period;
	if (unit == ACTIVITY_WEEK)
		return period * 7 + FIRST_MONDAY;
	y = FloorDiv(period, 12);
	return date2j((int) (2000 + y), (int) (period - y * 12) + 1, 1) - POSTGRES_EPOCH_JDATE;
}

static int32
PeriodDays(int32 period, int32 unit)
{
	if (unit == ACTIVITY_DAY)
		return 1;
	if (unit == ACTIVITY_WEEK)
		return 7;
	return PeriodFirstDay(period + 1, unit) - PeriodFirstDay(period, unit);
}

static bool
PeriodInRange(int64 period, int32 unit)
{
	return period >= PeriodOfDay(MIN_DAY, unit) && period <= PeriodOfDay(MAX_DAY, unit);
}

/* The local date of ts in tz, as days since 2000-01-01. */
static int32
LocalDay(TimestampTz ts, pg_tz *tz)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			offset;

	int32		day;

	if (timestamp2tm(ts, &offset, &tm, &fsec, NULL, tz) != 0 ||
		(day = date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE) < MIN_DAY ||
		day > MAX_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range"),
				 errdetail("A touchpoint's local date in the time zone is outside the dates of timestamptz.")));
	return day;
}

/*
 * The start of a period in tz, as date_trunc(unit, ts, zone) gives it:
 * local midnight of its first day, or the first time after it where DST
 * skips midnight.  The period holding the first timestamptz starts before
 * it: it is reported as starting at the first timestamptz.
 */
static TimestampTz
PeriodStart(int32 period, int32 unit, pg_tz *tz)
{
	struct pg_tm tm = {0};
	int			offset;
	TimestampTz result;

	j2date(PeriodFirstDay(period, unit) + POSTGRES_EPOCH_JDATE,
		   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	offset = DetermineTimeZoneOffset(&tm, tz);
	if (tm2timestamp(&tm, 0, &offset, &result) != 0 || !IS_VALID_TIMESTAMP(result))
	{
		if (PeriodFirstDay(period, unit) < 0)
			return MIN_TIMESTAMP;
		ReportCorrupt("period out of range");
	}
	return result;
}

/* '2024-03-04' for days and weeks (the Monday), '2024-03' for months; ' BC' before year 1. */
static text *
PeriodLabel(int32 period, int32 unit)
{
	int			y;
	int			m;
	int			d;
	char		buf[48];

	j2date(PeriodFirstDay(period, unit) + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	if (unit == ACTIVITY_MONTH)
		snprintf(buf, sizeof(buf), "%04d-%02d%s", y > 0 ? y : 1 - y, m, y > 0 ? "" : " BC");
	else
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d%s", y > 0 ? y : 1 - y, m, d,
				 y > 0 ? "" : " BC");
	return cstring_to_text(buf);
}

/* The time zone, start and return events of a spec; false if malformed. */
static bool
ActivityAnchor(const Counts *c, text **zone, text **start, text **ret)
{
	const char *p = c->spec.anchor;
	text	  **list;
	int32		n;

	if (p == NULL || !ReadCounted(&p, p + c->spec.anchor_len, &list, &n) ||
		p != c->spec.anchor + c->spec.anchor_len || n != 3)
		return false;
	*zone = list[0];
	*start = list[1];
	*ret = list[2];
	return true;
}

static pg_tz *
ZoneOrNull(text *zone)
{
	char	   *name = text_to_cstring(zone);
	pg_tz	   *tz = pg_tzset(name);

	pfree(name);
	return tz != NULL && pg_tz_acceptable(tz) ? tz : NULL;
}

/* The time zone of a decoded value, checked by ActivityCheckSpec. */
static pg_tz *
ActivityZone(const Counts *c)
{
	text	   *zone;
	text	   *start;
	text	   *ret;

	if (!ActivityAnchor(c, &zone, &start, &ret))
		ReportCorrupt("bad activity anchor");
	return ZoneOrNull(zone);
}

static void
ActivityCheckSpec(const Counts *c)
{
	text	   *zone;
	text	   *start;
	text	   *ret;

	if (c->spec.param < ACTIVITY_DAY || c->spec.param > ACTIVITY_MONTH || c->spec.collapse)
		CountsShapeError(c, -1, "the period is 1 (day), 2 (week) or 3 (month), and repeats are not collapsed");
	if (!ActivityAnchor(c, &zone, &start, &ret) || VARSIZE_ANY_EXHDR(start) == 0 ||
		VARSIZE_ANY_EXHDR(ret) == 0)
		CountsShapeError(c, -1, "the anchor is a time zone, a start event and a return event");
	if (ZoneOrNull(zone) == NULL)
		CountsShapeError(c, -1, "the time zone is one this server knows");
}

/* What the checks add up, per label and per period. */
typedef struct ActivitySums
{
	int32	   *word;			/* per label: WORD_*, or WORD_NUMBER */
	int64	   *number;			/* per number label: its value */
	int64	   *size;			/* per number label, as a cohort: its journeys */
	int64	   *last;			/* per number label, as a cohort: its "last" keys */
	int64		starts;			/* journeys in cohorts */
	int64		news;			/* "new" keys */
	int32		pos;			/* the period being read */
	int64		active;			/* journeys active in it */
	int64		days;			/* its "days" keys */
	int32		prev_pos;		/* the last period before it with activity */
	int64		prev_active;
} ActivitySums;

static bool
ParseNumber(const char *s, int32 len, int64 *v)
{
	char		buf[24];
	char		again[24];
	char	   *end;

	if (len < 1 || len >= (int32) sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 10);
	snprintf(again, sizeof(again), INT64_FORMAT, *v);
	return errno == 0 && *end == '\0' && strcmp(again, buf) == 0;
}

/* Each label as a word or a number; anything else is refused. */
static void
ClassifyLabels(const Counts *c, int32 *word, int64 *number)
{
	int32		l;
	int32		w;

	for (l = 0; l < c->nlabels; l++)
	{
		word[l] = WORD_NUMBER;
		number[l] = 0;
		for (w = 0; w < (int32) lengthof(Words); w++)
			if (c->label_lens[l] == (int32) strlen(Words[w]) &&
				memcmp(c->labels[l], Words[w], c->label_lens[l]) == 0)
				word[l] = w;
		if (word[l] == WORD_NUMBER && !ParseNumber(c->labels[l], c->label_lens[l], &number[l]))
			CountsShapeError(c, -1, "a label is a word of activity counts or a decimal number");
	}
}

static void
ActivitySumsBegin(const Counts *c, CountsSums *s)
{
	ActivitySums *a = palloc0(sizeof(ActivitySums));
	int32		n = Max(c->nlabels, 1);

	a->word = palloc(n * sizeof(int32));
	a->number = palloc(n * sizeof(int64));
	a->size = palloc0(n * sizeof(int64));
	a->last = palloc0(n * sizeof(int64));
	ClassifyLabels(c, a->word, a->number);
	a->pos = PG_INT32_MIN;
	a->prev_pos = PG_INT32_MIN;
	s->state = a;
}

static void
ActivityCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		n = c->key_start[k + 1] - c->key_start[k];

	if (markers || n < 1 || n > 2)
		CountsShapeError(c, k, "a key is one or two labels");
	if (!PeriodInRange(c->positions[k], c->spec.param))
		CountsShapeError(c, k, "a position is a period within the range of timestamptz");
}

/* The period a.pos ends: the journeys active in it are those of its days. */
static void
EndPeriod(const Counts *c, ActivitySums *a)
{
	if (a->pos == PG_INT32_MIN)
		return;
	if (a->days != a->active)
		CountsShapeError(c, -1, "the journeys active on some days of a period are those active in it");
	if (a->active > 0)
	{
		a->prev_pos = a->pos;
		a->prev_active = a->active;
	}
}

static void
ActivitySumsKey(const Counts *c, CountsSums *s, int32 k)
{
	ActivitySums *a = s->state;
	const int32 *key = c->key_labels + c->key_start[k];
	int32		n = c->key_start[k + 1] - c->key_start[k];
	int32		pos = c->positions[k];
	int64		count = c->counts[k];
	int32		w = a->word[key[0]];
	int64		v = n == 2 ? a->number[key[1]] : 0;

	if (pos != a->pos)
	{
		EndPeriod(c, a);
		a->pos = pos;
		a->active = a->days = 0;
	}
	if (w == WORD_NUMBER || (n == 2) != (w == WORD_COHORT || w == WORD_RETAINED ||
										  w == WORD_LAST || w == WORD_DAYS) ||
		(n == 2 && a->word[key[1]] != WORD_NUMBER))
		CountsShapeError(c, k, "a key is a word, and a number after cohort, retained, last and days");
	if (count > c->total)
		CountsShapeError(c, k, "no more journeys than journeys counted");
	switch (w)
	{
		case WORD_COHORT:
			if (v != pos)
				CountsShapeError(c, k, "a cohort is at its own period");
			a->size[key[1]] = count;
			a->starts += count;
			if (a->starts > c->total)
				CountsShapeError(c, k, "no more journeys in cohorts than journeys counted");
			break;
		case WORD_RETAINED:
		case WORD_LAST:
			if (v > pos || count > a->size[key[1]])
				CountsShapeError(c, k, "a cohort's journeys come back at or after its period, and are at most its journeys");
			if (w == WORD_LAST)
			{
				a->last[key[1]] += count;
				if (a->last[key[1]] > a->size[key[1]])
					CountsShapeError(c, k, "a cohort's journeys come back for the last time once at most");
			}
			break;
		case WORD_DAYS:
			if (v < 1 || v > PeriodDays(pos, c->spec.param))
				CountsShapeError(c, k, "a journey is active on 1 to the days of a period");
			a->days += count;
			break;
		case WORD_NEW:
		case WORD_RETURNING:
		case WORD_RESURRECTING:
			if (w == WORD_NEW)
			{
				a->news += count;
				if (a->news > c->total)
					CountsShapeError(c, k, "no more new journeys than journeys counted");
			}
			if (w == WORD_RETURNING &&
				(a->prev_pos != pos - 1 || count > a->prev_active))
				CountsShapeError(c, k, "journeys returning in a period were active in the one before");
			if (w == WORD_RESURRECTING && a->prev_pos == PG_INT32_MIN)
				CountsShapeError(c, k, "journeys resurrect after an earlier period with activity");
			a->active += count;
			if (a->active > c->total)
				CountsShapeError(c, k, "no more journeys active in a period than journeys counted");
			break;
	}
}

static void
ActivitySumsEnd(const Counts *c, CountsSums *s)
{
	ActivitySums *a = s->state;

	EndPeriod(c, a);
	pfree(a->word);
	pfree(a->number);
	pfree(a->size);
	pfree(a->last);
	pfree(a);
}

/* The arguments of the aggregate, parsed once per call site. */
typedef struct ActivityInput
{
	CountsParsed p;
	pg_tz	   *tz;
	text	   *start;
	text	   *ret;
} ActivityInput;

static int32
InternNumber(CountsBuilder *b, int64 v)
{
	char		name[24];

	snprintf(name, sizeof(name), INT64_FORMAT, v);
	return StringDictIntern(&b->labels, name, strlen(name));
}

static void
AddWordKey(CountsBuilder *b, int32 period, int32 word, bool with_number, int64 v)
{
	int32		key[2];

	key[0] = StringDictIntern(&b->labels, Words[word], strlen(Words[word]));
	if (with_number)
		key[1] = InternNumber(b, v);
	CountsBuilderAdd(b, period, key, with_number ? 2 : 1, 1);
}

/* One journey's cohort, returns, lifecycle and active days. */
static bool
ActivityCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
					 const void *arg)
{
	const ActivityInput *in = arg;
	int32		unit = b->spec.param;
	int32		s = JourneyFindLabel(j, VARDATA_ANY(in->start), VARSIZE_ANY_EXHDR(in->start));
	int32		r = JourneyFindLabel(j, VARDATA_ANY(in->ret), VARSIZE_ANY_EXHDR(in->ret));
	bool		started = false;
	TimestampTz first = 0;
	int32		cohort = 0;
	int32		period = PG_INT32_MIN;	/* the last period with a return */
	int32		day = PG_INT32_MIN;		/* the last day with a return */
	int32		days = 0;				/* days with a return in period */
	int32		retained = PG_INT32_MIN;	/* the last period retained */
	int32		i;

	if (s < 0 && r < 0)
		return true;
	for (i = 0; i < j->ntouch && s >= 0; i++)
		if (j->touches[i].label == s)
		{
			started = true;
			first = j->touches[i].ts;
			cohort = PeriodOfDay(LocalDay(first, in->tz), unit);
			AddWordKey(b, cohort, WORD_COHORT, true, cohort);
			break;
		}
	for (i = 0; i < j->ntouch && r >= 0; i++)
	{
		int32		d;
		int32		p;

		if (j->touches[i].label != r)
			continue;
		d = LocalDay(j->touches[i].ts, in->tz);
		p = d == day ? period : PeriodOfDay(d, unit);
		if (p != period)
		{
			if (period != PG_INT32_MIN)
				AddWordKey(b, period, WORD_DAYS, true, days);
			AddWordKey(b, p, period == PG_INT32_MIN ? WORD_NEW :
					   p == period + 1 ? WORD_RETURNING : WORD_RESURRECTING, false, 0);
			period = p;
			days = 0;
		}
		if (d != day)
			days++;
		day = d;
		/* a return before the start may share its day with one after it */
		if (started && j->touches[i].ts >= first && p != retained)
		{
			AddWordKey(b, p, WORD_RETAINED, true, cohort);
			retained = p;
		}
	}
	if (period != PG_INT32_MIN)
		AddWordKey(b, period, WORD_DAYS, true, days);
	if (retained != PG_INT32_MIN)
		AddWordKey(b, retained, WORD_LAST, true, cohort);
	return true;
}

const CountsKindRoutine ActivityKind = {
	.name = "activity", .type_name = "activity_counts", .no_path = true, .check_spec = ActivityCheckSpec,
	.sums_begin = ActivitySumsBegin, .check_key = ActivityCheckKey,
	.sums_key = ActivitySumsKey, .sums_end = ActivitySumsEnd,
	.count_journey = ActivityCountJourney,
	.max_keys = ACTIVITY_MAX_KEYS, .keys_hint = "Count with a longer period, or over a shorter span of time."
};

COUNTS_SQL_TYPE(activity_counts);

/* The arguments as a spec, checked once per call site (argcache.h). */
static void
ActivityParse(FunctionCallInfo fcinfo, void *parsed)
{
	static const char *const what[] = {"start_event", "return_event", "period", "time_zone"};
	ActivityInput *in = parsed;
	text	   *args[4];
	char	   *unit;
	char	   *zone;
	StringInfoData anchor;
	int			i;

	for (i = 0; i < 4; i++)
		args[i] = DatumGetTextPP(CountsRequiredArg(fcinfo, i + 2, what[i]));
	for (i = 0; i < 2; i++)
	{
		JourneyCheckLabel(VARDATA_ANY(args[i]), VARSIZE_ANY_EXHDR(args[i]));
		if (VARSIZE_ANY_EXHDR(args[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must not be empty", what[i])));
	}
	unit = text_to_cstring(args[2]);
	in->p.spec.kind = COUNTS_ACTIVITY;
	in->p.spec.param = pg_strcasecmp(unit, "day") == 0 ? ACTIVITY_DAY :
		pg_strcasecmp(unit, "week") == 0 ? ACTIVITY_WEEK :
		pg_strcasecmp(unit, "month") == 0 ? ACTIVITY_MONTH : 0;
	if (in->p.spec.param == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("activity period must be day, week or month, not \"%s\"", unit)));
	in->tz = ZoneOrNull(args[3]);
	if (in->tz == NULL)
	{
		zone = text_to_cstring(args[3]);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" not recognized", zone),
				 errhint("Name a time zone of pg_timezone_names, such as Europe/Paris or UTC.")));
	}
	/* the zone's own name, so that 'europe/paris' and 'Europe/Paris' combine */
	in->start = args[0];
	in->ret = args[1];
	initStringInfo(&anchor);
	AppendCounted(&anchor, cstring_to_text(pg_get_timezone_name(in->tz)));
	AppendCounted(&anchor, in->start);
	AppendCounted(&anchor, in->ret);
	if (anchor.len > JOURNEY_MAX_LABEL_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("start and return events too long for activity counts"),
				 errdetail("With the time zone they take %d bytes; at most %d are stored.",
						   anchor.len, JOURNEY_MAX_LABEL_BYTES)));
	in->p.spec.anchor = anchor.data;
	in->p.spec.anchor_len = anchor.len;
	in->p.arg = in;
}

/* activity_counts(j, start_event, return_event, period, time_zone) */
Datum
activity_counts_transfn(PG_FUNCTION_ARGS)
{
	return CountsParsedTransition(fcinfo, sizeof(ActivityInput), ActivityParse);
}

/* A decoded value read by the readers: its labels classified, its span. */
typedef struct Activity
{
	Counts		c;
	pg_tz	   *tz;
	int32		unit;
	int32	   *word;
	int64	   *number;
	int32		latest;			/* the latest period of any key: "now" */
	int32		first_active;	/* the first period with activity, or PG_INT32_MIN */
	int32		last_active;
} Activity;

static ReturnSetInfo *
ActivityRead(FunctionCallInfo fcinfo, const Oid *columns, int ncolumns, Activity *a)
{
	ReturnSetInfo *rsinfo = CountsReadRows(fcinfo, columns, ncolumns, &a->c,
										   COUNTS_ACTIVITY, COUNTS_ACTIVITY);
	const Counts *c = &a->c;
	int32		k;

	a->tz = ActivityZone(c);
	a->unit = c->spec.param;
	a->word = palloc(Max(c->nlabels, 1) * sizeof(int32));
	a->number = palloc(Max(c->nlabels, 1) * sizeof(int64));
	ClassifyLabels(c, a->word, a->number);
	a->latest = c->nkeys > 0 ? c->positions[c->nkeys - 1] : PG_INT32_MIN;
	a->first_active = a->last_active = PG_INT32_MIN;
	for (k = 0; k < c->nkeys; k++)
		if (a->word[c->key_labels[c->key_start[k]]] == WORD_DAYS)
		{
			if (a->first_active == PG_INT32_MIN)
				a->first_active = c->positions[k];
			a->last_active = c->positions[k];
		}
	return rsinfo;
}

static void
CheckRows(int64 rows, const char *what, int64 span)
{
	if (rows > ACTIVITY_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s would have more than %d rows", what, ACTIVITY_MAX_ROWS),
				 errdetail("The summary spans " INT64_FORMAT " periods.", span),
				 errhint("Count with a longer period.")));
}

/*
 * activity_retention(activity_counts, unbounded, dense): (cohort,
 * cohort_label, cohort_journeys, period, journeys, share).  Per cohort
 * (the period of the first start event) and period offset n (0 = the
 * cohort's own period): its journeys with a return event in period n, or,
 * if unbounded, in period n or any later one; share = journeys /
 * cohort_journeys.  Dense, the grid is the triangle retention charts
 * draw: the latest period of any key of the summary stands for "now",
 * and every cohort has every offset up to it, 0 where none came back;
 * otherwise only the cells with journeys.  Rows by cohort, then period.
 */
Datum
activity_retention(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TIMESTAMPTZOID, TEXTOID, INT8OID, INT4OID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Activity	a;
	const Counts *c = &a.c;
	bool		unbounded = PG_GETARG_BOOL(1);
	bool		dense = PG_GETARG_BOOL(2);
	int32	   *nkeys;			/* per cohort label: its retained or last keys */
	int32	   *start;			/* per cohort label: where they begin in bylabel */
	int32	   *bylabel;
	int64		cells = 0;
	int64		rows = 0;
	int32		k;
	int32		l;
	int32		i;

	rsinfo = ActivityRead(fcinfo, columns, lengthof(columns), &a);
	if (c->nkeys == 0)
		return (Datum) 0;
	nkeys = palloc0(Max(c->nlabels, 1) * sizeof(int32));
	start = palloc(Max(c->nlabels, 1) * sizeof(int32));
	bylabel = palloc(c->nkeys * sizeof(int32));
	/* the keys of the mode read, grouped by cohort, by period within each */
	for (k = 0; k < c->nkeys; k++)
	{
		const int32 *key = c->key_labels + c->key_start[k];

		if (a.word[key[0]] == (unbounded ? WORD_LAST : WORD_RETAINED))
			nkeys[key[1]]++;
	}
	for (l = 0, i = 0; l < c->nlabels; l++)
	{
		start[l] = i;
		i += nkeys[l];
	}
	memset(nkeys, 0, Max(c->nlabels, 1) * sizeof(int32));
	for (k = 0; k < c->nkeys; k++)
	{
		const int32 *key = c->key_labels + c->key_start[k];

		if (a.word[key[0]] == (unbounded ? WORD_LAST : WORD_RETAINED))
			bylabel[start[key[1]] + nkeys[key[1]]++] = k;
		else if (a.word[key[0]] == WORD_COHORT && dense)
		{
			cells += (int64) a.latest - c->positions[k] + 1;
			CheckRows(cells, "activity retention grid", (int64) a.latest - c->positions[k] + 1);
		}
	}
	/* unbounded, a cohort's cells go up to its latest return */
	for (l = 0; !dense && unbounded && l < c->nlabels; l++)
		if (nkeys[l] > 0)
		{
			int64		span = (int64) c->positions[bylabel[start[l] + nkeys[l] - 1]] - a.number[l] + 1;

			cells += span;
			CheckRows(cells, "activity retention grid", span);
		}

	/* cohort keys come by period, so cohorts come in order */
	for (k = 0; k < c->nkeys; k++)
	{
		const int32 *key = c->key_labels + c->key_start[k];
		int32		label;
		int32		cohort;
		const int32 *keys;
		int32		nk;
		int32		next = 0;
		int64		size;
		int64		remaining = 0;	/* unbounded: returns in this period or later */
		int32		last;
		Datum		cohort_start;
		Datum		cohort_label;
		int64		p;

		if (a.word[key[0]] != WORD_COHORT)
			continue;
		label = key[1];
		cohort = c->positions[k];
		size = c->counts[k];
		keys = bylabel + start[label];
		nk = nkeys[label];
		if (nk == 0 && !dense)
			continue;
		for (i = 0; unbounded && i < nk; i++)
			remaining += c->counts[keys[i]];
		last = dense ? a.latest : nk > 0 ? c->positions[keys[nk - 1]] : cohort;
		cohort_start = TimestampTzGetDatum(PeriodStart(cohort, a.unit, a.tz));
		cohort_label = PointerGetDatum(PeriodLabel(cohort, a.unit));
		for (p = cohort; p <= last; p++)
		{
			Datum		values[lengthof(columns)];
			bool		nulls[lengthof(columns)] = {0};
			int64		journeys = 0;

			if (unbounded)
			{
				journeys = remaining;
				if (next < nk && c->positions[keys[next]] == p)
					remaining -= c->counts[keys[next++]];
			}
			else if (next < nk && c->positions[keys[next]] == p)
				journeys = c->counts[keys[next++]];
			else if (!dense)
			{
				/* only the cells with journeys: on to the next one */
				if (next >= nk)
					break;
				p = c->positions[keys[next]] - 1;
				continue;
			}
			if (!dense && journeys == 0)
				continue;
			values[0] = cohort_start;
			values[1] = cohort_label;
			values[2] = Int64GetDatum(size);
			values[3] = Int32GetDatum((int32) (p - cohort));
			values[4] = Int64GetDatum(journeys);
			values[5] = Float8GetDatum(CountsShare(journeys, size));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			if ((++rows & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	return (Datum) 0;
}

/*
 * The periods lifecycle and stickiness report: from the first with
 * activity to the latest of the summary; none without activity.
 */
static int64
ActivityPeriods(const Activity *a, const char *what)
{
	int64		span;

	if (a->first_active == PG_INT32_MIN)
		return 0;
	span = (int64) a->latest - a->first_active + 1;
	CheckRows(span, what, span);
	return span;
}

/*
 * activity_lifecycle(activity_counts): (period, period_label,
 * new_journeys, returning_journeys, resurrecting_journeys,
 * dormant_journeys) for every period from the first with activity to the
 * latest of the summary.  Dormant journeys were active in the period
 * before and are not in this one (PostHog shows them as negative).
 */
Datum
activity_lifecycle(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TIMESTAMPTZOID, TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID};
	ReturnSetInfo *rsinfo;
	Activity	a;
	const Counts *c = &a.c;
	int64		span;
	int64		prev_active = 0;
	int32		k = 0;
	int64		i;

	rsinfo = ActivityRead(fcinfo, columns, lengthof(columns), &a);
	span = ActivityPeriods(&a, "activity lifecycle");
	k = CountsFirstKeyAt(c, a.first_active);
	for (i = 0; i < span; i++)
	{
		int32		p = (int32) (a.first_active + i);
		int64		counts[lengthof(Words)] = {0};
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		for (; k < c->nkeys && c->positions[k] == p; k++)
			counts[a.word[c->key_labels[c->key_start[k]]]] += c->counts[k];
		values[0] = TimestampTzGetDatum(PeriodStart(p, a.unit, a.tz));
		values[1] = PointerGetDatum(PeriodLabel(p, a.unit));
		values[2] = Int64GetDatum(counts[WORD_NEW]);
		values[3] = Int64GetDatum(counts[WORD_RETURNING]);
		values[4] = Int64GetDatum(counts[WORD_RESURRECTING]);
		/* checked: returning journeys are at most those active before */
		values[5] = Int64GetDatum(prev_active - counts[WORD_RETURNING]);
		prev_active = counts[WORD_NEW] + counts[WORD_RETURNING] + counts[WORD_RESURRECTING];
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * activity_stickiness(activity_counts): (period, period_label, days,
 * journeys, share) for every period from the first with activity to the
 * latest of the summary and every k from 1 to the days of the period:
 * journeys with a return event on exactly k distinct days of it, and
 * their share of the journeys active in it.
 */
Datum
activity_stickiness(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TIMESTAMPTZOID, TEXTOID, INT4OID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo;
	Activity	a;
	const Counts *c = &a.c;
	int64		span;
	int32		k;
	int64		i;

	rsinfo = ActivityRead(fcinfo, columns, lengthof(columns), &a);
	span = ActivityPeriods(&a, "activity stickiness");
	/* at most 31 rows a period */
	CheckRows(span * (a.unit == ACTIVITY_DAY ? 1 : a.unit == ACTIVITY_WEEK ? 7 : 31),
			  "activity stickiness", span);
	k = CountsFirstKeyAt(c, a.first_active);
	for (i = 0; i < span; i++)
	{
		int32		p = (int32) (a.first_active + i);
		int32		ndays = PeriodDays(p, a.unit);
		int64		journeys[32] = {0};
		int64		active = 0;
		Datum		period = TimestampTzGetDatum(PeriodStart(p, a.unit, a.tz));
		Datum		label = PointerGetDatum(PeriodLabel(p, a.unit));
		int32		d;

		for (; k < c->nkeys && c->positions[k] == p; k++)
		{
			const int32 *key = c->key_labels + c->key_start[k];

			/* days keys are checked to be within the period's days */
			if (a.word[key[0]] == WORD_DAYS)
			{
				journeys[a.number[key[1]]] = c->counts[k];
				active += c->counts[k];
			}
		}
		for (d = 1; d <= ndays; d++)
		{
			Datum		values[lengthof(columns)];
			bool		nulls[lengthof(columns)] = {0};

			values[0] = period;
			values[1] = label;
			values[2] = Int32GetDatum(d);
			values[3] = Int64GetDatum(journeys[d]);
			values[4] = Float8GetDatum(CountsShare(journeys[d], active));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		if ((i & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
