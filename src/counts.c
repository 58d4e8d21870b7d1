/*
 * counts.c
 *	  The path_counts type (layout in counts.h): building it from journeys
 *	  with the path aggregates, and its text and binary forms.
 *
 * Text form: paths collapse=1 param=0 total=3 [2 @0 "search" "purchase",
 * 1 @0 "direct"], with anchor="..." after param where there is one,
 * labels=("a" "b") for sketches, and value=... after total where it is
 * not 0; the markers are written (null),
 * (conversion), (start) and (end), unquoted.  Binary form (version byte 1):
 * kind and collapse bytes, int32 param, anchor as int32 length (-1: none)
 * and text, int64 total, float8 value, int32 label count and the labels as
 * counted text, int32 key count, then per key int64 count, int32 position,
 * int32 length and the labels as int32 (-4 null, -3 conversion, -2 start,
 * -1 end, else an index).
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "common/int.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "bootstrap.h"
#include "builder.h"
#include "conversions.h"
#include "counts.h"
#include "dict.h"
#include "funnel.h"
#include "params.h"
#include "summary.h"
#include "textparse.h"
#include "varint.h"

#define COUNTS_BINARY_VERSION 1

static void CountsCheckShape(const Counts *c);

PG_FUNCTION_INFO_V1(path_counts_in);
PG_FUNCTION_INFO_V1(path_counts_out);
PG_FUNCTION_INFO_V1(path_counts_recv);
PG_FUNCTION_INFO_V1(path_counts_send);
PG_FUNCTION_INFO_V1(path_counts_transfn);
PG_FUNCTION_INFO_V1(transition_counts_transfn);
PG_FUNCTION_INFO_V1(path_sketch_transfn);
PG_FUNCTION_INFO_V1(health_counts_transfn);
PG_FUNCTION_INFO_V1(funnel_counts_transfn);
PG_FUNCTION_INFO_V1(retention_counts_transfn);
PG_FUNCTION_INFO_V1(ngram_counts_transfn);
PG_FUNCTION_INFO_V1(step_counts_transfn);
PG_FUNCTION_INFO_V1(flow_counts_transfn);
PG_FUNCTION_INFO_V1(markov_counts_transfn);
PG_FUNCTION_INFO_V1(shapley_counts_transfn);
PG_FUNCTION_INFO_V1(credit_bootstrap_transfn);
PG_FUNCTION_INFO_V1(path_counts_combine);
PG_FUNCTION_INFO_V1(path_counts_final);

/* The kinds by their number in the stored form (CountsKind). */
static const CountsKindRoutine *const Kinds[] = {
	NULL, &PathsKind, &TransitionsKind, &NgramsKind, &StepsKind, &FlowsKind,
	&FlowsBackwardKind, &MarkovKind, &SketchKind, &HealthKind, &FunnelKind,
	&CohortsKind, &ShapleyKind, &CreditsKind
};

StaticAssertDecl(lengthof(Kinds) == COUNTS_LAST_KIND + 1,
				 "every kind has a routine");

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
				 errhint("Build the model with %s.", builder)));
}

const CountsKindRoutine *
CountsKindGet(int kind)
{
	return Kinds[kind];
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
					 errdetail("One is %s, the other %s.",
							   CountsKindName(b->spec.kind),
							   CountsKindName(spec->kind)),
					 errhint("Pass the same options on every row and to every part.")));
		return;
	}
	b->spec = *spec;
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
	if (Kinds[c->spec.kind]->add_key)
	{
		for (k = 0; k < c->nkeys; k++)
			CountsBuilderAddKey(b, c->positions[k], NULL,
								c->key_start[k + 1] - c->key_start[k], c->counts[k]);
		return;
	}
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
		CountsBuilderAdd(b, c->positions[k], key, n, c->counts[k]);
		if ((k & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}
/* Drops every key, for a kind that makes its keys afresh when encoded. */
void
CountsBuilderResetKeys(CountsBuilder *b)
{
	StringDictInit(&b->keys, b->cxt, COUNTS_MAX_KEYS, b->keys.what, b->keys.hint);
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
	if (end - p < 2 || p[0] < COUNTS_PATHS || p[0] > COUNTS_LAST_KIND || p[1] > 1)
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
		/* a sketch's keys name no labels: its alphabet is written out */
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

Datum
path_counts_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	TextParser	ps = {input, input, "path_counts",
	"Write path counts as paths collapse=1 param=0 total=2 [2 @0 \"search\" \"purchase\"]."};
	CountsInput in;
	CountsSpec	spec = {0};
	StringInfoData s;
	int64		total;
	int			kind;

	CountsBuilderInit(&in.b, CurrentMemoryContext);
	initStringInfo(&s);
	in.s = &s;
	for (kind = COUNTS_LAST_KIND; kind >= COUNTS_PATHS; kind--)
		if (strncmp(ps.p, Kinds[kind]->name, strlen(Kinds[kind]->name)) == 0)
			break;
	if (kind < COUNTS_PATHS)
		ParseError(&ps, "a kind (paths, transitions, ngrams, steps, flows, backward_flows, markov, paths_sketch, health, funnel, cohorts, shapley, credits)");
	ps.p += strlen(Kinds[kind]->name);
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
	PG_RETURN_POINTER(CountsInputResult(&in.b));
}

Datum
path_counts_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
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
		BinaryError("path_counts", "Unsupported binary format version.");
	spec.kind = pq_getmsgbyte(msg);
	spec.collapse = pq_getmsgbyte(msg);
	if (spec.kind < COUNTS_PATHS || spec.kind > COUNTS_LAST_KIND ||
		(spec.collapse != 0 && spec.collapse != 1))
		BinaryError("path_counts", "Unknown kind or collapse flag.");
	spec.param = pq_getmsgint(msg, 4);
	anchor_len = pq_getmsgint(msg, 4);
	if (anchor_len < -1 || anchor_len > msg->len - msg->cursor)
		BinaryError("path_counts", "Anchor length out of range.");
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
		BinaryError("path_counts", "Negative total.");
	CountsBuilderAddTotal(&b, total);
	{
		/* two statements: the high half is sent first */
		uint64		high = (uint64) pq_getmsgint64(msg);
		uint64		low = (uint64) pq_getmsgint64(msg);

		b.value = (int128) ((uint128) high << 64 | low);
	}
	nlabels = pq_getmsgint(msg, 4);
	if (nlabels < 0 || nlabels > JOURNEY_MAX_LABELS || nlabels > (msg->len - msg->cursor) / 4)
		BinaryError("path_counts", "Label count out of range.");
	map = palloc(Max(nlabels, 1) * sizeof(int32));
	for (i = 0; i < nlabels; i++)
	{
		int32		len = pq_getmsgint(msg, 4);
		int			nbytes;
		char	   *label;

		if (len < 0 || len > msg->len - msg->cursor)
			BinaryError("path_counts", "Label length out of range.");
		label = pq_getmsgtext(msg, len, &nbytes);
		JourneyCheckLabel(label, nbytes);
		map[i] = StringDictIntern(&b.labels, label, nbytes);
	}
	nkeys = pq_getmsgint(msg, 4);
	if (nkeys < 0 || nkeys > COUNTS_MAX_KEYS || nkeys > (msg->len - msg->cursor) / 16)
		BinaryError("path_counts", "Key count out of range.");
	for (k = 0; k < nkeys; k++)
	{
		int64		count = pq_getmsgint64(msg);
		int32		position = pq_getmsgint(msg, 4);
		int32		n = pq_getmsgint(msg, 4);

		if (count < 0 || n < 0 || n > COUNTS_MAX_KEY_LABELS ||
			n > (msg->len - msg->cursor) / 4)
			BinaryError("path_counts", "Key count or length out of range.");
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
				BinaryError("path_counts", "Label index out of range.");
			key[i] = v < 0 ? v : map[v];
		}
		if (count > 0)
			CountsBuilderAddKey(&b, position, key, n, count);
	}
	PG_RETURN_POINTER(CountsInputResult(&b));
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
	int32		n = JourneyPath(b, j, b->spec.collapse, path + 1);

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

/* The kinds of path counts: paths, transitions, n-grams, steps and flows */

static void
PathsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->positions[k] != 0)
		CountsShapeError(c, k, "the position must be 0");
}

static void
PathsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int32		len = c->key_start[k + 1] - c->key_start[k];
	const int32 *key = c->key_labels + c->key_start[k];
	int32		i;

	for (i = 0; i < len; i++)
		if (key[i] < 0)
			CountsShapeError(c, k, "a path has no markers");
	s->sum += c->counts[k];
}

static bool
PathsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				  const void *arg)
{
	CountsBuilderAdd(b, 0, path + 1, n, 1);
	return true;
}

const CountsKindRoutine PathsKind = {
	.name = "paths",
	.check_key = PathsCheckKey,
	.sums_key = PathsSumsKey,
	.sums_end = CountsSumsAddUp,
	.count_journey = PathsCountJourney,
};

static void
TransitionsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->positions[k] != 0 || c->key_start[k + 1] - c->key_start[k] != 2)
		CountsShapeError(c, k, "a transition is two labels at position 0");
}

static void
TransitionsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	const int32 *key = c->key_labels + c->key_start[k];

	if ((key[0] < 0 && key[0] != COUNTS_START) ||
		(key[1] < 0 && key[1] != COUNTS_END))
		CountsShapeError(c, k, "a transition goes from a label or (start) to a label or (end)");
	if (key[0] == COUNTS_START)
		s->sum += c->counts[k];
	if (key[1] == COUNTS_END)
		s->ends += c->counts[k];
}

static bool
TransitionsCountJourney(CountsBuilder *b, const Journey *j, int32 *path,
						int32 n, const void *arg)
{
	int32		i;

	for (i = 0; i <= n; i++)
		CountsBuilderAdd(b, 0, path + i, 2, 1);
	return true;
}

const CountsKindRoutine TransitionsKind = {
	.name = "transitions",
	.check_key = TransitionsCheckKey,
	.sums_key = TransitionsSumsKey,
	.sums_end = CountsSumsStartsAndEnds,
	.count_journey = TransitionsCountJourney,
};

/* n-grams, steps and flows: n (the depth) is 1 to COUNTS_MAX_N */
static void
SumsBeginDepth(const Counts *c, CountsSums *s)
{
	if (c->spec.param < 1 || c->spec.param > COUNTS_MAX_N)
		CountsShapeError(c, -1, psprintf("n (the depth) must be between 1 and %d", COUNTS_MAX_N));
}

static void
NgramsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int32		len = c->key_start[k + 1] - c->key_start[k];
	const int32 *key = c->key_labels + c->key_start[k];
	int32		i;

	for (i = 0; i < len; i++)
		if (key[i] < 0)
			CountsShapeError(c, k, "an n-gram has no markers");
	if (len != c->spec.param)
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

const CountsKindRoutine NgramsKind = {
	.name = "ngrams",
	.sums_begin = SumsBeginDepth,
	.check_key = PathsCheckKey,
	.sums_key = NgramsSumsKey,
	.count_journey = NgramsCountJourney,
};

/* Index in path of the first occurrence of the anchor's builder id, or -1. */
static int32
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

static void
StepsSumsBegin(const Counts *c, CountsSums *s)
{
	SumsBeginDepth(c, s);
	if (c->spec.anchor == NULL)
		CountsShapeError(c, -1, "step counts have an anchor");
}

static void
StepsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->key_start[k + 1] - c->key_start[k] != 1)
		CountsShapeError(c, k, "a step is one label");
}

static void
StepsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int32		param = c->spec.param;
	int32		pos = c->positions[k];
	const int32 *key = c->key_labels + c->key_start[k];

	if (pos == 0 || pos < -param || pos > param ||
		(key[0] < 0 && key[0] != (pos < 0 ? COUNTS_START : COUNTS_END)))
		CountsShapeError(c, k, "a step is a label, (start) before the anchor or (end) after it, at most n away");
	if (s->run > c->total)
		CountsShapeError(c, k, "no more steps at one distance than journeys");
}

static bool
StepsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				  const void *arg)
{
	int32		param = b->spec.param;
	int32		at = FindAnchor(b, path + 1, n);
	int32		d;

	if (at < 0)
		return false;
	at++;						/* index into path, markers included */
	for (d = 1; d <= param && at + d <= n + 1; d++)
		CountsBuilderAdd(b, d, path + at + d, 1, 1);
	for (d = 1; d <= param && at - d >= 0; d++)
		CountsBuilderAdd(b, -d, path + at - d, 1, 1);
	return true;
}

const CountsKindRoutine StepsKind = {
	.name = "steps",
	.sums_begin = StepsSumsBegin,
	.check_key = StepsCheckKey,
	.sums_key = StepsSumsKey,
	.count_journey = StepsCountJourney,
};

static void
FlowsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (c->positions[k] < 1 || c->key_start[k + 1] - c->key_start[k] != 2)
		CountsShapeError(c, k, "an edge is two labels at a depth of at least 1");
}

static void
FlowsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	const int32 *key = c->key_labels + c->key_start[k];

	if (c->positions[k] > c->spec.param || key[0] < 0 ||
		(key[1] < 0 && key[1] != (c->spec.kind == COUNTS_FLOWS ? COUNTS_END : COUNTS_START)))
		CountsShapeError(c, k, "an edge goes from a label to a label or the end it flows to, at most depth deep");
	if (s->run > c->total)
		CountsShapeError(c, k, "no more edges at one depth than journeys");
}

static bool
FlowsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				  const void *arg)
{
	bool		backward = b->spec.kind == COUNTS_FLOWS_BACKWARD;
	int32		param = b->spec.param;
	int32		at;
	int32		d;

	if (b->spec.anchor)
		at = FindAnchor(b, path + 1, n);
	else
		at = backward ? n - 1 : 0;
	if (at < 0 || n == 0)
		return false;
	at++;
	for (d = 1; d <= param; d++)
	{
		int32		edge[2];
		int32		from = backward ? at - d + 1 : at + d - 1;
		int32		to = backward ? at - d : at + d;

		if (to < 0 || to > n + 1)
			break;
		edge[0] = path[from];
		edge[1] = path[to];
		CountsBuilderAdd(b, d, edge, 2, 1);
	}
	return true;
}

const CountsKindRoutine FlowsKind = {
	.name = "flows",
	.sums_begin = SumsBeginDepth,
	.check_key = FlowsCheckKey,
	.sums_key = FlowsSumsKey,
	.count_journey = FlowsCountJourney,
};

const CountsKindRoutine FlowsBackwardKind = {
	.name = "backward_flows",
	.sums_begin = SumsBeginDepth,
	.check_key = FlowsCheckKey,
	.sums_key = FlowsSumsKey,
	.count_journey = FlowsCountJourney,
};

/* path_counts(j [, collapse_repeats]) */
Datum
path_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_PATHS, CountsCollapseArg(fcinfo, 2), 0, NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
}

/* transition_counts(j [, collapse_repeats]) */
Datum
transition_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_TRANSITIONS, CountsCollapseArg(fcinfo, 2), 0, NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
}

/* ngram_counts(j, n [, collapse_repeats]) */
Datum
ngram_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_NGRAMS, CountsCollapseArg(fcinfo, 3),
	CountsPositiveArg(fcinfo, 2, "n", COUNTS_MAX_N), NULL, 0};

	return CountsTransition(fcinfo, &spec, NULL);
}

/* step_counts(j, anchor, n [, collapse_repeats]) */
Datum
step_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_STEPS, CountsCollapseArg(fcinfo, 4),
	CountsPositiveArg(fcinfo, 3, "n", COUNTS_MAX_N), NULL, 0};

	CountsAnchorArg(fcinfo, 2, &spec);
	return CountsTransition(fcinfo, &spec, NULL);
}

/* flow_counts(j, depth [, anchor [, backward]]) */
Datum
flow_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_FLOWS, true, CountsPositiveArg(fcinfo, 2, "depth", COUNTS_MAX_N),
	NULL, 0};

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		CountsAnchorArg(fcinfo, 3, &spec);
	if (PG_NARGS() > 4 && DatumGetBool(CountsRequiredArg(fcinfo, 4, "backward")))
		spec.kind = COUNTS_FLOWS_BACKWARD;
	return CountsTransition(fcinfo, &spec, NULL);
}

/*
 * Approximate path counts (COUNTS_PATHS_SKETCH): the cells are counted
 * densely in the builder and become the keys when it is encoded.
 */

/* Sketch hashing: deterministic, chained over the labels of a prefix. */
uint64
SketchStep(uint64 h, const char *label, int32 len)
{
	return Mix64(h ^ DatumGetUInt64(hash_any_extended((const unsigned char *) label,
													   len, h)));
}

uint64
SketchEnd(uint64 h)
{
	return Mix64(h ^ UINT64CONST(0x28656e6429000000));
}

int32
SketchCell(uint64 h, int32 row, int32 width)
{
	return row * width +
		(int32) (Mix64(h + (uint64) (row + 1) * UINT64CONST(0x9e3779b97f4a7c15)) % width);
}

static void
SketchCheckSpec(const Counts *c)
{
	if (c->spec.param < SKETCH_MIN_WIDTH || c->spec.param > SKETCH_MAX_WIDTH)
		CountsShapeError(c, -1, psprintf("the sketch width must be between %d and %d",
										 SKETCH_MIN_WIDTH, SKETCH_MAX_WIDTH));
}

static void
SketchSumsBegin(const Counts *c, CountsSums *s)
{
	s->state = palloc0(SKETCH_DEPTH * sizeof(int128));
}

static void
SketchCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (c->key_start[k + 1] - c->key_start[k] != 0 || pos < 0 ||
		pos >= SKETCH_DEPTH * c->spec.param)
		CountsShapeError(c, k, "a sketch cell has no labels and a position below 4 times the width");
}

static void
SketchSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int128	   *rows = s->state;

	rows[c->positions[k] / c->spec.param] += c->counts[k];
}

static void
SketchSumsEnd(const Counts *c, CountsSums *s)
{
	int128	   *rows = s->state;
	int32		r;

	for (r = 1; r < SKETCH_DEPTH; r++)
		if (rows[r] != rows[0])
			CountsShapeError(c, -1, "every row of the sketch adds up to the same");
	if (rows[0] < c->total)
		CountsShapeError(c, -1, "every journey counts at least once in each row");
	pfree(rows);
}

static void
SketchAdd(CountsBuilder *b, uint64 h)
{
	int64	   *cells = b->kind_state;
	int32		r;

	for (r = 0; r < SKETCH_DEPTH; r++)
		cells[SketchCell(h, r, b->spec.param)]++;
}

static bool
SketchCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	uint64		h = SKETCH_SEED;
	int32		i;

	for (i = 0; i < j->ntouch; i++)
	{
		int32		l = j->touches[i].label;

		if (b->spec.collapse && i > 0 && l == j->touches[i - 1].label)
			continue;
		(void) StringDictIntern(&b->labels, j->labels[l], j->label_lens[l]);
		h = SketchStep(h, j->labels[l], j->label_lens[l]);
		SketchAdd(b, h);
	}
	SketchAdd(b, SketchEnd(h));
	return true;
}

static void
SketchSetSpec(CountsBuilder *b)
{
	if (b->spec.param < SKETCH_MIN_WIDTH || b->spec.param > SKETCH_MAX_WIDTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sketch width must be between %d and %d",
						SKETCH_MIN_WIDTH, SKETCH_MAX_WIDTH)));
	b->kind_state = MemoryContextAllocZero(b->cxt, (Size) SKETCH_DEPTH * b->spec.param * sizeof(int64));
}

/* A cell read from outside is added to the cells. */
static void
SketchAddKey(CountsBuilder *b, int32 position, const int32 *labels, int32 n,
			 int64 count)
{
	int64	   *cells = b->kind_state;

	if (n != 0 || position < 0 || position >= SKETCH_DEPTH * b->spec.param)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sketch cells have a position from 0 to %d and no labels",
						SKETCH_DEPTH * b->spec.param - 1)));
	if (pg_add_s64_overflow(cells[position], count, &cells[position]))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("path count out of range")));
}

/* the cells become the keys afresh; every label is alphabet */
static void
SketchBeforeEncode(CountsBuilder *b)
{
	int64	   *cells = b->kind_state;
	int32		k;

	CountsBuilderResetKeys(b);
	for (k = 0; k < SKETCH_DEPTH * b->spec.param; k++)
		if (cells[k] != 0)
			CountsBuilderAdd(b, k, NULL, 0, cells[k]);
}

const CountsKindRoutine SketchKind = {
	.name = "paths_sketch",
	.keeps_labels = true,
	.check_spec = SketchCheckSpec,
	.sums_begin = SketchSumsBegin,
	.check_key = SketchCheckKey,
	.sums_key = SketchSumsKey,
	.sums_end = SketchSumsEnd,
	.count_journey = SketchCountJourney,
	.set_spec = SketchSetSpec,
	.add_key = SketchAddKey,
	.before_encode = SketchBeforeEncode,
};

/* path_counts_approx(j, capacity [, collapse_repeats]) */
Datum
path_sketch_transfn(PG_FUNCTION_ARGS)
{
	int32		width = DatumGetInt32(CountsRequiredArg(fcinfo, 2, "capacity"));
	CountsSpec	spec = {COUNTS_PATHS_SKETCH, CountsCollapseArg(fcinfo, 3), width, NULL, 0};

	if (width < SKETCH_MIN_WIDTH || width > SKETCH_MAX_WIDTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("capacity must be between %d and %d",
						SKETCH_MIN_WIDTH, SKETCH_MAX_WIDTH)));
	return CountsTransition(fcinfo, &spec, NULL);
}

/*
 * Conversion paths (S14), shared by Markov and Shapley models: a journey's
 * paths before each conversion, each counted with its outcome.
 */

/*
 * The conversion paths of a journey, repeats collapsed: the whole journey,
 * or the segments before each conversion touchpoint and the rest after the
 * last one (if any touchpoint is left, or if there was none); each counted
 * with its outcome, (conversion) or (null), and its conversion value.
 */
void
ForEachConversionPath(CountsBuilder *b, const Journey *j,
					  const ConversionInput *ci, PathCounter count)
{
	int32	   *path = palloc((j->ntouch + 1) * sizeof(int32));
	int32	   *map = palloc(Max(j->nlabels, 1) * sizeof(int32));
	bool	   *conversion = ci->conversions ? JourneyLabelFlags(j, ci->conversions) :
		palloc0(Max(j->nlabels, 1) * sizeof(bool));
	bool		converted_before = false;
	int32		n = 0;
	int32		i;

	for (i = 0; i < j->nlabels; i++)
		map[i] = -1;
	for (i = 0; i < j->ntouch; i++)
	{
		const JourneyTouch *t = &j->touches[i];

		if (conversion[t->label])
		{
			count(b, path, n, COUNTS_CONVERSION, t->has_value ? ValueUnits(t->value) : 0);
			converted_before = true;
			n = 0;
			continue;
		}
		if (map[t->label] < 0)
			map[t->label] = StringDictIntern(&b->labels, j->labels[t->label],
											 j->label_lens[t->label]);
		if (n == 0 || path[n - 1] != map[t->label])
			path[n++] = map[t->label];
	}
	if (ci->conversions == NULL)
		count(b, path, n, ci->converted ? COUNTS_CONVERSION : COUNTS_NULL,
			  ci->converted ? ValueUnits(ci->value) : 0);
	else if (n > 0 || !converted_before)
		count(b, path, n, COUNTS_NULL, 0);
	pfree(path);
	pfree(map);
	pfree(conversion);
}

/*
 * The two input forms of S14, for Markov and Shapley models: (state, j,
 * converted, value, ...) when flag_form, else (state, j, conversions, ...);
 * rows with a NULL converted flag are skipped like NULL journeys.
 */
Datum
ConversionPathsTransition(FunctionCallInfo fcinfo, const CountsSpec *spec,
						  bool flag_form)
{
	ConversionInput ci = {false, 0, NULL};

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

/* Markov models (COUNTS_MARKOV) */

static void
MarkovCheckSpec(const Counts *c)
{
	if (c->spec.param < 1 || c->spec.param > MARKOV_MAX_ORDER)
		CountsShapeError(c, -1, psprintf("the order must be between 1 and %d",
										 MARKOV_MAX_ORDER));
}

static void
MarkovCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		len = c->key_start[k + 1] - c->key_start[k];

	if (len < 2 || len > c->spec.param + 1)
		CountsShapeError(c, k, "a transition is a history of at most the order's labels and the next label");
}

static void
MarkovSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int32		len = c->key_start[k + 1] - c->key_start[k];
	const int32 *key = c->key_labels + c->key_start[k];
	int32		i;

	for (i = 0; i < len; i++)
		if ((key[i] == COUNTS_START && (i > 0 || len != 2)) || key[i] == COUNTS_END ||
			((key[i] == COUNTS_CONVERSION || key[i] == COUNTS_NULL) && i != len - 1))
			CountsShapeError(c, k, "(start) alone opens a transition and only an outcome ends one");
	if (key[0] == COUNTS_START)
		s->sum += c->counts[k];
	if (key[len - 1] == COUNTS_CONVERSION || key[len - 1] == COUNTS_NULL)
		s->ends += c->counts[k];
}

/*
 * Counts one path of a Markov model of order k (spec.param): each step from
 * the history of the last k labels, (start) at first, to the next label,
 * and finally to the outcome, (conversion) or (null).
 */
static void
CountMarkovPath(CountsBuilder *b, const int32 *path, int32 n, int32 outcome)
{
	int32		k = b->spec.param;
	int32	   *key = palloc((k + 2) * sizeof(int32));
	int32		t;

	for (t = 0; t <= n; t++)
	{
		int32		len = 1;

		if (t == 0)
			key[0] = COUNTS_START;
		else
		{
			len = Min(t, k);
			memcpy(key, path + t - len, len * sizeof(int32));
		}
		key[len] = t < n ? path[t] : outcome;
		CountsBuilderAdd(b, 0, key, len + 1, 1);
	}
	CountsBuilderAddTotal(b, 1);
	pfree(key);
}


/* A Markov model's path (see CountMarkovPath). */
static void
CountMarkovOutcome(CountsBuilder *b, const int32 *path, int32 n, int32 outcome,
				   int128 value)
{
	CountMarkovPath(b, path, n, outcome);
	b->value += value;
}

/* Each conversion path counts in the total, not the journey. */
static bool
MarkovCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	ForEachConversionPath(b, j, arg, CountMarkovOutcome);
	return false;
}

const CountsKindRoutine MarkovKind = {
	.name = "markov",
	.has_value = true,
	.check_spec = MarkovCheckSpec,
	.check_key = MarkovCheckKey,
	.sums_key = MarkovSumsKey,
	.sums_end = CountsSumsStartsAndEnds,
	.count_journey = MarkovCountJourney,
};

/*
 * markov_counts(j, converted, value, order) and markov_counts(j,
 * conversions, order): a Markov model of the given order.
 */
Datum
markov_counts_transfn(PG_FUNCTION_ARGS)
{
	/* (state, j, converted, value, order) or (state, j, conversions, order) */
	bool		flag_form = PG_NARGS() == 5;
	CountsSpec	spec = {COUNTS_MARKOV, true,
	CountsPositiveArg(fcinfo, flag_form ? 4 : 3, "order", MARKOV_MAX_ORDER), NULL, 0};

	return ConversionPathsTransition(fcinfo, &spec, flag_form);
}

/* Shapley models (COUNTS_SHAPLEY) */

/* Where the conversions and the values of the channel sets begin. */
typedef struct ShapleySums
{
	int32		first_conv;
	int32		first_value;
} ShapleySums;

static void
ShapleySumsBegin(const Counts *c, CountsSums *s)
{
	ShapleySums *ss = palloc(sizeof(ShapleySums));

	ss->first_conv = CountsFirstKeyAt(c, SHAPLEY_CONVERSIONS);
	ss->first_value = CountsFirstKeyAt(c, SHAPLEY_VALUE_PLUS);
	s->state = ss;
}

static void
ShapleyCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (markers || c->key_start[k + 1] - c->key_start[k] > SHAPLEY_MAX_CHANNELS ||
		pos < SHAPLEY_PATHS || pos > SHAPLEY_VALUE_MINUS)
		CountsShapeError(c, k, "a channel set has at most 20 labels, at position 0 to 3");
}

static void
ShapleySumsKey(const Counts *c, CountsSums *s, int32 k)
{
	const ShapleySums *ss = s->state;
	int32		pos = c->positions[k];
	int32		len = c->key_start[k + 1] - c->key_start[k];
	const int32 *key = c->key_labels + c->key_start[k];
	int64		count = c->counts[k];
	int32		i;

	for (i = 1; i < len; i++)
		if (key[i] <= key[i - 1])
			CountsShapeError(c, k, "a channel set is its distinct labels in order");
	if (pos == SHAPLEY_PATHS)
		s->sum += count;
	else
	{
		int32		whole = pos == SHAPLEY_CONVERSIONS ?
			CountsFindKeyLabels(c, 0, ss->first_conv, k) :
			CountsFindKeyLabels(c, ss->first_conv, ss->first_value, k);

		if (whole < 0 || (pos == SHAPLEY_CONVERSIONS && count > c->counts[whole]))
			CountsShapeError(c, k, "a channel set has no more conversions than paths, and a value only with conversions");
	}
}

static void
ShapleySumsEnd(const Counts *c, CountsSums *s)
{
	CountsSumsAddUp(c, s);
	pfree(s->state);
}

static const StringDict *SortLabels;

static int
CompareLabelIdsBytewise(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return CompareBytes(SortLabels->strs[x], SortLabels->lens[x],
						SortLabels->strs[y], SortLabels->lens[y]);
}

/*
 * A Shapley model's path: its set of distinct channels, sorted bytewise,
 * counted at SHAPLEY_PATHS, its conversions at SHAPLEY_CONVERSIONS and its
 * conversion value in micro-units at SHAPLEY_VALUE_PLUS or _MINUS.
 */
static void
CountShapleyPath(CountsBuilder *b, const int32 *path, int32 n, int32 outcome,
				 int128 value)
{
	int32	   *set = palloc(Max(n, 1) * sizeof(int32));
	int32		m = 0;
	int32		i;

	memcpy(set, path, n * sizeof(int32));
	SortLabels = &b->labels;
	qsort(set, n, sizeof(int32), CompareLabelIdsBytewise);
	SortLabels = NULL;
	for (i = 0; i < n; i++)
		if (m == 0 || set[m - 1] != set[i])
			set[m++] = set[i];
	if (m > SHAPLEY_MAX_CHANNELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a path has more than %d channels for Shapley values",
						SHAPLEY_MAX_CHANNELS),
				 errhint("Group labels into fewer channels with journey_map first.")));
	CountsBuilderAdd(b, SHAPLEY_PATHS, set, m, 1);
	if (outcome == COUNTS_CONVERSION)
	{
		int128		micro = value / (COUNTS_VALUE_SCALE / SHAPLEY_VALUE_SCALE);

		CountsBuilderAdd(b, SHAPLEY_CONVERSIONS, set, m, 1);
		if (micro > PG_INT64_MAX || micro < -PG_INT64_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("conversion value too large for a Shapley model")));
		if (micro != 0)
			CountsBuilderAdd(b, micro > 0 ? SHAPLEY_VALUE_PLUS : SHAPLEY_VALUE_MINUS,
							 set, m, (int64) (micro > 0 ? micro : -micro));
		b->value += value;
	}
	CountsBuilderAddTotal(b, 1);
	pfree(set);
}

/* Each conversion path counts in the total, not the journey. */
static bool
ShapleyCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
					const void *arg)
{
	ForEachConversionPath(b, j, arg, CountShapleyPath);
	return false;
}

const CountsKindRoutine ShapleyKind = {
	.name = "shapley",
	.has_value = true,
	.sums_begin = ShapleySumsBegin,
	.check_key = ShapleyCheckKey,
	.sums_key = ShapleySumsKey,
	.sums_end = ShapleySumsEnd,
	.count_journey = ShapleyCountJourney,
};

/*
 * shapley_counts(j, converted, value) and shapley_counts(j, conversions):
 * journeys (or conversion paths) by their set of channels.
 */
Datum
shapley_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_SHAPLEY, true, 0, NULL, 0};

	/* (state, j, converted, value) or (state, j, conversions) */
	return ConversionPathsTransition(fcinfo, &spec, PG_NARGS() == 4);
}

/* Touchpoint health (COUNTS_HEALTH) */

#define HEALTH_STATS 6			/* touchpoints, journeys, exits, values, gaps, re-entries */

static void
HealthSumsBegin(const Counts *c, CountsSums *s)
{
	if (c->spec.param < 0)
		CountsShapeError(c, -1, "the session timeout is not negative");
	s->state = palloc0((Size) Max(c->nlabels, 1) * HEALTH_STATS * sizeof(int64));
}

static void
HealthCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (markers || c->key_start[k + 1] - c->key_start[k] != (pos == HEALTH_REENTRIES ? 2 : 1) ||
		pos < 0 || (pos > HEALTH_VALUE_MINUS && pos < HEALTH_GAPS) ||
		pos > HEALTH_GAPS + GAP_MAX_BUCKET)
		CountsShapeError(c, k, "a statistic is one label (two for re-entries) at a known position");
}

static void
HealthSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int32		pos = c->positions[k];
	int64		count = c->counts[k];
	int64	   *st = (int64 *) s->state + (Size) c->key_labels[c->key_start[k]] * HEALTH_STATS;

	if (pos <= HEALTH_EXITS)
		st[pos] += count;
	else if (pos == HEALTH_VALUES)
		st[3] += count;
	else if (pos >= HEALTH_GAPS)
		st[4] += count;
	else if (pos == HEALTH_REENTRIES)
		st[5] += count;
	else if (st[3] == 0)
		CountsShapeError(c, k, "a value sum needs values");
	if (pos == HEALTH_EXITS)
		s->sum += count;
	if (pos == HEALTH_JOURNEYS && count > c->total)
		CountsShapeError(c, k, "no more journeys with a label than journeys");
}

static void
HealthSumsEnd(const Counts *c, CountsSums *s)
{
	int32		l;

	if (s->sum > c->total)
		CountsShapeError(c, -1, "no more exits than journeys");
	for (l = 0; l < c->nlabels; l++)
	{
		int64	   *st = (int64 *) s->state + (Size) l * HEALTH_STATS;

		if (st[1] > st[0] || st[2] > st[1] || st[3] > st[0] ||
			st[2] + st[4] != st[0] || st[5] > st[4])
			CountsShapeError(c, -1, psprintf("label %d: journeys, exits and values are at most its touchpoints, every touchpoint an exit or a gap, and re-entries at most its gaps", l + 1));
	}
	pfree(s->state);
}

/* Touchpoint health of one journey (see counts.h). */
static void
CountHealth(CountsBuilder *b, const Journey *j)
{
	int32	   *map = palloc(Max(j->nlabels, 1) * sizeof(int32));
	bool	   *seen = palloc0(Max(j->nlabels, 1) * sizeof(bool));
	uint64		timeout = (uint64) b->spec.param * USECS_PER_SEC;
	int32		i;

	for (i = 0; i < j->nlabels; i++)
		map[i] = StringDictIntern(&b->labels, j->labels[i], j->label_lens[i]);
	for (i = 0; i < j->ntouch; i++)
	{
		const JourneyTouch *t = &j->touches[i];
		int32		l = map[t->label];

		CountsBuilderAdd(b, HEALTH_TOUCHPOINTS, &l, 1, 1);
		if (!seen[t->label])
			CountsBuilderAdd(b, HEALTH_JOURNEYS, &l, 1, 1);
		seen[t->label] = true;
		if (t->has_value)
		{
			int128		units = (int128) rint(t->value * HEALTH_VALUE_SCALE);

			if (units > PG_INT64_MAX || units < -PG_INT64_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("touchpoint value too large for touchpoint health")));
			CountsBuilderAdd(b, HEALTH_VALUES, &l, 1, 1);
			if (units != 0)
				CountsBuilderAdd(b, units > 0 ? HEALTH_VALUE_PLUS : HEALTH_VALUE_MINUS,
								 &l, 1, (int64) (units > 0 ? units : -units));
		}
		if (i + 1 < j->ntouch)
		{
			uint64		gap = (uint64) j->touches[i + 1].ts - (uint64) t->ts;

			CountsBuilderAdd(b, HEALTH_GAPS + GapBucket(gap), &l, 1, 1);
			if (gap > timeout)
			{
				int32		pair[2] = {l, map[j->touches[i + 1].label]};

				CountsBuilderAdd(b, HEALTH_REENTRIES, pair, 2, 1);
			}
		}
		else
			CountsBuilderAdd(b, HEALTH_EXITS, &l, 1, 1);
	}
	pfree(map);
	pfree(seen);
}


static bool
HealthCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	CountHealth(b, j);
	return true;
}

const CountsKindRoutine HealthKind = {
	.name = "health",
	.sums_begin = HealthSumsBegin,
	.check_key = HealthCheckKey,
	.sums_key = HealthSumsKey,
	.sums_end = HealthSumsEnd,
	.count_journey = HealthCountJourney,
};

/* health_counts(j [, timeout]): the timeout in whole seconds */
Datum
health_counts_transfn(PG_FUNCTION_ARGS)
{
	CountsSpec	spec = {COUNTS_HEALTH, false, 30 * SECS_PER_MINUTE, NULL, 0};

	if (PG_NARGS() > 2)
	{
		int64		us = IntervalMicros(DatumGetIntervalP(CountsRequiredArg(fcinfo, 2, "timeout")),
										"session timeout", NULL);

		if (us % USECS_PER_SEC != 0 || us / USECS_PER_SEC > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("session timeout must be whole seconds, at most 68 years")));
		spec.param = (int32) (us / USECS_PER_SEC);
	}
	return CountsTransition(fcinfo, &spec, NULL);
}


/* Funnel reports (COUNTS_FUNNEL) */

/* Journeys reaching each step, and the counts of its two time histograms. */
typedef struct FunnelSums
{
	int128		reach[FUNNEL_REPORT_MAX_STEPS + 1];
	int128		hist[FUNNEL_REPORT_MAX_STEPS][2];
} FunnelSums;

static void
FunnelCheckSpec(const Counts *c)
{
	FunnelDef	def;
	int32		param = c->spec.param;

	if (c->spec.anchor == NULL || param < 1 || param > FUNNEL_REPORT_MAX_STEPS ||
		!FunnelDefParse(c->spec.anchor, c->spec.anchor_len, &def) ||
		def.nsteps != param)
		CountsShapeError(c, -1, "a funnel report has a definition (anchor) of param steps, 1 to 100");
}

static void
FunnelSumsBegin(const Counts *c, CountsSums *s)
{
	s->state = palloc0(sizeof(FunnelSums));
}

static void
FunnelCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		nsteps = c->spec.param;
	int32		pos = c->positions[k];

	if (c->key_start[k + 1] - c->key_start[k] != 0 ||
		(pos < FUNNEL_HISTOGRAMS ? pos < 0 || pos > nsteps :
		 (pos - FUNNEL_HISTOGRAMS) / 4096 >= nsteps ||
		 (pos - FUNNEL_HISTOGRAMS) % 2048 > GAP_MAX_BUCKET))
		CountsShapeError(c, k, "a level or histogram bucket of the funnel has no labels");
}

static void
FunnelSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	FunnelSums *fs = s->state;
	int32		pos = c->positions[k];
	int64		count = c->counts[k];
	int32		step;

	if (pos <= c->spec.param)
	{
		s->sum += count;
		for (step = 0; step < pos; step++)
			fs->reach[step] += count;
	}
	else
	{
		step = (pos - FUNNEL_HISTOGRAMS) / 4096;
		if (step == 0)
			CountsShapeError(c, k, "step 1 has no time histogram");
		fs->hist[step][(pos - FUNNEL_HISTOGRAMS) % 4096 >= 2048] += count;
	}
}

static void
FunnelSumsEnd(const Counts *c, CountsSums *s)
{
	FunnelSums *fs = s->state;
	int32		step;

	CountsSumsAddUp(c, s);
	for (step = 1; step < c->spec.param; step++)
		if (fs->hist[step][0] != fs->reach[step] || fs->hist[step][1] != fs->reach[step])
			CountsShapeError(c, -1, psprintf("the time histograms of step %d count every journey that reached it", step + 1));
	pfree(fs);
}

/* A funnel report's counts of one journey (see counts.h); arg is the FunnelDef. */
static bool
FunnelCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
				   const void *arg)
{
	const FunnelDef *def = arg;
	TimestampTz *times = palloc(def->nsteps * sizeof(TimestampTz));
	int32		level = FunnelEvaluate(def, j, times);
	int32		s;

	CountsBuilderAdd(b, level, NULL, 0, 1);
	for (s = 1; s < level; s++)
	{
		CountsBuilderAdd(b, FUNNEL_HISTOGRAM(s, false,
											 GapBucket((uint64) times[s] - (uint64) times[0])),
						 NULL, 0, 1);
		CountsBuilderAdd(b, FUNNEL_HISTOGRAM(s, true,
											 GapBucket((uint64) times[s] - (uint64) times[s - 1])),
						 NULL, 0, 1);
	}
	pfree(times);
	return true;
}

const CountsKindRoutine FunnelKind = {
	.name = "funnel",
	.check_spec = FunnelCheckSpec,
	.sums_begin = FunnelSumsBegin,
	.check_key = FunnelCheckKey,
	.sums_key = FunnelSumsKey,
	.sums_end = FunnelSumsEnd,
	.count_journey = FunnelCountJourney,
};

/* funnel_counts(j, steps, within [, max_gap, exclude, mode]) */
Datum
funnel_counts_transfn(PG_FUNCTION_ARGS)
{
	FunnelDef	def;
	CountsSpec	spec = {COUNTS_FUNNEL, false, 0, NULL, 0};

	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	CountsRequiredArg(fcinfo, 2, "funnel steps");
	FunnelDefFromArgs(fcinfo, 2, &def);
	if (def.nsteps > FUNNEL_REPORT_MAX_STEPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a funnel report has at most %d steps", FUNNEL_REPORT_MAX_STEPS)));
	spec.param = def.nsteps;
	spec.anchor = FunnelDefSerialize(&def, &spec.anchor_len);
	if (spec.anchor_len > JOURNEY_MAX_LABEL_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("funnel definition too long for a funnel report"),
				 errdetail("Steps and exclusions take %d bytes; the limit is %d.",
						   spec.anchor_len, JOURNEY_MAX_LABEL_BYTES)));
	return CountsTransition(fcinfo, &spec, &def);
}

/* Cohort retention (COUNTS_COHORTS) */

/* The number of the period holding ts (see counts.h); floor division. */
int64
CohortPeriod(TimestampTz ts, int32 param)
{
	if (param < 0)
	{
		struct pg_tm tm;
		fsec_t		fsec;

		if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
			ReportCorrupt("timestamp out of range");
		return ((int64) (tm.tm_year - 2000) * 12 + tm.tm_mon - 1) / (-param) -
			(((int64) (tm.tm_year - 2000) * 12 + tm.tm_mon - 1) % (-param) < 0 ? 1 : 0);
	}
	return ts / ((int64) param * USECS_PER_SEC) -
		(ts % ((int64) param * USECS_PER_SEC) < 0 ? 1 : 0);
}

/*
 * The start of period number `period`.  The first timestamptz lies in a
 * period that starts before it: its cohort starts at the first timestamptz.
 * No other period is out of range, and a number outside the range of the
 * periods is not one a builder wrote.
 */
TimestampTz
CohortStart(int64 period, int32 param)
{
	if (period < CohortPeriod(MIN_TIMESTAMP, param) ||
		period > CohortPeriod(END_TIMESTAMP - 1, param))
		ReportCorrupt("cohort out of range");
	if (period == CohortPeriod(MIN_TIMESTAMP, param))
		return MIN_TIMESTAMP;
	if (param < 0)
	{
		int64		months = period * (-param);
		struct pg_tm tm = {0};
		TimestampTz result;

		tm.tm_year = 2000 + (int) (months >= 0 ? months / 12 : -((-months + 11) / 12));
		tm.tm_mon = (int) (months - (int64) (tm.tm_year - 2000) * 12) + 1;
		tm.tm_mday = 1;
		if (tm2timestamp(&tm, 0, NULL, &result) != 0)
			ReportCorrupt("cohort out of range");
		return result;
	}
	return period * (int64) param * USECS_PER_SEC;
}



/*
 * The cohort a cohorts key counts: its label is the number of its first
 * period, in decimal as CountCohorts writes it, within the periods of
 * timestamptz.  *period gets the number; false if the label is not one.
 */
static bool
CohortLabelPeriod(const Counts *c, int32 label, int64 *period)
{
	char		buf[32];
	char	   *end;
	char		again[32];

	if (c->label_lens[label] < 1 || c->label_lens[label] >= (int32) sizeof(buf))
		return false;
	memcpy(buf, c->labels[label], c->label_lens[label]);
	buf[c->label_lens[label]] = '\0';
	errno = 0;
	*period = strtoll(buf, &end, 10);
	snprintf(again, sizeof(again), INT64_FORMAT, *period);
	return errno == 0 && *end == '\0' && strcmp(again, buf) == 0 &&
		*period >= CohortPeriod(MIN_TIMESTAMP, c->spec.param) &&
		*period <= CohortPeriod(END_TIMESTAMP - 1, c->spec.param);
}


static void
CohortsSumsBegin(const Counts *c, CountsSums *s)
{
	if (c->spec.param == 0 || c->spec.param == PG_INT32_MIN)
		CountsShapeError(c, -1, "the period is whole seconds (positive) or months (negative)");
	s->state = palloc0(Max(c->nlabels, 1) * sizeof(int64));
}

static void
CohortsCheckKey(const Counts *c, int32 k, bool markers)
{
	if (markers || c->key_start[k + 1] - c->key_start[k] != 1 || c->positions[k] < 0)
		CountsShapeError(c, k, "a cohort is one label at a period of at least 0");
}

static void
CohortsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int64	   *size = s->state;	/* per cohort label */
	int32		pos = c->positions[k];
	int32		label = c->key_labels[c->key_start[k]];
	int64		count = c->counts[k];
	int64		period;

	if (!CohortLabelPeriod(c, label, &period) ||
		pos > CohortPeriod(END_TIMESTAMP - 1, c->spec.param) - period)
		CountsShapeError(c, k, "a cohort is the number of its first period, within the range of timestamptz");
	if (pos == 0)
	{
		size[label] = count;
		s->sum += count;
	}
	else if (count > size[label])
		CountsShapeError(c, k, "no more journeys in a later period than in the cohort");
}

static void
CohortsSumsEnd(const Counts *c, CountsSums *s)
{
	if (s->sum > c->total)
		CountsShapeError(c, -1, "no more journeys in cohorts than the total");
	pfree(s->state);
}

/* Cohort retention of one journey (see counts.h). */
static void
CountCohorts(CountsBuilder *b, const Journey *j)
{
	char		name[32];
	int32		label;
	int64		first;
	int64		prev = -1;
	int32		i;

	if (j->ntouch == 0)
		return;
	first = CohortPeriod(j->touches[0].ts, b->spec.param);
	snprintf(name, sizeof(name), INT64_FORMAT, first);
	label = StringDictIntern(&b->labels, name, strlen(name));
	for (i = 0; i < j->ntouch; i++)
	{
		int64		k = CohortPeriod(j->touches[i].ts, b->spec.param) - first;

		if (k == prev)
			continue;
		if (k > PG_INT32_MAX)
			break;
		CountsBuilderAdd(b, (int32) k, &label, 1, 1);
		prev = k;
	}
}


static bool
CohortsCountJourney(CountsBuilder *b, const Journey *j, int32 *path, int32 n,
					const void *arg)
{
	CountCohorts(b, j);
	return true;
}

const CountsKindRoutine CohortsKind = {
	.name = "cohorts",
	.sums_begin = CohortsSumsBegin,
	.check_key = CohortsCheckKey,
	.sums_key = CohortsSumsKey,
	.sums_end = CohortsSumsEnd,
	.count_journey = CohortsCountJourney,
};

/* retention_counts(j, period): whole seconds, or whole months */
Datum
retention_counts_transfn(PG_FUNCTION_ARGS)
{
	Interval   *period = DatumGetIntervalP(CountsRequiredArg(fcinfo, 2, "period"));
	CountsSpec	spec = {COUNTS_COHORTS, false, 0, NULL, 0};

	if (period->month > 0 && period->day == 0 && period->time == 0)
		spec.param = -period->month;
	else
	{
		int64		us = IntervalMicros(period, "retention period", NULL);

		if (us % USECS_PER_SEC != 0 || us / USECS_PER_SEC > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("retention period must be whole months, or whole seconds up to 68 years")));
		spec.param = (int32) (us / USECS_PER_SEC);
	}
	return CountsTransition(fcinfo, &spec, NULL);
}


/* Credit bootstraps (COUNTS_CREDITS) */

/* A builder's sums, kept dense until encoded (see CreditsFlush). */
typedef struct CreditsState
{
	int64		seed;
	uint64		unit;			/* hash of the unit whose rows are pending */
	int64	   *pending;		/* per label id: the unit's credit */
	int64	   *pending_rows;	/* per label id: the unit's rows */
	int32	   *touched;		/* label ids with pending rows */
	int32		ntouched;
	int64	   *sums;			/* per label id x (samples + 1) */
	int64	   *rows;			/* per label id */
	int32		maxcredits;		/* label ids the arrays have room for */
	int32	   *weights;		/* samples + 1 */
} CreditsState;

static void
CreditOutOfRange(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("credit sum out of range"),
			 errhint("Credit in larger units, for example thousands.")));
}

/* *sum += add, in micro-units; the sums are negated later, so never INT64_MIN. */
static inline void
CreditAdd(int64 *sum, int64 add)
{
	if (pg_add_s64_overflow(*sum, add, sum) || *sum == PG_INT64_MIN)
		CreditOutOfRange();
}

/*
 * Credit bootstraps.  Rows arrive with the hash of their unit (a customer,
 * a journey); the credit of the current unit is summed per label, and when
 * another unit comes (or the value is encoded) it is added to every
 * sample's sums with the unit's Poisson weights: so each unit's weights are
 * drawn once per run of its rows, and never per row.
 */
static void
CreditsFlush(CountsBuilder *b)
{
	CreditsState *cs = b->kind_state;
	int32		width = b->spec.param + 1;
	int32		t;
	int32		s;

	if (cs->ntouched == 0)
		return;
	PoissonWeights(cs->unit, cs->seed, b->spec.param, cs->weights);
	for (t = 0; t < cs->ntouched; t++)
	{
		int32		id = cs->touched[t];
		int64		credit = cs->pending[id];
		int64	   *sum = cs->sums + (Size) id * width;

		for (s = 0; s < width; s++)
		{
			int64		add;

			if (cs->weights[s] == 0)
				continue;
			if (pg_mul_s64_overflow(credit, cs->weights[s], &add))
				CreditOutOfRange();
			CreditAdd(&sum[s], add);
		}
		cs->rows[id] += cs->pending_rows[id];
		cs->pending[id] = 0;
		cs->pending_rows[id] = 0;
	}
	cs->ntouched = 0;
}

/* Room in the dense arrays for every label id the builder has. */
static void
CreditsReserve(CountsBuilder *b)
{
	CreditsState *cs = b->kind_state;
	int32		width = b->spec.param + 1;
	int32		old = cs->maxcredits;
	int32		max;

	if (b->labels.n <= old)
		return;
	if ((Size) b->labels.n * width > CREDITS_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many labels for a credit bootstrap of %d samples",
						b->spec.param),
				 errdetail("Labels times samples may be at most %d.", CREDITS_MAX_CELLS),
				 errhint("Use fewer samples, or map labels to fewer channels with journey_map.")));
	max = (int32) Min((Size) Max(2 * old, 16), (Size) CREDITS_MAX_CELLS / width);
	max = Max(max, b->labels.n);
	cs->pending = ResizeArray(b->cxt, cs->pending, max, sizeof(int64));
	cs->pending_rows = ResizeArray(b->cxt, cs->pending_rows, max, sizeof(int64));
	cs->touched = ResizeArray(b->cxt, cs->touched, max, sizeof(int32));
	cs->rows = ResizeArray(b->cxt, cs->rows, max, sizeof(int64));
	cs->sums = ResizeArray(b->cxt, cs->sums, (Size) max * width, sizeof(int64));
	memset(cs->pending + old, 0, (max - old) * sizeof(int64));
	memset(cs->pending_rows + old, 0, (max - old) * sizeof(int64));
	memset(cs->rows + old, 0, (max - old) * sizeof(int64));
	memset(cs->sums + (Size) old * width, 0, (Size) (max - old) * width * sizeof(int64));
	if (cs->weights == NULL)
		cs->weights = MemoryContextAlloc(b->cxt, width * sizeof(int32));
	cs->maxcredits = max;
}

/* The dense sums become keys (see counts.h), and start again from zero. */
static void
CreditsToKeys(CountsBuilder *b)
{
	CreditsState *cs = b->kind_state;
	int32		width = b->spec.param + 1;
	int32		id;
	int32		s;

	if (cs->sums == NULL)
		return;
	CreditsFlush(b);
	for (id = 0; id < cs->maxcredits; id++)
	{
		int64	   *sum = cs->sums + (Size) id * width;

		if (cs->rows[id] != 0)
			CountsBuilderAdd(b, CREDITS_ROWS, &id, 1, cs->rows[id]);
		for (s = 0; s < width; s++)
		{
			if (sum[s] > 0)
				CountsBuilderAdd(b, CREDITS_PLUS(s), &id, 1, sum[s]);
			else if (sum[s] < 0)
				CountsBuilderAdd(b, CREDITS_MINUS(s), &id, 1, -sum[s]);
		}
		memset(sum, 0, width * sizeof(int64));
		cs->rows[id] = 0;
		CHECK_FOR_INTERRUPTS();
	}
}


static void
CreditsCheckSpec(const Counts *c)
{
	int32		param = c->spec.param;

	if (param < BOOTSTRAP_MIN_SAMPLES || param > BOOTSTRAP_MAX_SAMPLES ||
		(Size) Max(c->nlabels, 1) * (param + 1) > CREDITS_MAX_CELLS)
		CountsShapeError(c, -1, psprintf("the samples must be between %d and %d, and labels times (samples + 1) at most %d",
										 BOOTSTRAP_MIN_SAMPLES, BOOTSTRAP_MAX_SAMPLES,
										 CREDITS_MAX_CELLS));
}

/* Per label: its rows, and the sample of its last positive sum (-1: none). */
typedef struct CreditsSums
{
	int64	   *rows;
	int64	   *last_plus;
} CreditsSums;

static void
CreditsSumsBegin(const Counts *c, CountsSums *s)
{
	int32		n = Max(c->nlabels, 1);
	CreditsSums *cs = palloc(sizeof(CreditsSums));
	int32		l;

	cs->rows = palloc0(n * sizeof(int64));
	cs->last_plus = palloc((Size) n * sizeof(int64));
	for (l = 0; l < n; l++)
		cs->last_plus[l] = -1;
	s->state = cs;
}

static void
CreditsCheckKey(const Counts *c, int32 k, bool markers)
{
	int32		pos = c->positions[k];

	if (markers || c->key_start[k + 1] - c->key_start[k] != 1 || pos < CREDITS_ROWS ||
		pos > CREDITS_MINUS(c->spec.param))
		CountsShapeError(c, k, "a credit sum is one label at a row count or a sample's sum");
}

static void
CreditsSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	CreditsSums *cs = s->state;
	int32		pos = c->positions[k];
	int32		label = c->key_labels[c->key_start[k]];

	if (pos == CREDITS_ROWS)
	{
		cs->rows[label] = c->counts[k];
		s->sum += c->counts[k];
	}
	else if (cs->rows[label] == 0 ||
			 (pos % 2 == 1 && cs->last_plus[label] == pos / 2))
		CountsShapeError(c, k, "a credit sum is of a label with rows, positive or negative");
	else if (pos % 2 == 0)
		cs->last_plus[label] = pos / 2;
}

static void
CreditsSumsEnd(const Counts *c, CountsSums *s)
{
	CreditsSums *cs = s->state;

	CountsSumsAddUp(c, s);
	pfree(cs->rows);
	pfree(cs->last_plus);
	pfree(cs);
}

static void
CreditsSetSpec(CountsBuilder *b)
{
	b->kind_state = MemoryContextAllocZero(b->cxt, sizeof(CreditsState));
}

const CountsKindRoutine CreditsKind = {
	.name = "credits",
	.check_spec = CreditsCheckSpec,
	.sums_begin = CreditsSumsBegin,
	.check_key = CreditsCheckKey,
	.sums_key = CreditsSumsKey,
	.sums_end = CreditsSumsEnd,
	.set_spec = CreditsSetSpec,
	.before_encode = CreditsToKeys,
};


/*
 * The type of argument argno: the declared one, or for a polymorphic
 * argument the one of the call's expression.  Citus calls transition
 * functions through an FmgrInfo of its own that has no expression, which is
 * why credit_bootstrap has overloads for the usual unit types.
 */
static Oid
ArgType(FunctionCallInfo fcinfo, int argno)
{
	Oid		   *argtypes;
	int			nargs;
	Oid			type;

	get_func_signature(fcinfo->flinfo->fn_oid, &argtypes, &nargs);
	type = argno < nargs ? argtypes[argno] : InvalidOid;
	pfree(argtypes);
	if (!OidIsValid(type) || IsPolymorphicType(type))
		type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	if (!OidIsValid(type))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("could not determine the type of the unit"),
				 errhint("Pass the unit as bigint, integer, text or uuid.")));
	return type;
}

/*
 * The hash of argument argno by its type's extended hash function (the
 * function looked up once per FmgrInfo).  Text units hash bytewise, in the
 * C collation: a unit is an identity, and it must hash the same on every
 * node whatever its default collation, and where a caller such as Citus
 * passes none.
 */
static uint64
UnitHash(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *hash = fcinfo->flinfo->fn_extra;

	if (hash == NULL)
	{
		Oid			type = ArgType(fcinfo, argno);
		TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_HASH_EXTENDED_PROC);

		if (!OidIsValid(tc->hash_extended_proc))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("could not identify a hash function for type %s",
							format_type_be(type)),
					 errhint("Pass the unit as a hashable type such as bigint, text or uuid.")));
		hash = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(FmgrInfo));
		fmgr_info_cxt(tc->hash_extended_proc, hash, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = hash;
	}
	return DatumGetUInt64(FunctionCall2Coll(hash, C_COLLATION_OID,
											PG_GETARG_DATUM(argno),
											UInt64GetDatum(0)));
}

/*
 * credit_bootstrap(unit, label, credit [, samples, seed]): rows with a NULL
 * unit, label or credit are skipped.
 */
Datum
credit_bootstrap_transfn(PG_FUNCTION_ARGS)
{
	int32		samples = PG_NARGS() > 4 ?
		DatumGetInt32(CountsRequiredArg(fcinfo, 4, "samples")) : 200;
	int64		seed = PG_NARGS() > 5 ?
		DatumGetInt64(CountsRequiredArg(fcinfo, 5, "seed")) : 42;
	char		seed_text[MAXINT8LEN + 1];
	CountsSpec	spec = {COUNTS_CREDITS, false, samples, seed_text, 0};
	ExpandedSummary *es;
	CountsBuilder *b;
	CreditsState *cs;
	text	   *label;
	double		credit;
	uint64		unit;
	int32		id;

	CheckSamples(samples);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		RETURN_STATE_UNCHANGED();
	credit = PG_GETARG_FLOAT8(3);
	if (!(fabs(credit) <= CREDITS_MAX_CREDIT))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("credit %g out of range", credit),
				 errhint("A credit must be finite and at most %g in absolute value.",
						 CREDITS_MAX_CREDIT)));
	label = PG_GETARG_TEXT_PP(2);
	JourneyCheckLabel(VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	unit = UnitHash(fcinfo, 1);

	spec.anchor_len = pg_lltoa(seed, seed_text);
	es = CountsStateArg(fcinfo, &spec);
	b = es->builder;
	cs = b->kind_state;
	cs->seed = seed;
	if (cs->ntouched > 0 && cs->unit != unit)
		CreditsFlush(b);
	cs->unit = unit;
	id = StringDictIntern(&b->labels, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	CreditsReserve(b);
	if (cs->pending_rows[id]++ == 0)
		cs->touched[cs->ntouched++] = id;
	CountsBuilderAddTotal(b, 1);
	CreditAdd(&cs->pending[id], (int64) llround(credit * CREDITS_SCALE));
	return SummaryReturn(es);
}
