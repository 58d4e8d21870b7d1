/*
 * pathkeys.c
 *	  What the path-like summaries share (see pathkeys.h): the checks of
 *	  keys at position 0 and of the depth n, the anchor's place in a
 *	  journey's path, and a key's labels as a path for the readers.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "counts.h"
#include "pathkeys.h"

/* paths and n-grams: a key has no position */
void
PathsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->positions[k] != 0)
		CountsShapeError(c, k, "the position must be 0");
}

/* n-grams, steps and flows: n (the depth) is 1 to COUNTS_MAX_N */
void
SumsBeginDepth(const Counts *c, CountsSums *s)
{
	if (c->spec.param < 1 || c->spec.param > COUNTS_MAX_N)
		CountsShapeError(c, -1, psprintf("n (the depth) must be between 1 and %d", COUNTS_MAX_N));
}

/* Index in path of the first occurrence of the anchor's builder id, or -1. */
int32
FindAnchor(CountsBuilder *b, const int32 *path, int32 n)
{
	int32		anchor = StringDictIntern(&b->labels, b->spec.anchor,
										  b->spec.anchor_len);
	int32		i;

	for (i = 0; i < n; i++)
		if (path[i] == anchor)
			return i;
	return -1;
}

/* The labels of key k joined by " > ", and as an array. */
void
KeyPath(const Counts *c, int32 k, Datum *path, Datum *labels)
{
	StringInfoData buf;
	int32		n = c->key_start[k + 1] - c->key_start[k];
	Datum	   *elems = palloc(Max(n, 1) * sizeof(Datum));
	int32		i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		text	   *t = CountsLabelText(c, c->key_labels[c->key_start[k] + i]);

		if (i > 0)
			appendStringInfoString(&buf, " > ");
		appendBinaryStringInfo(&buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		elems[i] = PointerGetDatum(t);
	}
	*path = PointerGetDatum(cstring_to_text_with_len(buf.data, buf.len));
	*labels = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
											  TYPALIGN_INT));
	/* called once per row of a reader: keep only the two results */
	for (i = 0; i < n; i++)
		pfree(DatumGetPointer(elems[i]));
	pfree(elems);
	pfree(buf.data);
}
