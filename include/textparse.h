/*
 * textparse.h
 *	  Shared pieces of the text and binary forms (see textparse.c).
 */
#ifndef JOURNEY_TEXTPARSE_H
#define JOURNEY_TEXTPARSE_H

#include "lib/stringinfo.h"
#include "utils/timestamp.h"

typedef struct TextParser
{
	char	   *input;			/* the whole input, for messages */
	char	   *p;				/* next byte to read */
	const char *type_name;		/* for messages */
	const char *hint;			/* what a valid input looks like */
} TextParser;

extern void ParseError(TextParser *ps, const char *expected) pg_attribute_noreturn();
extern void SkipSpace(TextParser *ps);
extern void ParseList(TextParser *ps, void (*item) (TextParser *ps, void *arg),
					  void *arg, const char *after_item);
extern void ParseChar(TextParser *ps, char c, const char *what);
extern TimestampTz ParseTimestamp(TextParser *ps);
extern void ParseString(TextParser *ps, StringInfo out);
extern void AppendTimestamp(StringInfo buf, TimestampTz ts);
extern void AppendQuoted(StringInfo buf, const char *s, int32 len);
extern void BinaryError(const char *type_name, const char *detail) pg_attribute_noreturn();

#endif							/* JOURNEY_TEXTPARSE_H */
