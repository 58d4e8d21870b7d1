/*
 * textparse.c
 *	  Pieces of the text and binary forms shared by every type: a small
 *	  cursor-based parser with positioned error messages, timestamps in a
 *	  form independent of TimeZone and DateStyle, and quoted strings.
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "parser/scansup.h"
#include "utils/datetime.h"

#include "journey.h"
#include "textparse.h"
#include "varint.h"

/* The input is shown clipped to 60 characters. */
void
ParseError(TextParser *ps, const char *expected)
{
	int			shown = pg_mbcliplen(ps->input, strlen(ps->input), 60);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%.*s%s\"",
					ps->type_name, shown, ps->input,
					ps->input[shown] ? "..." : ""),
			 errdetail("Expected %s at character %d.", expected,
					   (int) (ps->p - ps->input) + 1),
			 errhint("%s", ps->hint)));
}

/*
 * The list form every type shares: "[" items separated by "," "]" and the
 * end of input; item parses one element (the cursor on its first byte).
 */
void
ParseList(TextParser *ps, void (*item) (TextParser *ps, void *arg), void *arg,
		  const char *after_item)
{
	SkipSpace(ps);
	ParseChar(ps, '[', "\"[\"");
	SkipSpace(ps);
	if (*ps->p != ']')
	{
		for (;;)
		{
			item(ps, arg);
			SkipSpace(ps);
			if (*ps->p != ',')
				break;
			ps->p++;
			SkipSpace(ps);
			CHECK_FOR_INTERRUPTS();
		}
	}
	ParseChar(ps, ']', after_item);
	SkipSpace(ps);
	if (*ps->p != '\0')
		ParseError(ps, "the end of input after \"]\"");
}

void
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

void
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
TimestampTz
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
		int			hours = ParseDigits(ps, 2, "a two-digit UTC offset");
		int			offset;

		/* as PostgreSQL's DecodeTimezone: hours to 15, then 15:59:59 */
		if (hours > MAX_TZDISP_HOUR)
			ParseError(ps, "a UTC offset of at most 15 hours");
		offset = hours * SECS_PER_HOUR;
		if (*ps->p == ':')
			ps->p++;
		if (isdigit((unsigned char) *ps->p))
		{
			int			minutes = ParseDigits(ps, 2, "two-digit offset minutes");

			if (minutes >= MINS_PER_HOUR)
				ParseError(ps, "offset minutes below 60");
			offset += minutes * SECS_PER_MINUTE;
			if (*ps->p == ':')
				ps->p++;
			if (isdigit((unsigned char) *ps->p))
			{
				int			seconds = ParseDigits(ps, 2, "two-digit offset seconds");

				if (seconds >= SECS_PER_MINUTE)
					ParseError(ps, "offset seconds below 60");
				offset += seconds;
			}
		}
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

/* A double-quoted string with \" and \\ escapes, or a bare word. */
void
ParseString(TextParser *ps, StringInfo label)
{
	resetStringInfo(label);
	if (*ps->p != '"')
	{
		if (!IsBareLabelChar(*ps->p))
			ParseError(ps, "a word or a double-quoted string");
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

void
AppendTimestamp(StringInfo buf, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		text[MAXDATELEN + 1];

	/* no time zone argument: the fields come out in UTC */
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ReportCorrupt("timestamp out of range");
	tm.tm_isdst = 0;			/* else EncodeDateTime leaves out the offset */
	EncodeDateTime(&tm, fsec, true, 0, NULL, USE_ISO_DATES, text);
	appendStringInfoString(buf, text);
}

void
AppendQuoted(StringInfo buf, const char *label, int32 len)
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

void
BinaryError(const char *type_name, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary input for type %s", type_name),
			 errdetail("%s", detail)));
}

