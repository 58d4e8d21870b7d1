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
#include "parser/scansup.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "builder.h"
#include "textparse.h"

#define JOURNEY_BINARY_VERSION 1

PG_FUNCTION_INFO_V1(journey_in);
PG_FUNCTION_INFO_V1(journey_out);
PG_FUNCTION_INFO_V1(journey_recv);
PG_FUNCTION_INFO_V1(journey_send);

/* What a float8 can start with, NaN and Infinity included. */
static bool
LooksLikeNumber(char c)
{
	return isdigit((unsigned char) c) || c == '+' || c == '-' || c == '.' ||
		c == 'N' || c == 'n' || c == 'I' || c == 'i';
}

typedef struct JourneyInput
{
	JourneyBuilder builder;
	StringInfoData label;
} JourneyInput;

/* timestamp label [value] */
static void
ParseTouchpoint(TextParser *ps, void *arg)
{
	JourneyInput *in = arg;
	TimestampTz ts = ParseTimestamp(ps);
	int32		id;
	bool		has_value = false;
	double		value = 0;

	if (!scanner_isspace(*ps->p))
		ParseError(ps, "a space before the label");
	SkipSpace(ps);
	ParseString(ps, &in->label);
	id = JourneyBuilderLabel(&in->builder, in->label.data, in->label.len);
	SkipSpace(ps);
	if (*ps->p != ',' && *ps->p != ']')
	{
		if (!LooksLikeNumber(*ps->p))
			ParseError(ps, "a value, \",\" or \"]\"");
		value = float8in_internal(ps->p, &ps->p, "journey", ps->input);
		has_value = true;
	}
	JourneyBuilderAdd(&in->builder, ts, id, has_value, value);
}

Datum
journey_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	TextParser	ps = {input, input, "journey",
	"Write touchpoints as [2024-03-01 09:30:00+00 \"label\" 12.5, ...]; the value is optional."};
	JourneyInput in;

	JourneyBuilderInit(&in.builder, CurrentMemoryContext);
	initStringInfo(&in.label);
	ParseList(&ps, ParseTouchpoint, &in, "\",\" or \"]\"");
	PG_RETURN_POINTER(JourneyBuilderEncode(&in.builder));
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
		AppendQuoted(&buf, j.labels[t->label], j.label_lens[t->label]);
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
		BinaryError("journey", "Unsupported binary format version.");

	/* every count is checked against the bytes left before allocating */
	nlabels = pq_getmsgint(msg, 4);
	if (nlabels < 0 || nlabels > JOURNEY_MAX_LABELS ||
		nlabels > (msg->len - msg->cursor) / 4)
		BinaryError("journey", "Label count out of range.");
	ids = palloc(Max(nlabels, 1) * sizeof(int32));
	for (i = 0; i < nlabels; i++)
	{
		int32		len = pq_getmsgint(msg, 4);
		int			nbytes;
		char	   *label;

		if (len < 0 || len > msg->len - msg->cursor)
			BinaryError("journey", "Label length out of range.");
		label = pq_getmsgtext(msg, len, &nbytes);
		ids[i] = JourneyBuilderLabel(&b, label, nbytes);
		pfree(label);
	}

	ntouch = pq_getmsgint(msg, 4);
	if (ntouch < 0 || ntouch > JOURNEY_MAX_TOUCHPOINTS ||
		ntouch > (msg->len - msg->cursor) / 13)
		BinaryError("journey", "Touchpoint count out of range.");
	for (i = 0; i < ntouch; i++)
	{
		TimestampTz ts = pq_getmsgint64(msg);
		int32		label = pq_getmsgint(msg, 4);
		int			has_value = pq_getmsgbyte(msg);
		double		value = 0;

		if (label < 0 || label >= nlabels)
			BinaryError("journey", "Label index out of range.");
		if (has_value != 0 && has_value != 1)
			BinaryError("journey", "Has-value flag is neither 0 nor 1.");
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
