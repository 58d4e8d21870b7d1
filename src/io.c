/*
 * io.c
 *	  Text and binary input and output of journeys.
 *
 * Text form: [2024-03-01 09:30:00+00 "search", 2024-03-01 09:31:12.5+00
 * "purchase" 49.9].  Timestamps are written in UTC and must carry an
 * explicit offset on input, so the text means the same under every
 * TimeZone and DateStyle; labels are written double-quoted with \" and \\
 * escaped; values use the shortest text that reads back to the same float8.
 *
 * Binary form (version byte 1): int32 label count, the labels as counted
 * text, int32 touchpoint count, then per touchpoint int64 timestamp, int32
 * label index, one has-value byte and, if set, a float8.  Input of either
 * form goes through a JourneyBuilder, so it is checked like everything else.
 */
#include "postgres.h"

#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "mb/pg_wchar.h"
#include "parser/scansup.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/float.h"

#include "builder.h"

#define JOURNEY_BINARY_VERSION 1

PG_FUNCTION_INFO_V1(journey_in);
PG_FUNCTION_INFO_V1(journey_out);
PG_FUNCTION_INFO_V1(journey_recv);
PG_FUNCTION_INFO_V1(journey_send);

typedef struct TextParser
{
	char	   *input;			/* the whole input, for messages */
	char	   *p;				/* next byte to read */
} TextParser;

static void
ParseError(TextParser *ps, const char *expected)
{
	int			shown = pg_mbcliplen(ps->input, strlen(ps->input), 60);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type journey: \"%.*s%s\"",
					shown, ps->input, ps->input[shown] ? "..." : ""),
			 errdetail("Expected %s at character %d.", expected,
					   (int) (ps->p - ps->input) + 1),
			 errhint("Write touchpoints as [2024-03-01 09:30:00+00 \"label\" 12.5, ...]; the value is optional.")));
}

static void
SkipSpace(TextParser *ps)
{
	while (scanner_isspace(*ps->p))
		ps->p++;
}

/* Reads exactly ndigits decimal digits. */
static int
ParseDigits(TextParser *ps, int ndigits, const char *what)
{
	int			v = 0;
	int			i;

	for (i = 0; i < ndigits; i++)
	{
		if (!isdigit((unsigned char) *ps->p))
			ParseError(ps, what);
		v = v * 10 + (*ps->p++ - '0');
	}
	return v;
}

static void
ParseChar(TextParser *ps, char c, const char *what)
{
	if (*ps->p != c)
		ParseError(ps, what);
	ps->p++;
}

/*
 * YYYY-MM-DD HH:MM:SS[.ffffff](Z|+HH[:MM[:SS]]|-HH...)[ BC], the form
 * journey_out writes ('T' may replace the space).  The offset is required.
 */
static TimestampTz
ParseTimestamp(TextParser *ps)
{
	struct pg_tm tm;
	fsec_t		fsec = 0;
	int			year = 0;
	int			ndigits = 0;
	int			tz = 0;
	TimestampTz result;
	char	   *start = ps->p;

	memset(&tm, 0, sizeof(tm));
	while (isdigit((unsigned char) *ps->p) && ndigits < 6)
	{
		year = year * 10 + (*ps->p++ - '0');
		ndigits++;
	}
	if (ndigits < 4)
		ParseError(ps, "a timestamp (YYYY-MM-DD HH:MM:SS+HH)");
	ParseChar(ps, '-', "\"-\" in the date");
	tm.tm_mon = ParseDigits(ps, 2, "a two-digit month");
	ParseChar(ps, '-', "\"-\" in the date");
	tm.tm_mday = ParseDigits(ps, 2, "a two-digit day");
	if (*ps->p != ' ' && *ps->p != 'T')
		ParseError(ps, "a space or \"T\" before the time");
	ps->p++;
	tm.tm_hour = ParseDigits(ps, 2, "a two-digit hour");
	ParseChar(ps, ':', "\":\" in the time");
	tm.tm_min = ParseDigits(ps, 2, "two-digit minutes");
	ParseChar(ps, ':', "\":\" in the time");
	tm.tm_sec = ParseDigits(ps, 2, "two-digit seconds");
	if (*ps->p == '.')
	{
		int			scale = USECS_PER_SEC;

		ps->p++;
		if (!isdigit((unsigned char) *ps->p))
			ParseError(ps, "fractional seconds");
		while (isdigit((unsigned char) *ps->p))
		{
			if (scale == 1)
				ParseError(ps, "at most six digits of fractional seconds");
			scale /= 10;
			fsec += (*ps->p++ - '0') * scale;
		}
	}

	if (*ps->p == 'Z')
		ps->p++;
	else if (*ps->p == '+' || *ps->p == '-')
	{
		int			sign = *ps->p++ == '-' ? -1 : 1;
		int			offset = ParseDigits(ps, 2, "a two-digit UTC offset") * SECS_PER_HOUR;

		if (*ps->p == ':')
			ps->p++;
		if (isdigit((unsigned char) *ps->p))
		{
			offset += ParseDigits(ps, 2, "two-digit offset minutes") * SECS_PER_MINUTE;
			if (*ps->p == ':')
				ps->p++;
			if (isdigit((unsigned char) *ps->p))
				offset += ParseDigits(ps, 2, "two-digit offset seconds");
		}
		if (offset > MAX_TZDISP_HOUR * SECS_PER_HOUR)
			ParseError(ps, "a UTC offset of at most 15 hours");
		/* PostgreSQL counts offsets positive west of Greenwich */
		tz = -sign * offset;
	}
	else
		ParseError(ps, "a UTC offset (Z, +HH or -HH:MM) after the time");

	tm.tm_year = year;
	if (strncmp(ps->p, " BC", 3) == 0 &&
		(ps->p[3] == '\0' || scanner_isspace(ps->p[3]) || ps->p[3] == '"' ||
		 ps->p[3] == ',' || ps->p[3] == ']'))
	{
		ps->p += 3;
		tm.tm_year = -(year - 1);
	}

	if (year == 0 || tm.tm_mon < 1 || tm.tm_mon > MONTHS_PER_YEAR ||
		tm.tm_mday < 1 ||
		tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1] ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59 ||
		tm2timestamp(&tm, fsec, &tz, &result) != 0 ||
		!IS_VALID_TIMESTAMP(result))
	{
		ps->p = start;
		ParseError(ps, "a valid timestamp within the range of timestamp with time zone");
	}
	return result;
}

static bool
IsBareLabelChar(char c)
{
	return c != '\0' && !scanner_isspace(c) && c != '"' && c != ',' &&
		c != '[' && c != ']' && c != '\\';
}

/* A double-quoted label with \" and \\ escapes, or a bare word. */
static void
ParseLabel(TextParser *ps, StringInfo label)
{
	resetStringInfo(label);
	if (*ps->p != '"')
	{
		if (!IsBareLabelChar(*ps->p))
			ParseError(ps, "a label (a word or a double-quoted string)");
		while (IsBareLabelChar(*ps->p))
			appendStringInfoChar(label, *ps->p++);
		return;
	}
	ps->p++;
	while (*ps->p != '"')
	{
		if (*ps->p == '\0')
			ParseError(ps, "a closing double quote");
		if (*ps->p == '\\')
		{
			ps->p++;
			if (*ps->p != '"' && *ps->p != '\\')
				ParseError(ps, "\\\" or \\\\ (the only escapes in a label)");
		}
		appendStringInfoChar(label, *ps->p++);
	}
	ps->p++;
}

/* What a float8 can start with, NaN and Infinity included. */
static bool
LooksLikeNumber(char c)
{
	return isdigit((unsigned char) c) || c == '+' || c == '-' || c == '.' ||
		c == 'N' || c == 'n' || c == 'I' || c == 'i';
}

Datum
journey_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	TextParser	ps = {input, input};
	StringInfoData label;
	JourneyBuilder b;

	JourneyBuilderInit(&b, CurrentMemoryContext);
	initStringInfo(&label);
	SkipSpace(&ps);
	ParseChar(&ps, '[', "\"[\"");
	SkipSpace(&ps);
	if (*ps.p != ']')
	{
		for (;;)
		{
			TimestampTz ts;
			int32		id;
			bool		has_value = false;
			double		value = 0;

			ts = ParseTimestamp(&ps);
			if (!scanner_isspace(*ps.p))
				ParseError(&ps, "a space before the label");
			SkipSpace(&ps);
			ParseLabel(&ps, &label);
			id = JourneyBuilderLabel(&b, label.data, label.len);
			SkipSpace(&ps);
			if (*ps.p != ',' && *ps.p != ']')
			{
				if (!LooksLikeNumber(*ps.p))
					ParseError(&ps, "a value, \",\" or \"]\"");
				value = float8in_internal(ps.p, &ps.p, "journey", input);
				has_value = true;
			}
			JourneyBuilderAdd(&b, ts, id, has_value, value);
			SkipSpace(&ps);
			if (*ps.p != ',')
				break;
			ps.p++;
			SkipSpace(&ps);
			CHECK_FOR_INTERRUPTS();
		}
	}
	ParseChar(&ps, ']', "\",\" or \"]\"");
	SkipSpace(&ps);
	if (*ps.p != '\0')
		ParseError(&ps, "the end of input after \"]\"");
	PG_RETURN_POINTER(JourneyBuilderEncode(&b));
}

static void
AppendTimestamp(StringInfo buf, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		text[MAXDATELEN + 1];

	/* no time zone argument: the fields come out in UTC */
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		JourneyReportCorrupt("timestamp out of range");
	tm.tm_isdst = 0;			/* else EncodeDateTime leaves out the offset */
	EncodeDateTime(&tm, fsec, true, 0, NULL, USE_ISO_DATES, text);
	appendStringInfoString(buf, text);
}

static void
AppendQuotedLabel(StringInfo buf, const char *label, int32 len)
{
	int32		i;

	appendStringInfoChar(buf, '"');
	for (i = 0; i < len; i++)
	{
		if (label[i] == '"' || label[i] == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, label[i]);
	}
	appendStringInfoChar(buf, '"');
}

Datum
journey_out(PG_FUNCTION_ARGS)
{
	Journey		j;
	StringInfoData buf;
	int32		i;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (i = 0; i < j.ntouch; i++)
	{
		const JourneyTouch *t = &j.touches[i];

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		AppendTimestamp(&buf, t->ts);
		appendStringInfoChar(&buf, ' ');
		AppendQuotedLabel(&buf, j.labels[t->label], j.label_lens[t->label]);
		if (t->has_value)
		{
			char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

			double_to_shortest_decimal_buf(t->value, num);
			appendStringInfoChar(&buf, ' ');
			appendStringInfoString(&buf, num);
		}
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_CSTRING(buf.data);
}

static void
BinaryError(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary input for type journey"),
			 errdetail("%s", detail)));
}

Datum
journey_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	JourneyBuilder b;
	int32		nlabels;
	int32		ntouch;
	int32	   *ids;
	int32		i;

	JourneyBuilderInit(&b, CurrentMemoryContext);
	if (pq_getmsgbyte(msg) != JOURNEY_BINARY_VERSION)
		BinaryError("Unsupported binary format version.");

	/* every count is checked against the bytes left before allocating */
	nlabels = pq_getmsgint(msg, 4);
	if (nlabels < 0 || nlabels > JOURNEY_MAX_LABELS ||
		nlabels > (msg->len - msg->cursor) / 4)
		BinaryError("Label count out of range.");
	ids = palloc(Max(nlabels, 1) * sizeof(int32));
	for (i = 0; i < nlabels; i++)
	{
		int32		len = pq_getmsgint(msg, 4);
		int			nbytes;
		char	   *label;

		if (len < 0 || len > msg->len - msg->cursor)
			BinaryError("Label length out of range.");
		label = pq_getmsgtext(msg, len, &nbytes);
		ids[i] = JourneyBuilderLabel(&b, label, nbytes);
		pfree(label);
	}

	ntouch = pq_getmsgint(msg, 4);
	if (ntouch < 0 || ntouch > JOURNEY_MAX_TOUCHPOINTS ||
		ntouch > (msg->len - msg->cursor) / 13)
		BinaryError("Touchpoint count out of range.");
	for (i = 0; i < ntouch; i++)
	{
		TimestampTz ts = pq_getmsgint64(msg);
		int32		label = pq_getmsgint(msg, 4);
		int			has_value = pq_getmsgbyte(msg);
		double		value = 0;

		if (label < 0 || label >= nlabels)
			BinaryError("Label index out of range.");
		if (has_value != 0 && has_value != 1)
			BinaryError("Has-value flag is neither 0 nor 1.");
		if (has_value)
			value = pq_getmsgfloat8(msg);
		JourneyBuilderAdd(&b, ts, ids[label], has_value, value);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_POINTER(JourneyBuilderEncode(&b));
}

Datum
journey_send(PG_FUNCTION_ARGS)
{
	Journey		j;
	StringInfoData buf;
	int32		i;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, JOURNEY_BINARY_VERSION);
	pq_sendint32(&buf, j.nlabels);
	for (i = 0; i < j.nlabels; i++)
		pq_sendcountedtext(&buf, j.labels[i], j.label_lens[i], false);
	pq_sendint32(&buf, j.ntouch);
	for (i = 0; i < j.ntouch; i++)
	{
		const JourneyTouch *t = &j.touches[i];

		pq_sendint64(&buf, t->ts);
		pq_sendint32(&buf, t->label);
		pq_sendbyte(&buf, t->has_value);
		if (t->has_value)
			pq_sendfloat8(&buf, t->value);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
