/*
 * counts.c
 *	  The path_counts type (layout in counts.h): the keyed-count store that
 *	  every kind of path counts shares.  It builds, encodes and decodes
 *	  values, reads and writes their text and binary forms, combines them,
 *	  checks that a value has the shape its kind allows, and runs the
 *	  transition functions; everything a kind counts and how, and what its
 *	  positions mean, is in the kind's own module, reached through its
 *	  CountsKindRoutine.
 *
 * Text form: paths collapse=1 param=0 total=3 [2 @0 "search" "purchase",
 * 1 @0 "direct"], with anchor="..." after param where there is one,
 * labels=("a" "b") for kinds that keep every label (sketches), and
 * value=... after total where it is not 0; the markers are written (null),
 * (conversion), (start) and (end), unquoted.  Binary form (version byte 1):
 * kind and collapse bytes, int32 param, anchor as int32 length (-1: none)
 * and text, int64 total, float8 value, int32 label count and the labels as
 * counted text, int32 key count, then per key int64 count, int32 position,
 * int32 length and the labels as int32 (-4 null, -3 conversion, -2 start,
 * -1 end, else an index).
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "argcache.h"
#include "counts.h"
#include "dict.h"
#include "journey.h"
#include "summary.h"
#include "textparse.h"
#include "varint.h"

#define COUNTS_BINARY_VERSION 1

static void CountsCheckShape(const Counts *c);

PG_FUNCTION_INFO_V1(path_counts_in);
PG_FUNCTION_INFO_V1(path_counts_out);
PG_FUNCTION_INFO_V1(path_counts_recv);
PG_FUNCTION_INFO_V1(path_counts_send);
PG_FUNCTION_INFO_V1(path_counts_combine);
PG_FUNCTION_INFO_V1(path_counts_final);

/* The kinds by their number in the stored form (CountsKind). */
static const CountsKindRoutine *const Kinds[] = {
	NULL, &PathsKind, &TransitionsKind, &NgramsKind, &StepsKind, &FlowsKind,
	&FlowsBackwardKind, &MarkovKind, &SketchKind, &HealthKind, &FunnelKind,
	&CohortsKind, &ShapleyKind, &CreditsKind, &DriversKind,
	&FunnelTrendsKind, &ActivityKind, &AttributionKind
};

StaticAssertDecl(lengthof(Kinds) == COUNTS_LAST_KIND + 1,
				 "every kind has a routine");

/* A number of a kind this build has (a number may be left for a kind to come). */
static bool
KindKnown(int kind)
{
	return kind >= COUNTS_PATHS && kind <= COUNTS_LAST_KIND && Kinds[kind] != NULL;
}

/* indexed by marker - COUNTS_OTHER */
static const char *const MarkerNames[] = {
	"(other)", "(null)", "(conversion)", "(start)", "(end)"
};

/*
 * Decodes argument argno as a fitted model of the given kind; anything else
 * is reported with its kind and the aggregate that builds the right model.
 */
void
CountsModelArg(FunctionCallInfo fcinfo, int argno, Counts *c, int kind,
			   const char *model, const char *builder)
{
	CountsDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno)), c);
	if (c->spec.kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs a %s model, not path counts of kind %s",
						get_func_name(fcinfo->flinfo->fn_oid), model,
						CountsKindName(c->spec.kind)),
				 errhint("Build the model with %s; a path_counts value stored before 0.4.0 reads as its own type: cast it to %s.",
						 builder, Kinds[c->spec.kind]->type_name)));
}

/*
 * The start of every reader of a summary: its rows of these column types
 * (JourneyInitRows, so a declaration out of step is refused first), then
 * argument 0 decoded and checked to count what the reader reads (kind1 or
 * kind2).  Returns the result set the rows go to.
 */
ReturnSetInfo *
CountsReadRows(FunctionCallInfo fcinfo, const Oid *columns, int ncolumns,
			   Counts *c, int kind1, int kind2)
{
	JourneyInitRows(fcinfo, columns, ncolumns);
	CountsDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)), c);
	if (c->spec.kind != kind1 && c->spec.kind != kind2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot read a summary of kind %s",
						get_func_name(fcinfo->flinfo->fn_oid),
						CountsKindName(c->spec.kind)),
				 errhint("A path_counts value stored before 0.4.0 reads as its own type: cast it to %s.",
						 Kinds[c->spec.kind]->type_name)));
	return (ReturnSetInfo *) fcinfo->resultinfo;
}

/* A key label as text: the label, or the marker's name. */
text *
CountsLabelText(const Counts *c, int32 v)
{
	if (v < 0)
		return cstring_to_text(CountsMarkerName(v));
	return cstring_to_text_with_len(c->labels[v], c->label_lens[v]);
}

const char *
CountsKindName(int kind)
{
	return Kinds[kind]->name;
}

const char *
CountsMarkerName(int32 marker)
{
	return MarkerNames[marker - COUNTS_OTHER];
}

/*
 * Conversion values are added exactly, as integers of VALUE_SCALE units,
 * so that a sum never depends on the order of the rows; each value is
 * rounded to 9 decimals once.
 */
int128
ValueUnits(double value)
{
	JourneyCheckValue(value);
	if (fabs(value) > COUNTS_MAX_VALUE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("conversion value out of range"),
				 errdetail("Conversion values are limited to plus or minus 1e18.")));
	return (int128) rint(value * COUNTS_VALUE_SCALE);
}

/* An exact decimal: the integer part, then up to 9 decimals if not 0. */
static void
AppendValue(StringInfo buf, int128 value)
{
	uint128		a = value < 0 ? -(uint128) value : (uint128) value;
	uint128		whole = a / COUNTS_VALUE_SCALE;
	uint64		frac = (uint64) (a % COUNTS_VALUE_SCALE);
	char		digits[48];
	int			n = 0;

	do
	{
		digits[n++] = '0' + (int) (whole % 10);
		whole /= 10;
	} while (whole > 0);
	if (value < 0)
		appendStringInfoChar(buf, '-');
	while (n > 0)
		appendStringInfoChar(buf, digits[--n]);
	if (frac > 0)
	{
		char		decimals[16];
		int			len;

		snprintf(decimals, sizeof(decimals), "%09llu", (unsigned long long) frac);
		for (len = 9; decimals[len - 1] == '0'; len--)
			;
		appendStringInfo(buf, ".%.*s", len, decimals);
	}
}

static int128
ParseValue(TextParser *ps)
{
	bool		negative = *ps->p == '-';
	int128		whole = 0;
	int128		frac = 0;
	int			ndigits = 0;
	int			scale = COUNTS_VALUE_SCALE;

	if (negative)
		ps->p++;
	while (isdigit((unsigned char) *ps->p) && ndigits < 20)
	{
		whole = whole * 10 + (*ps->p++ - '0');
		ndigits++;
	}
	if (ndigits == 0 || isdigit((unsigned char) *ps->p))
		ParseError(ps, "a decimal value of at most 20 integer digits");
	if (*ps->p == '.')
	{
		ps->p++;
		while (isdigit((unsigned char) *ps->p))
		{
			if (scale == 1)
				ParseError(ps, "at most 9 decimals");
			scale /= 10;
			frac += (int128) (*ps->p++ - '0') * scale;
		}
	}
	whole = whole * COUNTS_VALUE_SCALE + frac;
	return negative ? -whole : whole;
}

/* A key label as stored: markers first, then label indexes. */
#define STORED_KEY_LABEL(v, final) \
	((v) < 0 ? (v) - COUNTS_FIRST_MARKER : (final)[v] - COUNTS_FIRST_MARKER)

static void
CountsBuilderInit(CountsBuilder *b, MemoryContext cxt)
{
	memset(b, 0, sizeof(*b));
	b->cxt = cxt;
	StringDictInit(&b->labels, cxt, JOURNEY_MAX_LABELS,
				   "distinct labels in path counts",
				   "Map labels to fewer values with journey_map first.");
	StringDictInit(&b->keys, cxt, COUNTS_MAX_KEYS, "distinct keys in path counts",
				   "Shorten paths first, for example with journey_head or journey_collapse.");
}

static bool
SpecsEqual(const CountsSpec *a, const CountsSpec *b)
{
	return a->kind == b->kind && a->collapse == b->collapse &&
		a->param == b->param && (a->anchor == NULL) == (b->anchor == NULL) &&
		(a->anchor == NULL ||
		 CompareBytes(a->anchor, a->anchor_len, b->anchor, b->anchor_len) == 0);
}

/* The first spec sticks; every later one must equal it. */
static void
CountsBuilderSetSpec(CountsBuilder *b, const CountsSpec *spec)
{
	if (b->has_spec)
	{
		if (!SpecsEqual(&b->spec, spec))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("path counts of different kinds or parameters cannot be combined"),
					 b->spec.kind != spec->kind ?
					 errdetail("One is %s, the other %s.",
							   CountsKindName(b->spec.kind),
							   CountsKindName(spec->kind)) :
					 errdetail("Both are %s, counted with different arguments.",
							   CountsKindName(spec->kind)),
					 errhint("Pass the same options on every row and to every part.")));
		return;
	}
	b->spec = *spec;
	if (Kinds[spec->kind]->max_keys > 0)
	{
		b->keys.limit = Kinds[spec->kind]->max_keys;
		b->keys.what = MemoryContextStrdup(b->cxt, psprintf("keys in %s", Kinds[spec->kind]->type_name));
		b->keys.hint = Kinds[spec->kind]->keys_hint;
	}
	if (Kinds[spec->kind]->set_spec)
		Kinds[spec->kind]->set_spec(b);
	if (spec->anchor != NULL)
	{
		char	   *copy = MemoryContextAlloc(b->cxt, Max(spec->anchor_len, 1));

		memcpy(copy, spec->anchor, spec->anchor_len);
		b->spec.anchor = copy;
	}
	b->has_spec = true;
}

/* Adds count to the key (position, labels[0..n)), labels being builder ids. */
void
CountsBuilderAdd(CountsBuilder *b, int32 position, const int32 *labels,
				 int32 n, int64 count)
{
	int32		id;

	if (n > COUNTS_MAX_KEY_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("path too long to count"),
				 errdetail("A key has %d labels; the limit is %d.",
						   n, COUNTS_MAX_KEY_LABELS),
				 errhint("Shorten paths first, for example with journey_head or journey_collapse.")));
	if (n + 1 > b->maxscratch)
	{
		b->maxscratch = Max(n + 1, 2 * b->maxscratch);
		b->scratch = ResizeArray(b->cxt, b->scratch, b->maxscratch, sizeof(int32));
	}
	b->scratch[0] = position;
	if (n > 0)
		memcpy(b->scratch + 1, labels, n * sizeof(int32));
	id = StringDictIntern(&b->keys, (const char *) b->scratch,
						  (n + 1) * sizeof(int32));
	if (id >= b->maxcounts)
	{
		int32		old = b->maxcounts;

		b->maxcounts = b->keys.max;
		b->counts = ResizeArray(b->cxt, b->counts, b->maxcounts, sizeof(int64));
		memset(b->counts + old, 0, (b->maxcounts - old) * sizeof(int64));
	}
	if (pg_add_s64_overflow(b->counts[id], count, &b->counts[id]))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("path count out of range")));
}

void
CountsBuilderAddTotal(CountsBuilder *b, int64 n)
{
	if (pg_add_s64_overflow(b->total, n, &b->total))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("path count total out of range")));
}

/*
 * Adds a key read from outside (text or binary input, another value): as
 * the kind keeps it, else as a key.
 */
static void
CountsBuilderAddKey(CountsBuilder *b, int32 position, const int32 *labels,
					int32 n, int64 count)
{
	if (Kinds[b->spec.kind]->add_key)
		Kinds[b->spec.kind]->add_key(b, position, labels, n, count);
	else
		CountsBuilderAdd(b, position, labels, n, count);
}

/* Adds a decoded value (labels as indexes into c). */
static void
CountsBuilderAddCounts(CountsBuilder *b, const Counts *c)
{
	int32	   *map = palloc(Max(c->nlabels, 1) * sizeof(int32));
	int32	   *key = NULL;
	int32		maxkey = 0;
	int32		i;
	int32		k;

	CountsBuilderSetSpec(b, &c->spec);
	CountsBuilderAddTotal(b, c->total);
	b->value += c->value;
	for (i = 0; i < c->nlabels; i++)
		map[i] = StringDictIntern(&b->labels, c->labels[i], c->label_lens[i]);
	for (k = 0; k < c->nkeys; k++)
	{
		int32		n = c->key_start[k + 1] - c->key_start[k];
		const int32 *src = c->key_labels + c->key_start[k];

		if (n > maxkey)
		{
			maxkey = Max(n, 2 * maxkey);
			key = key ? repalloc(key, maxkey * sizeof(int32)) :
				palloc(maxkey * sizeof(int32));
		}
		for (i = 0; i < n; i++)
			key[i] = src[i] < 0 ? src[i] : map[src[i]];
		CountsBuilderAddKey(b, c->positions[k], key, n, c->counts[k]);
		if ((k & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}
/* Drops every key, for a kind that makes its keys afresh when encoded. */
void
CountsBuilderResetKeys(CountsBuilder *b)
{
	StringDictInit(&b->keys, b->cxt, b->keys.limit, b->keys.what, b->keys.hint);
	b->maxcounts = 0;
	b->counts = NULL;
}

/* Sorting keys: position, then labels by rank (markers first), shorter first. */
typedef struct KeyOrder
{
	const StringDict *keys;
	const int32 *rank;			/* builder label id -> bytewise rank */
} KeyOrder;

static int32
KeyLabel(const KeyOrder *o, int32 key, int32 i)
{
	int32		v;

	memcpy(&v, o->keys->strs[key] + (i + 1) * sizeof(int32), sizeof(int32));
	return v < 0 ? v : o->rank[v];
}

static int32
KeyLength(const KeyOrder *o, int32 key)
{
	return o->keys->lens[key] / sizeof(int32) - 1;
}

static int
CompareKeys(const void *a, const void *b, void *arg)
{
	const KeyOrder *o = arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;
	int32		px;
	int32		py;
	int32		nx = KeyLength(o, x);
	int32		ny = KeyLength(o, y);
	int32		i;

	memcpy(&px, o->keys->strs[x], sizeof(int32));
	memcpy(&py, o->keys->strs[y], sizeof(int32));
	if (px != py)
		return px < py ? -1 : 1;
	for (i = 0; i < nx && i < ny; i++)
	{
		int32		lx = KeyLabel(o, x, i);
		int32		ly = KeyLabel(o, y, i);

		if (lx != ly)
			return lx < ly ? -1 : 1;
	}
	return (nx > ny) - (nx < ny);
}

static struct varlena *
CountsBuilderEncode(CountsBuilder *b)
{
	const StringDict *labels = &b->labels;
	int32	   *lorder = StringDictSortedIds(labels);
	int32	   *rank = palloc(Max(labels->n, 1) * sizeof(int32));
	int32	   *final = palloc(Max(labels->n, 1) * sizeof(int32));
	int32	   *korder;
	KeyOrder	o = {&b->keys, rank};
	int32		nused = 0;
	int32		nkeys = 0;
	Size		size;
	struct varlena *result;
	uint8	   *p;
	int32		i;
	int32		k;

	if (Kinds[b->spec.kind]->before_encode)
		Kinds[b->spec.kind]->before_encode(b);
	korder = palloc(Max(b->keys.n, 1) * sizeof(int32));
	for (i = 0; i < labels->n; i++)
	{
		rank[lorder[i]] = i;
		final[i] = Kinds[b->spec.kind]->keeps_labels ? 0 : -1;
	}
	for (k = 0; k < b->keys.n; k++)
	{
		if (b->counts[k] == 0)
			continue;
		korder[nkeys++] = k;
		for (i = 0; i < KeyLength(&o, k); i++)
		{
			int32		v;

			memcpy(&v, b->keys.strs[k] + (i + 1) * sizeof(int32), sizeof(int32));
			if (v >= 0)
				final[v] = 0;
		}
	}
	for (i = 0; i < labels->n; i++)
		if (final[lorder[i]] == 0)
			final[lorder[i]] = nused++;
	qsort_arg(korder, nkeys, sizeof(int32), CompareKeys, &o);
	CHECK_FOR_INTERRUPTS();

	size = VARHDRSZ + STORED_HEADER_BYTES + 2 +
		VarintSize(ZigzagEncode(b->spec.param)) +
		VarintSize(b->spec.anchor ? b->spec.anchor_len + 1 : 0) +
		(b->spec.anchor ? b->spec.anchor_len : 0) +
		VarintSize(b->total) + 16 + VarintSize(nused) + VarintSize(nkeys);
	for (i = 0; i < labels->n; i++)
		if (final[i] >= 0)
			size += VarintSize(labels->lens[i]) + labels->lens[i];
	for (k = 0; k < nkeys; k++)
	{
		int32		key = korder[k];
		int32		n = KeyLength(&o, key);
		int32		position;

		memcpy(&position, b->keys.strs[key], sizeof(int32));
		size += VarintSize(b->counts[key]) + VarintSize(ZigzagEncode(position)) +
			VarintSize(n);
		for (i = 0; i < n; i++)
		{
			int32		v;

			memcpy(&v, b->keys.strs[key] + (i + 1) * sizeof(int32), sizeof(int32));
			size += VarintSize(STORED_KEY_LABEL(v, final));
		}
	}
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("path counts too large"),
				 errdetail("The encoded value would take %zu bytes; the limit is %zu.",
						   size, (Size) MaxAllocSize)));

	result = palloc(size);
	SET_VARSIZE(result, size);
	p = (uint8 *) VARDATA(result);
	*p++ = COUNTS_FORMAT_VERSION;
	*p++ = 0;
	*p++ = (uint8) b->spec.kind;
	*p++ = b->spec.collapse ? 1 : 0;
	p = VarintWrite(p, ZigzagEncode(b->spec.param));
	p = VarintWrite(p, b->spec.anchor ? b->spec.anchor_len + 1 : 0);
	if (b->spec.anchor)
	{
		memcpy(p, b->spec.anchor, b->spec.anchor_len);
		p += b->spec.anchor_len;
	}
	p = VarintWrite(p, b->total);
	for (i = 0; i < 16; i++)
		*p++ = (uint8) ((uint128) b->value >> (8 * i));
	p = VarintWrite(p, nused);
	for (i = 0; i < labels->n; i++)
	{
		int32		id = lorder[i];

		if (final[id] < 0)
			continue;
		p = VarintWrite(p, labels->lens[id]);
		memcpy(p, labels->strs[id], labels->lens[id]);
		p += labels->lens[id];
	}
	p = VarintWrite(p, nkeys);
	for (k = 0; k < nkeys; k++)
	{
		int32		key = korder[k];
		int32		n = KeyLength(&o, key);
		int32		position;

		memcpy(&position, b->keys.strs[key], sizeof(int32));
		p = VarintWrite(p, b->counts[key]);
		p = VarintWrite(p, ZigzagEncode(position));
		p = VarintWrite(p, n);
		for (i = 0; i < n; i++)
		{
			int32		v;

			memcpy(&v, b->keys.strs[key] + (i + 1) * sizeof(int32), sizeof(int32));
			p = VarintWrite(p, STORED_KEY_LABEL(v, final));
		}
	}
	Assert((Size) ((char *) p - (char *) result) == size);
	return result;
}

void
CountsDecode(struct varlena *stored, Counts *c)
{
	const uint8 *p;
	const uint8 *end;
	uint64		anchor;
	uint64		n;
	int32		nlabels_total = 0;
	int32		maxlabels = 16;
	int32		i;
	int32		k;

	StoredOpen(stored, COUNTS_FORMAT_VERSION, "path_counts", &p, &end);
	if (end - p < 2 || !KindKnown(p[0]) || p[1] > 1)
		ReportCorrupt("bad kind");
	c->spec.kind = p[0];
	c->spec.collapse = p[1] == 1;
	p += 2;
	c->spec.param = (int32) ZigzagDecode(VarintRead(&p, end));
	anchor = VarintRead(&p, end);
	c->spec.anchor = NULL;
	c->spec.anchor_len = 0;
	if (anchor > 0)
	{
		if (anchor - 1 > JOURNEY_MAX_LABEL_BYTES || anchor - 1 > (uint64) (end - p))
			ReportCorrupt("bad anchor length");
		c->spec.anchor = (const char *) p;
		c->spec.anchor_len = (int32) (anchor - 1);
		p += anchor - 1;
	}
	c->total = (int64) VarintRead(&p, end);
	if (end - p < 16)
		ReportCorrupt("truncated value");
	{
		uint128		v = 0;

		for (i = 0; i < 16; i++)
			v |= (uint128) p[i] << (8 * i);
		c->value = (int128) v;
		p += 16;
	}
	n = VarintRead(&p, end);
	if (n > JOURNEY_MAX_LABELS || c->total < 0)
		ReportCorrupt("bad counts");
	c->nlabels = (int32) n;
	c->labels = palloc(Max(c->nlabels, 1) * sizeof(char *));
	c->label_lens = palloc(Max(c->nlabels, 1) * sizeof(int32));
	for (i = 0; i < c->nlabels; i++)
	{
		uint64		len = VarintRead(&p, end);

		if (len > JOURNEY_MAX_LABEL_BYTES || len > (uint64) (end - p))
			ReportCorrupt("bad label length");
		c->labels[i] = (const char *) p;
		c->label_lens[i] = (int32) len;
		p += len;
	}
	n = VarintRead(&p, end);
	if (n > COUNTS_MAX_KEYS)
		ReportCorrupt("bad key count");
	c->nkeys = (int32) n;
	c->counts = palloc(Max(c->nkeys, 1) * sizeof(int64));
	c->positions = palloc(Max(c->nkeys, 1) * sizeof(int32));
	c->key_start = palloc((c->nkeys + 1) * sizeof(int32));
	c->key_labels = palloc(maxlabels * sizeof(int32));
	for (k = 0; k < c->nkeys; k++)
	{
		uint64		count = VarintRead(&p, end);
		int64		position = ZigzagDecode(VarintRead(&p, end));
		uint64		len = VarintRead(&p, end);

		if (count > PG_INT64_MAX || position < PG_INT32_MIN ||
			position > PG_INT32_MAX || len > COUNTS_MAX_KEY_LABELS ||
			len > (uint64) (end - p))
			ReportCorrupt("bad key");
		c->counts[k] = (int64) count;
		c->positions[k] = (int32) position;
		c->key_start[k] = nlabels_total;
		if ((int64) nlabels_total + (int64) len > (int64) (MaxAllocSize / sizeof(int32)))
			ReportCorrupt("keys too long");
		if (nlabels_total + (int32) len > maxlabels)
		{
			maxlabels = Max(nlabels_total + (int32) len, 2 * maxlabels);
			c->key_labels = repalloc(c->key_labels, (Size) maxlabels * sizeof(int32));
		}
		for (i = 0; i < (int32) len; i++)
		{
			uint64		v = VarintRead(&p, end);

			if (v >= (uint64) c->nlabels - COUNTS_FIRST_MARKER)
				ReportCorrupt("label index out of range");
			c->key_labels[nlabels_total++] = (int32) v + COUNTS_FIRST_MARKER;
		}
	}
	c->key_start[c->nkeys] = nlabels_total;
	if (p != end)
		ReportCorrupt("trailing bytes");
	CountsCheckShape(c);
}

/*
 * The shape of the keys each kind may have, which its readers rely on: how
 * many labels a key has, whether they may be markers (readers index arrays
 * by label), and which positions it may sit at (readers index statistics
 * and histograms by position).  CountsDecode checks every value it reads,
 * and the text and binary input functions check what they make, so no
 * crafted value reaches a reader in another shape.
 */
void
CountsShapeError(const Counts *c, int32 k, const char *rule)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("invalid path counts of kind %s", CountsKindName(c->spec.kind)),
			 k >= 0 ?
			 errdetail("Key %d (position %d, %d labels): %s.", k + 1, c->positions[k],
					   c->key_start[k + 1] - c->key_start[k], rule) :
			 errdetail("%s.", rule),
			 errhint("Path counts come from their aggregates; a hand-written value must have the same shape.")));
}

static void
CountsCheckShape(const Counts *c)
{
	const CountsKindRoutine *kind = Kinds[c->spec.kind];
	CountsSums	sums;
	int32		k;

	if (kind->check_spec)
		kind->check_spec(c);
	memset(&sums, 0, sizeof(sums));
	if (c->value != 0 && !kind->has_value)
		CountsShapeError(c, -1, "only Markov and Shapley models have a conversion value");
	if (kind->sums_begin)
		kind->sums_begin(c, &sums);
	for (k = 0; k < c->nkeys; k++)
	{
		bool		markers = false;
		int32		i;

		for (i = c->key_start[k]; i < c->key_start[k + 1]; i++)
			markers |= c->key_labels[i] < 0;
		kind->check_key(c, k, markers);
		if (c->counts[k] < 1)
			CountsShapeError(c, k, "a count is at least 1");
		if (k > 0 && c->positions[k] != c->positions[k - 1])
			sums.run = 0;
		sums.run += c->counts[k];
		kind->sums_key(c, &sums, k);
		if ((k & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (kind->sums_end)
		kind->sums_end(c, &sums);
}

/* Keys k1 and k2 in the stored order of their labels (markers first, then shorter first). */
static int
CompareKeyLabels(const Counts *c, int32 k1, int32 k2)
{
	int32		n1 = c->key_start[k1 + 1] - c->key_start[k1];
	int32		n2 = c->key_start[k2 + 1] - c->key_start[k2];
	int32		i;

	for (i = 0; i < n1 && i < n2; i++)
	{
		int32		a = c->key_labels[c->key_start[k1] + i];
		int32		b = c->key_labels[c->key_start[k2] + i];

		if (a != b)
			return a < b ? -1 : 1;
	}
	return (n1 > n2) - (n1 < n2);
}

/* Index in [lo, hi) (keys of one position) of the key with the labels of k, or -1. */
int32
CountsFindKeyLabels(const Counts *c, int32 lo, int32 hi, int32 k)
{
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;
		int			cmp = CompareKeyLabels(c, mid, k);

		if (cmp == 0)
			return mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The first key at a position of at least pos (keys are sorted by position). */
int32
CountsFirstKeyAt(const Counts *c, int32 pos)
{
	int32		lo = 0;
	int32		hi = c->nkeys;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (c->positions[mid] < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Key indexes by count, largest first, within each position if asked
 * (positions ascending); ties keep the canonical order (markers, then
 * labels bytewise), so a ranking never depends on the plan.
 */
typedef struct KeyRanking
{
	const Counts *c;
	bool		by_position;
} KeyRanking;

static int
CompareByCount(const void *a, const void *b, void *arg)
{
	const KeyRanking *r = arg;
	const Counts *c = r->c;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	if (r->by_position && c->positions[x] != c->positions[y])
		return c->positions[x] < c->positions[y] ? -1 : 1;
	if (c->counts[x] != c->counts[y])
		return c->counts[x] > c->counts[y] ? -1 : 1;
	return (x > y) - (x < y);
}

int32 *
KeysByCount(const Counts *c, bool by_position)
{
	KeyRanking	r = {c, by_position};
	int32	   *order = palloc(Max(c->nkeys, 1) * sizeof(int32));
	int32		k;

	for (k = 0; k < c->nkeys; k++)
		order[k] = k;
	qsort_arg(order, c->nkeys, sizeof(int32), CompareByCount, &r);
	return order;
}

/* Rules of the sums that several kinds share. */
void
CountsSumsAddUp(const Counts *c, CountsSums *s)
{
	if (s->sum != c->total)
		CountsShapeError(c, -1, "the counts add up to the total");
}

void
CountsSumsStartsAndEnds(const Counts *c, CountsSums *s)
{
	if (s->sum != c->total || s->ends != c->total)
		CountsShapeError(c, -1, "every path counted has one (start) and one ending");
}

/* Key k has labels only, no markers. */
void
CheckNoMarkers(const Counts *c, int32 k, const char *rule)
{
	int32		i;

	for (i = c->key_start[k]; i < c->key_start[k + 1]; i++)
		if (c->key_labels[i] < 0)
			CountsShapeError(c, k, rule);
}

/* The keys at one position so far count no more journeys than the total. */
void
CheckRunWithinTotal(const Counts *c, const CountsSums *s, int32 k, const char *rule)
{
	if (s->run > c->total)
		CountsShapeError(c, k, rule);
}


/*
 * Buckets of gaps in microseconds: exact below 64, then 32 buckets per
 * power of two (about 3% wide), with integer arithmetic only so that every
 * machine agrees.
 */
int32
GapBucket(uint64 gap)
{
	int			msb;

	if (gap < 64)
		return (int32) gap;
	msb = 63 - __builtin_clzll(gap);
	return 64 + (msb - 6) * 32 + (int32) ((gap >> (msb - 5)) & 31);
}

uint64
GapBucketMiddle(int32 bucket)
{
	int			msb;
	uint64		low;

	if (bucket < 64)
		return (uint64) bucket;
	msb = (bucket - 64) / 32 + 6;
	low = ((uint64) (32 + (bucket - 64) % 32)) << (msb - 5);
	return low + ((UINT64CONST(1) << (msb - 5)) >> 1);
}


/* Text and binary forms */

/* The value an input function made, refused if it has a shape no reader reads. */
static struct varlena *
CountsInputResult(CountsBuilder *b)
{
	struct varlena *result = CountsBuilderEncode(b);
	Counts		check;

	CountsDecode(result, &check);
	return result;
}

static void
AppendKeyLabel(StringInfo buf, const Counts *c, int32 v)
{
	if (v < 0)
		appendStringInfoString(buf, CountsMarkerName(v));
	else
		AppendQuoted(buf, c->labels[v], c->label_lens[v]);
}

Datum
path_counts_out(PG_FUNCTION_ARGS)
{
	Counts		c;
	StringInfoData buf;
	int32		k;
	int32		i;

	CountsDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)), &c);
	initStringInfo(&buf);
	appendStringInfo(&buf, "%s collapse=%d param=%d", CountsKindName(c.spec.kind),
					 c.spec.collapse ? 1 : 0, c.spec.param);
	if (c.spec.anchor)
	{
		appendStringInfoString(&buf, " anchor=");
		AppendQuoted(&buf, c.spec.anchor, c.spec.anchor_len);
	}
	if (Kinds[c.spec.kind]->keeps_labels)
	{
		/* keys that name no labels (a sketch): the alphabet is written out */
		appendStringInfoString(&buf, " labels=(");
		for (i = 0; i < c.nlabels; i++)
		{
			if (i > 0)
				appendStringInfoChar(&buf, ' ');
			AppendQuoted(&buf, c.labels[i], c.label_lens[i]);
		}
		appendStringInfoChar(&buf, ')');
	}
	appendStringInfo(&buf, " total=" INT64_FORMAT, c.total);
	if (c.value != 0)
	{
		appendStringInfoString(&buf, " value=");
		AppendValue(&buf, c.value);
	}
	appendStringInfoString(&buf, " [");
	for (k = 0; k < c.nkeys; k++)
	{
		if (k > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfo(&buf, INT64_FORMAT " @%d", c.counts[k], c.positions[k]);
		for (i = c.key_start[k]; i < c.key_start[k + 1]; i++)
		{
			appendStringInfoChar(&buf, ' ');
			AppendKeyLabel(&buf, &c, c.key_labels[i]);
		}
		if ((k & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_CSTRING(buf.data);
}

/* A non-negative decimal integer that fits in int64. */
static int64
ParseInt64(TextParser *ps, const char *what, bool allow_sign)
{
	bool		negative = false;
	int64		v = 0;

	if (allow_sign && (*ps->p == '-' || *ps->p == '+'))
		negative = *ps->p++ == '-';
	if (!isdigit((unsigned char) *ps->p))
		ParseError(ps, what);
	while (isdigit((unsigned char) *ps->p))
	{
		if (pg_mul_s64_overflow(v, 10, &v) ||
			pg_add_s64_overflow(v, *ps->p - '0', &v))
			ParseError(ps, what);
		ps->p++;
	}
	return negative ? -v : v;
}

static void
ParseWord(TextParser *ps, const char *word)
{
	size_t		len = strlen(word);

	if (strncmp(ps->p, word, len) != 0)
		ParseError(ps, psprintf("\"%s\"", word));
	ps->p += len;
}

typedef struct CountsInput
{
	CountsBuilder b;
	StringInfo	s;
	int32	   *key;
	int32		maxkey;
} CountsInput;

/* count @position label... (markers unquoted) */
static void
ParseCountsKey(TextParser *ps, void *arg)
{
	CountsInput *in = arg;
	int64		count = ParseInt64(ps, "a count", false);
	int32		position;
	int32		n = 0;

	SkipSpace(ps);
	ParseChar(ps, '@', "\"@\" and a position");
	position = (int32) ParseInt64(ps, "a position", true);
	SkipSpace(ps);
	while (*ps->p != ',' && *ps->p != ']' && *ps->p != '\0')
	{
		bool		quoted = *ps->p == '"';
		int32		marker;

		if (n >= in->maxkey)
		{
			in->maxkey = Max(8, 2 * in->maxkey);
			in->key = in->key ? repalloc(in->key, in->maxkey * sizeof(int32)) :
				palloc(in->maxkey * sizeof(int32));
		}
		ParseString(ps, in->s);
		for (marker = COUNTS_FIRST_MARKER; marker < 0; marker++)
			if (!quoted && strcmp(in->s->data, CountsMarkerName(marker)) == 0)
				break;
		if (marker < 0)
			in->key[n++] = marker;
		else
		{
			JourneyCheckLabel(in->s->data, in->s->len);
			in->key[n++] = StringDictIntern(&in->b.labels, in->s->data, in->s->len);
		}
		SkipSpace(ps);
	}
	if (count > 0)
		CountsBuilderAddKey(&in->b, position, in->key, n, count);
}

/*
 * Refuses a kind that another type holds, unless the type takes any kind
 * (path_counts).
 */
static void
CountsCheckKind(int kind, const char *type, bool any_kind, int sqlstate,
				const char *what)
{
	const char *own = Kinds[kind]->type_name;

	if (!any_kind && strcmp(own, type) != 0)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("%s: a summary of kind %s is a %s, not a %s",
						what, Kinds[kind]->name, own, type),
				 errhint("Read it as %s.", own)));
}

static struct varlena *
CountsParse(char *input, const char *type, bool any_kind)
{
	TextParser	ps = {input, input, type,
	"Write a summary as its output shows it, for example paths collapse=1 param=0 total=2 [2 @0 \"search\" \"purchase\"]."};
	CountsInput in;
	CountsSpec	spec = {0};
	StringInfoData s;
	int64		total;
	int			kind;

	CountsBuilderInit(&in.b, CurrentMemoryContext);
	initStringInfo(&s);
	in.s = &s;
	for (kind = COUNTS_LAST_KIND; kind >= COUNTS_PATHS; kind--)
		if (KindKnown(kind) && strncmp(ps.p, Kinds[kind]->name, strlen(Kinds[kind]->name)) == 0)
			break;
	if (kind < COUNTS_PATHS)
		ParseError(&ps, "a kind (paths, transitions, ngrams, steps, flows, backward_flows, markov, paths_sketch, health, funnel, cohorts, shapley, credits, drivers, funnel_trends, activity, attribution)");
	ps.p += strlen(Kinds[kind]->name);
	CountsCheckKind(kind, type, any_kind, ERRCODE_INVALID_TEXT_REPRESENTATION,
					"invalid input");
	spec.kind = kind;
	SkipSpace(&ps);
	ParseWord(&ps, "collapse=");
	if (*ps.p != '0' && *ps.p != '1')
		ParseError(&ps, "0 or 1");
	spec.collapse = *ps.p++ == '1';
	SkipSpace(&ps);
	ParseWord(&ps, "param=");
	spec.param = (int32) ParseInt64(&ps, "an integer", true);
	SkipSpace(&ps);
	if (strncmp(ps.p, "anchor=", 7) == 0)
	{
		ps.p += 7;
		ParseString(&ps, &s);
		spec.anchor = pstrdup(s.data);
		spec.anchor_len = s.len;
		SkipSpace(&ps);
	}
	CountsBuilderSetSpec(&in.b, &spec);
	if (strncmp(ps.p, "labels=(", 8) == 0)
	{
		ps.p += 8;
		SkipSpace(&ps);
		while (*ps.p != ')')
		{
			ParseString(&ps, &s);
			JourneyCheckLabel(s.data, s.len);
			(void) StringDictIntern(&in.b.labels, s.data, s.len);
			SkipSpace(&ps);
		}
		ps.p++;
		SkipSpace(&ps);
	}
	ParseWord(&ps, "total=");
	total = ParseInt64(&ps, "a count", false);
	CountsBuilderAddTotal(&in.b, total);
	SkipSpace(&ps);
	if (strncmp(ps.p, "value=", 6) == 0)
	{
		ps.p += 6;
		in.b.value = ParseValue(&ps);
		SkipSpace(&ps);
	}
	in.key = NULL;
	in.maxkey = 0;
	ParseList(&ps, ParseCountsKey, &in, "\",\" or \"]\"");
	return CountsInputResult(&in.b);
}

static struct varlena *
CountsReceive(StringInfo msg, const char *type, bool any_kind)
{
	CountsBuilder b;
	CountsSpec	spec = {0};
	int32		anchor_len;
	int32		nlabels;
	int32		nkeys;
	int32	   *map;
	int32	   *key = NULL;
	int32		maxkey = 0;
	int64		total;
	int32		i;
	int32		k;

	CountsBuilderInit(&b, CurrentMemoryContext);
	if (pq_getmsgbyte(msg) != COUNTS_BINARY_VERSION)
		BinaryError(type, "Unsupported binary format version.");
	spec.kind = pq_getmsgbyte(msg);
	spec.collapse = pq_getmsgbyte(msg);
	if (!KindKnown(spec.kind) ||
		(spec.collapse != 0 && spec.collapse != 1))
		BinaryError(type, "Unknown kind or collapse flag.");
	CountsCheckKind(spec.kind, type, any_kind, ERRCODE_INVALID_BINARY_REPRESENTATION,
					"invalid binary input");
	spec.param = pq_getmsgint(msg, 4);
	anchor_len = pq_getmsgint(msg, 4);
	if (anchor_len < -1 || anchor_len > msg->len - msg->cursor)
		BinaryError(type, "Anchor length out of range.");
	if (anchor_len >= 0)
	{
		int			nbytes;

		spec.anchor = pq_getmsgtext(msg, anchor_len, &nbytes);
		spec.anchor_len = nbytes;
		JourneyCheckLabel(spec.anchor, spec.anchor_len);
	}
	CountsBuilderSetSpec(&b, &spec);
	total = pq_getmsgint64(msg);
	if (total < 0)
		BinaryError(type, "Negative total.");
	CountsBuilderAddTotal(&b, total);
	{
		/* two statements: the high half is sent first */
		uint64		high = (uint64) pq_getmsgint64(msg);
		uint64		low = (uint64) pq_getmsgint64(msg);

		b.value = (int128) ((uint128) high << 64 | low);
	}
	nlabels = pq_getmsgint(msg, 4);
	if (nlabels < 0 || nlabels > JOURNEY_MAX_LABELS || nlabels > (msg->len - msg->cursor) / 4)
		BinaryError(type, "Label count out of range.");
	map = palloc(Max(nlabels, 1) * sizeof(int32));
	for (i = 0; i < nlabels; i++)
	{
		int32		len = pq_getmsgint(msg, 4);
		int			nbytes;
		char	   *label;

		if (len < 0 || len > msg->len - msg->cursor)
			BinaryError(type, "Label length out of range.");
		label = pq_getmsgtext(msg, len, &nbytes);
		JourneyCheckLabel(label, nbytes);
		map[i] = StringDictIntern(&b.labels, label, nbytes);
	}
	nkeys = pq_getmsgint(msg, 4);
	if (nkeys < 0 || nkeys > COUNTS_MAX_KEYS || nkeys > (msg->len - msg->cursor) / 16)
		BinaryError(type, "Key count out of range.");
	for (k = 0; k < nkeys; k++)
	{
		int64		count = pq_getmsgint64(msg);
		int32		position = pq_getmsgint(msg, 4);
		int32		n = pq_getmsgint(msg, 4);

		if (count < 0 || n < 0 || n > COUNTS_MAX_KEY_LABELS ||
			n > (msg->len - msg->cursor) / 4)
			BinaryError(type, "Key count or length out of range.");
		if (n > maxkey)
		{
			maxkey = Max(n, 2 * maxkey);
			key = key ? repalloc(key, maxkey * sizeof(int32)) :
				palloc(maxkey * sizeof(int32));
		}
		for (i = 0; i < n; i++)
		{
			int32		v = pq_getmsgint(msg, 4);

			if (v < COUNTS_FIRST_MARKER || v >= nlabels)
				BinaryError(type, "Label index out of range.");
			key[i] = v < 0 ? v : map[v];
		}
		if (count > 0)
			CountsBuilderAddKey(&b, position, key, n, count);
	}
	return CountsInputResult(&b);
}

/*
 * path_counts takes every kind: until 0.4.0 it was the one type of every
 * summary, and values of other kinds stored then must still restore from a
 * dump.  The other summary types take only their own kinds.
 */
Datum
path_counts_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(CountsParse(PG_GETARG_CSTRING(0), "path_counts", true));
}

Datum
path_counts_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(CountsReceive((StringInfo) PG_GETARG_POINTER(0), "path_counts", true));
}

Datum
CountsTypeIn(FunctionCallInfo fcinfo, const char *type)
{
	PG_RETURN_POINTER(CountsParse(PG_GETARG_CSTRING(0), type, false));
}

Datum
CountsTypeRecv(FunctionCallInfo fcinfo, const char *type)
{
	PG_RETURN_POINTER(CountsReceive((StringInfo) PG_GETARG_POINTER(0), type, false));
}

/* The checked cast from path_counts: the stored form is the same. */
Datum
CountsTypeCast(FunctionCallInfo fcinfo, const char *type)
{
	struct varlena *stored = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	Counts		c;

	CountsDecode(stored, &c);
	CountsCheckKind(c.spec.kind, type, false, ERRCODE_INVALID_PARAMETER_VALUE,
					"cannot cast path_counts");
	PG_RETURN_POINTER(stored);
}

Datum
path_counts_send(PG_FUNCTION_ARGS)
{
	Counts		c;
	StringInfoData buf;
	int32		i;
	int32		k;

	CountsDecode(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)), &c);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, COUNTS_BINARY_VERSION);
	pq_sendbyte(&buf, c.spec.kind);
	pq_sendbyte(&buf, c.spec.collapse ? 1 : 0);
	pq_sendint32(&buf, c.spec.param);
	if (c.spec.anchor)
		pq_sendcountedtext(&buf, c.spec.anchor, c.spec.anchor_len, false);
	else
		pq_sendint32(&buf, -1);
	pq_sendint64(&buf, c.total);
	pq_sendint64(&buf, (int64) ((uint128) c.value >> 64));
	pq_sendint64(&buf, (int64) (uint64) c.value);
	pq_sendint32(&buf, c.nlabels);
	for (i = 0; i < c.nlabels; i++)
		pq_sendcountedtext(&buf, c.labels[i], c.label_lens[i], false);
	pq_sendint32(&buf, c.nkeys);
	for (k = 0; k < c.nkeys; k++)
	{
		pq_sendint64(&buf, c.counts[k]);
		pq_sendint32(&buf, c.positions[k]);
		pq_sendint32(&buf, c.key_start[k + 1] - c.key_start[k]);
		for (i = c.key_start[k]; i < c.key_start[k + 1]; i++)
			pq_sendint32(&buf, c.key_labels[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Aggregates */

static void
SummaryInit(void *builder, MemoryContext cxt)
{
	CountsBuilderInit(builder, cxt);
}

static void
SummaryAddStored(void *builder, struct varlena *stored)
{
	Counts		c;

	CountsDecode(stored, &c);
	CountsBuilderAddCounts(builder, &c);
}

/* A builder read through its own encoding: merging states is rare. */
static void
SummaryAddBuilder(void *builder, void *other)
{
	SummaryAddStored(builder, CountsBuilderEncode(other));
}

static struct varlena *
SummaryEncode(void *builder)
{
	CountsBuilder *b = builder;

	/* an aggregate over no journeys still has a kind: paths by default */
	if (!b->has_spec)
	{
		CountsSpec	spec = {COUNTS_PATHS, true, 0, NULL, 0};

		CountsBuilderSetSpec(b, &spec);
	}
	return CountsBuilderEncode(b);
}

static const SummaryType CountsSummary = {
	"path_counts",
	sizeof(CountsBuilder),
	SummaryInit,
	SummaryAddStored,
	SummaryAddBuilder,
	SummaryEncode
};

/*
 * A journey's labels as builder label ids, consecutive repeats collapsed
 * if asked; returns the number of labels.
 */
static int32
JourneyPath(CountsBuilder *b, const Journey *j, bool collapse, int32 *path)
{
	int32	   *map = palloc(Max(j->nlabels, 1) * sizeof(int32));
	int32		n = 0;
	int32		i;

	for (i = 0; i < j->nlabels; i++)
		map[i] = -1;
	for (i = 0; i < j->ntouch; i++)
	{
		int32		l = j->touches[i].label;

		if (collapse && i > 0 && l == j->touches[i - 1].label)
			continue;
		if (map[l] < 0)
			map[l] = StringDictIntern(&b->labels, j->labels[l], j->label_lens[l]);
		path[n++] = map[l];
	}
	pfree(map);
	return n;
}

/* Counts one journey into the builder as its kind says. */
static void
CountJourney(CountsBuilder *b, const Journey *j, const void *arg)
{
	int32	   *path = palloc((j->ntouch + 2) * sizeof(int32));
	/* a kind that reads no path need not intern the journey's labels for one */
	int32		n = Kinds[b->spec.kind]->no_path ? 0 : JourneyPath(b, j, b->spec.collapse, path + 1);

	/* path[0] and path[n + 1] hold the markers around the labels */
	path[0] = COUNTS_START;
	path[n + 1] = COUNTS_END;
	if (Kinds[b->spec.kind]->count_journey(b, j, path, n, arg))
		CountsBuilderAddTotal(b, 1);
	pfree(path);
}

/*
 * The state argument of a transition function as a builder with this
 * spec; the caller returns it with SummaryReturn.
 */
ExpandedSummary *
CountsStateArg(FunctionCallInfo fcinfo, const CountsSpec *spec)
{
	ExpandedSummary *es = SummaryArg(fcinfo, &CountsSummary);

	CountsBuilderSetSpec(es->builder, spec);
	return es;
}

/* Shared by the transition functions: NULL journeys are skipped. */
Datum
CountsTransition(FunctionCallInfo fcinfo, const CountsSpec *spec,
				 const void *arg)
{
	ExpandedSummary *es;
	Journey		j;

	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	es = CountsStateArg(fcinfo, spec);
	JourneyDecode(PG_GETARG_JOURNEY_P(1), &j);
	CountJourney(es->builder, &j, arg);
	return SummaryReturn(es);
}

/*
 * A transition function whose arguments from the third on parse, by
 * parse, into a struct of size bytes starting with CountsParsed; NULL
 * journeys are skipped before their arguments are looked at.
 */
Datum
CountsParsedTransition(FunctionCallInfo fcinfo, Size size,
					   void (*parse) (FunctionCallInfo fcinfo, void *parsed))
{
	const CountsParsed *p;

	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	p = ArgCacheLookup(fcinfo, 2, PG_NARGS() - 2, size, parse);
	return CountsTransition(fcinfo, &p->spec, p->arg);
}

/* An argument that must not be NULL. */
Datum
CountsRequiredArg(FunctionCallInfo fcinfo, int n, const char *what)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what)));
	return PG_GETARG_DATUM(n);
}

bool
CountsCollapseArg(FunctionCallInfo fcinfo, int n)
{
	return PG_NARGS() <= n || DatumGetBool(CountsRequiredArg(fcinfo, n, "collapse_repeats"));
}

int32
CountsPositiveArg(FunctionCallInfo fcinfo, int n, const char *what, int32 max)
{
	int32		v = DatumGetInt32(CountsRequiredArg(fcinfo, n, what));

	if (v < 1 || v > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 1 and %d", what, max)));
	return v;
}

void
CountsAnchorArg(FunctionCallInfo fcinfo, int n, CountsSpec *spec)
{
	text	   *anchor = DatumGetTextPP(CountsRequiredArg(fcinfo, n, "anchor"));

	spec->anchor = VARDATA_ANY(anchor);
	spec->anchor_len = VARSIZE_ANY_EXHDR(anchor);
	JourneyCheckLabel(spec->anchor, spec->anchor_len);
}


/* combine function of the path aggregates, transition function of path_counts_rollup */
Datum
path_counts_combine(PG_FUNCTION_ARGS)
{
	return SummaryCombine(fcinfo, &CountsSummary);
}

Datum
path_counts_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(SummaryDatumGetStored(&CountsSummary, PG_GETARG_DATUM(0)));
}

