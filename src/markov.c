/*
 * markov.c
 *	  Markov chain attribution (DESIGN.md S15): the markov kind of
 *	  path_counts (the transitions markov_counts counts, and their shape),
 *	  and removal effects from it computed exactly by linear algebra.
 *
 * States are (start) and, by default, the histories of the last k labels
 * seen, repeats collapsed (shorter at the start of a path); built by
 * markov_window_counts, ChannelAttribution's: windows of k consecutive touches,
 * repeats kept (a path shorter than k is one state), consecutive equal
 * windows one state.  (conversion) and (null) absorb.  The probability
 * of converting from each state solves (I - Q) x = r, Q holding the
 * transition probabilities between transient states and r those into
 * (conversion).  Removing channel c sends every transition into a state
 * whose history contains c to (null), which is the same system without
 * those states.  RE(c) = 1 - P(conversion without c) / P(conversion); the
 * credit of c is its share of the removal effects, times the conversions
 * and the conversion value of the model.  Weighting each state's
 * conversions by their value instead (the same system with the value a
 * state converts per transition out of it in place of r) gives the value
 * removal effects, ChannelAttribution's total_conversion_value.
 *
 * Transitions are at position 0; since 0.5.0 a model also keeps, per
 * state, the value of the conversions from it, in micro-units split by
 * sign at positions 1 and 2 (key: the state's history and (conversion)).
 * collapse is 1 for collapsed histories and 0 for windows.
 *
 * Systems of up to MARKOV_DENSE_STATES states are solved with GSL's LU
 * decomposition on matrices in palloc'd memory (matrix views), exactly to
 * rounding; beyond that its O(n^3) costs more than iterating, so larger ones with GSL's sparse GMRES to a relative residual of
 * 1e-12, its malloc'd structures freed on any error.
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_splinalg.h>
#include <gsl/gsl_spmatrix.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "bootstrap.h"
#include "conversions.h"
#include "counts.h"
#include "journey.h"
#include "dict.h"
#include "params.h"
#include "summary.h"
#include "varint.h"

PG_FUNCTION_INFO_V1(markov_counts_transfn);
PG_FUNCTION_INFO_V1(markov_attribution);

#define MARKOV_MAX_ORDER 10

#define MARKOV_MAX_STATES 200000
#define MARKOV_DENSE_STATES 200
#define MARKOV_TOLERANCE 1e-12
#define MARKOV_MAX_ITERATIONS 1000

#define MARKOV_TRANSITIONS		0
#define MARKOV_VALUE_PLUS		1
#define MARKOV_VALUE_MINUS		2
#define MARKOV_VALUE_SCALE		1000000 /* per-state values in micro-units */

/* The markov kind of path_counts, built by markov_counts */

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
	int32		pos = c->positions[k];

	if (len < 2 || len > c->spec.param + 1)
		CountsShapeError(c, k, "a transition is a history of at most the order's labels and the next label");
	if (pos != MARKOV_TRANSITIONS &&
		(pos > MARKOV_VALUE_MINUS || c->key_labels[c->key_start[k + 1] - 1] != COUNTS_CONVERSION))
		CountsShapeError(c, k, "transitions are at position 0, and the conversion values of states at 1 and 2");
}

static void
MarkovSumsKey(const Counts *c, CountsSums *s, int32 k)
{
	int32		len = c->key_start[k + 1] - c->key_start[k];
	const int32 *key = c->key_labels + c->key_start[k];
	int32		i;

	for (i = 0; i < len; i++)
		if ((key[i] == COUNTS_START && (i > 0 || (len != 2 && c->spec.collapse))) ||
			key[i] == COUNTS_END ||
			((key[i] == COUNTS_CONVERSION || key[i] == COUNTS_NULL) && i != len - 1))
			CountsShapeError(c, k, "(start) alone opens a transition (with a window after it for windows) and only an outcome ends one");
	if (c->positions[k] != MARKOV_TRANSITIONS)
		return;
	if (key[0] == COUNTS_START)
		s->sum += c->counts[k];
	if (key[len - 1] == COUNTS_CONVERSION || key[len - 1] == COUNTS_NULL)
		s->ends += c->counts[k];
}

/*
 * Counts weight paths of a Markov model of order k (spec.param).  Collapsed
 * states: each step from the history of the last k labels, (start) at
 * first, to the next label, and finally to the outcome, (conversion) or
 * (null).  Windows: from (start) to the first window (the first k labels,
 * or all of a shorter path), from each window to the next (the key is the
 * k + 1 labels they span) unless they are equal, and from the last window
 * to the outcome.
 */
static void
CountMarkovPath(CountsBuilder *b, const int32 *path, int32 n, int32 outcome,
				int64 weight)
{
	int32		k = b->spec.param;
	int32	   *key = palloc((k + 2) * sizeof(int32));
	int32		w = Min(n, k);
	int32		t;

	if (b->spec.collapse || n == 0)
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
			CountsBuilderAdd(b, MARKOV_TRANSITIONS, key, len + 1, weight);
		}
	else
	{
		key[0] = COUNTS_START;
		memcpy(key + 1, path, w * sizeof(int32));
		CountsBuilderAdd(b, MARKOV_TRANSITIONS, key, w + 1, weight);
		for (t = w; t < n; t++)
		{
			int32		i;

			/* windows path[t - k .. t - 1] and path[t - k + 1 .. t] are equal if all is one label */
			for (i = t - k; i < t && path[i] == path[i + 1]; i++)
				;
			if (i < t)
				CountsBuilderAdd(b, MARKOV_TRANSITIONS, path + t - k, k + 1, weight);
		}
		memcpy(key, path + n - w, w * sizeof(int32));
		key[w] = outcome;
		CountsBuilderAdd(b, MARKOV_TRANSITIONS, key, w + 1, weight);
	}
	CountsBuilderAddTotal(b, weight);
	pfree(key);
}

/*
 * The value of a conversion, kept with the state it converts from (the
 * last min(n, k) labels, or (start)).
 */
static void
CountMarkovValue(CountsBuilder *b, const int32 *path, int32 n, int128 value)
{
	int32		k = b->spec.param;
	int32		len = Min(n, k);
	int32	   *key;
	int128		scale = COUNTS_VALUE_SCALE / MARKOV_VALUE_SCALE;
	int128		units = (value + (value < 0 ? -scale / 2 : scale / 2)) / scale;

	b->value += value;
	if (units == 0)
		return;
	if (units > PG_INT64_MAX || units < -PG_INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("conversion value too large for a Markov model")));
	key = palloc((k + 2) * sizeof(int32));
	if (len == 0)
	{
		key[0] = COUNTS_START;
		len = 1;
	}
	else
		memcpy(key, path + n - len, len * sizeof(int32));
	key[len] = COUNTS_CONVERSION;
	CountsBuilderAdd(b, units > 0 ? MARKOV_VALUE_PLUS : MARKOV_VALUE_MINUS, key, len + 1,
					 (int64) (units > 0 ? units : -units));
	pfree(key);
}

/* A Markov model's path (see CountMarkovPath) and its conversion value. */
static void
CountMarkovOutcome(CountsBuilder *b, const int32 *path, int32 n, int32 outcome,
				   int128 value)
{
	CountMarkovPath(b, path, n, outcome, 1);
	if (outcome == COUNTS_CONVERSION)
		CountMarkovValue(b, path, n, value);
}

/*
 * markov_counts and markov_window_counts (collapse false) of (j,
 * converted, value, order) or (j, conversions, order).
 */
static Datum
MarkovTransition(FunctionCallInfo fcinfo, bool collapse)
{
	bool		flag_form = PG_NARGS() == 5;
	CountsSpec	spec = {COUNTS_MARKOV, collapse,
	CountsPositiveArg(fcinfo, flag_form ? 4 : 3, "order", MARKOV_MAX_ORDER), NULL, 0};

	return ConversionPathsTransition(fcinfo, &spec, flag_form, CountMarkovOutcome);
}

Datum
markov_counts_transfn(PG_FUNCTION_ARGS)
{
	return MarkovTransition(fcinfo, true);
}

PG_FUNCTION_INFO_V1(markov_window_counts_transfn);

Datum
markov_window_counts_transfn(PG_FUNCTION_ARGS)
{
	return MarkovTransition(fcinfo, false);
}

/*
 * (path, conversions, nulls, conversion_value, order): ChannelAttribution's
 * input, one row per distinct path with how many journeys took it to a
 * conversion and to none, and the value of those conversions.  A row with
 * a NULL path is skipped; NULL nulls and value count as 0.
 */
static Datum
MarkovPathsTransition(FunctionCallInfo fcinfo, bool collapse)
{
	CountsSpec	spec = {COUNTS_MARKOV, collapse,
	CountsPositiveArg(fcinfo, 5, "order", MARKOV_MAX_ORDER), NULL, 0};
	ExpandedSummary *es;
	CountsBuilder *b;
	int64		conversions;
	int64		nulls;
	Datum	   *elems;
	int32	   *path;
	int			nelems;
	int32		n = 0;
	int			i;

	if (PG_ARGISNULL(1))
		RETURN_STATE_UNCHANGED();
	conversions = DatumGetInt64(CountsRequiredArg(fcinfo, 2, "conversions"));
	nulls = PG_ARGISNULL(3) ? 0 : PG_GETARG_INT64(3);
	if (conversions < 0 || nulls < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conversions and nulls must not be negative")));
	es = CountsStateArg(fcinfo, &spec);
	b = es->builder;
	elems = TextElements(PG_GETARG_ARRAYTYPE_P(1), "a path", &nelems);
	path = palloc(Max(nelems, 1) * sizeof(int32));
	for (i = 0; i < nelems; i++)
	{
		text	   *t;
		int32		id;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		t = DatumGetTextPP(elems[i]);
		JourneyCheckLabel(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		id = StringDictIntern(&b->labels, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		if (!collapse || n == 0 || path[n - 1] != id)
			path[n++] = id;
	}
	if (conversions > 0)
	{
		CountMarkovPath(b, path, n, COUNTS_CONVERSION, conversions);
		if (!PG_ARGISNULL(4))
			CountMarkovValue(b, path, n, ValueUnits(PG_GETARG_FLOAT8(4)));
	}
	if (nulls > 0)
		CountMarkovPath(b, path, n, COUNTS_NULL, nulls);
	pfree(path);
	return SummaryReturn(es);
}

PG_FUNCTION_INFO_V1(markov_counts_paths_transfn);
PG_FUNCTION_INFO_V1(markov_window_counts_paths_transfn);

Datum
markov_counts_paths_transfn(PG_FUNCTION_ARGS)
{
	return MarkovPathsTransition(fcinfo, true);
}

Datum
markov_window_counts_paths_transfn(PG_FUNCTION_ARGS)
{
	return MarkovPathsTransition(fcinfo, false);
}

const CountsKindRoutine MarkovKind = {
	.name = "markov", .type_name = "markov_counts", .has_value = true, .check_spec = MarkovCheckSpec,
	.check_key = MarkovCheckKey, .sums_key = MarkovSumsKey,
	.sums_end = CountsSumsStartsAndEnds, .count_journey = CountConversionPaths
};

COUNTS_SQL_TYPE(markov_counts);

typedef struct MarkovChain
{
	int32		nstates;
	StringDict	histories;		/* int32 sequences: state id by history */
	int32		start;			/* state of (start) */
	int32		nedges;
	int32	   *from;
	int32	   *to;				/* state, or COUNTS_CONVERSION / COUNTS_NULL */
	double	   *count;
	double	   *out;			/* per state: transitions out */
	double	   *value;			/* per state: value of its conversions */
	int128		valued;			/* their sum, in micro-units */
	double		conversions;
} MarkovChain;

/* The state of a history of n labels (markers included), added if new. */
static int32
StateOf(MarkovChain *m, const int32 *history, int32 n)
{
	return StringDictIntern(&m->histories, (const char *) history,
							n * sizeof(int32));
}

static void
BuildChain(const Counts *c, MarkovChain *m)
{
	int32		k = c->spec.param;
	int32	   *next = palloc((k + 1) * sizeof(int32));
	int32		i;

	memset(m, 0, sizeof(*m));
	StringDictInit(&m->histories, CurrentMemoryContext, MARKOV_MAX_STATES,
				   "states in a Markov model",
				   "Lower the order, or group labels with journey_map first.");
	next[0] = COUNTS_START;
	m->start = StateOf(m, next, 1);
	m->from = palloc(Max(c->nkeys, 1) * sizeof(int32));
	m->to = palloc(Max(c->nkeys, 1) * sizeof(int32));
	m->count = palloc(Max(c->nkeys, 1) * sizeof(double));
	for (i = 0; i < c->nkeys && c->positions[i] == MARKOV_TRANSITIONS; i++)
	{
		const int32 *key = c->key_labels + c->key_start[i];
		int32		n = c->key_start[i + 1] - c->key_start[i];
		int32		last;
		int32		to;

		if (n < 2 || n > k + 1)
			ReportCorrupt("bad Markov transition");
		last = key[n - 1];
		if (last == COUNTS_CONVERSION || last == COUNTS_NULL)
			to = last;
		else if (key[0] == COUNTS_START)
			to = StateOf(m, key + 1, n - 1);	/* a window, or one label */
		else
		{
			/* the next history: the last k of history + label, (start) dropped */
			int32		h = key[0] == COUNTS_START ? 0 : n - 1;
			int32		len;

			memcpy(next, key + (key[0] == COUNTS_START ? 1 : 0), h * sizeof(int32));
			next[h] = last;
			len = Min(h + 1, k);
			to = StateOf(m, next + h + 1 - len, len);
		}
		m->from[m->nedges] = key[0] == COUNTS_START ? m->start : StateOf(m, key, n - 1);
		m->to[m->nedges] = to;
		m->count[m->nedges] = (double) c->counts[i];
		if (to == COUNTS_CONVERSION)
			m->conversions += (double) c->counts[i];
		m->nedges++;
	}
	m->nstates = m->histories.n;
	m->out = palloc0(Max(m->nstates, 1) * sizeof(double));
	for (i = 0; i < m->nedges; i++)
		m->out[m->from[i]] += m->count[i];
	/* the conversion values, by the state they convert from */
	m->value = palloc0(Max(m->nstates, 1) * sizeof(double));
	m->valued = 0;
	for (; i < c->nkeys; i++)
	{
		int32		n = c->key_start[i + 1] - c->key_start[i];
		int32		from = StringDictFind(&m->histories, (const char *) (c->key_labels + c->key_start[i]),
										  (n - 1) * sizeof(int32));

		if (from < 0 || from >= m->nstates || m->out[from] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("invalid path counts of kind markov"),
					 errdetail("Key %d: a conversion value of a state without transitions.", i + 1)));
		m->value[from] += (c->positions[i] == MARKOV_VALUE_PLUS ? 1.0 : -1.0) *
			(double) c->counts[i] / MARKOV_VALUE_SCALE;
		m->valued += (c->positions[i] == MARKOV_VALUE_PLUS ? 1 : -1) * (int128) c->counts[i];
	}
}

/* Whether the history of state s contains label. */
static bool
StateHas(const MarkovChain *m, int32 s, int32 label)
{
	int32		n = m->histories.lens[s] / sizeof(int32);
	int32		i;

	for (i = 0; i < n; i++)
	{
		int32		v;

		memcpy(&v, m->histories.strs[s] + i * sizeof(int32), sizeof(int32));
		if (v == label)
			return true;
	}
	return false;
}

static void
CheckGsl(int status, const char *what)
{
	if (status != GSL_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("%s failed: %s", what, gsl_strerror(status))));
}

/*
 * The probability of converting from every state when the states whose
 * history contains label are removed (label < 0: none is); removed states
 * get 0.
 */
/* Solves the n x n system with dense LU (exact to rounding). */
static void
SolveDense(const MarkovChain *m, const int32 *index, int32 n, double *r, double *x)
{
	double	   *a = palloc0((Size) n * n * sizeof(double));
	size_t	   *perm = palloc(Max(n, 1) * sizeof(size_t));
	gsl_matrix_view A;
	gsl_vector_view R;
	gsl_vector_view X;
	gsl_permutation P;
	int			signum;
	int32		i;

	for (i = 0; i < n; i++)
		a[(Size) i * n + i] = 1.0;
	for (i = 0; i < m->nedges; i++)
	{
		int32		s = index[m->from[i]];

		if (s >= 0 && m->to[i] >= 0 && index[m->to[i]] >= 0)
			a[(Size) s * n + index[m->to[i]]] -= m->count[i] / m->out[m->from[i]];
	}
	CHECK_FOR_INTERRUPTS();
	A = gsl_matrix_view_array(a, n, n);
	R = gsl_vector_view_array(r, n);
	X = gsl_vector_view_array(x, n);
	P.size = n;
	P.data = perm;
	CheckGsl(gsl_linalg_LU_decomp(&A.matrix, &P, &signum), "LU decomposition");
	CheckGsl(gsl_linalg_LU_solve(&A.matrix, &P, &R.vector, &X.vector), "LU solve");
	pfree(a);
	pfree(perm);
}

static void
FreeSparse(gsl_spmatrix *triplets, gsl_spmatrix *compressed,
		   gsl_splinalg_itersolve *work)
{
	if (work != NULL)
		gsl_splinalg_itersolve_free(work);
	if (compressed != NULL)
		gsl_spmatrix_free(compressed);
	if (triplets != NULL)
		gsl_spmatrix_free(triplets);
}

/*
 * Solves the system with GSL's sparse GMRES, to a relative residual of
 * MARKOV_TOLERANCE.  GSL allocates sparse matrices and workspaces with
 * malloc: they are freed on any error.
 */
static void
SolveSparse(const MarkovChain *m, const int32 *index, int32 n, double *r, double *x)
{
	gsl_spmatrix *volatile triplets = NULL;
	gsl_spmatrix *volatile compressed = NULL;
	gsl_splinalg_itersolve *volatile work = NULL;

	PG_TRY();
	{
		gsl_vector_view R = gsl_vector_view_array(r, n);
		gsl_vector_view X = gsl_vector_view_array(x, n);
		int			status;
		int			iter = 0;
		int32		i;

		triplets = gsl_spmatrix_alloc_nzmax(n, n, m->nedges + n, GSL_SPMATRIX_COO);
		if (triplets == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		for (i = 0; i < n; i++)
			CheckGsl(gsl_spmatrix_set(triplets, i, i, 1.0), "sparse matrix");
		for (i = 0; i < m->nedges; i++)
		{
			int32		s = index[m->from[i]];
			int32		t;

			if (s < 0 || m->to[i] < 0 || (t = index[m->to[i]]) < 0)
				continue;
			CheckGsl(gsl_spmatrix_set(triplets, s, t,
									  gsl_spmatrix_get(triplets, s, t) -
									  m->count[i] / m->out[m->from[i]]),
					 "sparse matrix");
		}
		compressed = gsl_spmatrix_compress(triplets, GSL_SPMATRIX_CSC);
		work = gsl_splinalg_itersolve_alloc(gsl_splinalg_itersolve_gmres, n, 0);
		if (compressed == NULL || work == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		do
		{
			status = gsl_splinalg_itersolve_iterate(compressed, &R.vector,
													MARKOV_TOLERANCE, &X.vector, work);
			CHECK_FOR_INTERRUPTS();
		} while (status == GSL_CONTINUE && ++iter < MARKOV_MAX_ITERATIONS);
		if (status != GSL_SUCCESS)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("the Markov model's linear system did not converge"),
					 errdetail("GMRES stopped after %d restarts: %s.", iter, gsl_strerror(status))));
	}
	PG_CATCH();
	{
		FreeSparse(triplets, compressed, work);
		PG_RE_THROW();
	}
	PG_END_TRY();
	FreeSparse(triplets, compressed, work);
}

/*
 * The probability of converting from every state when the states whose
 * history contains label are removed (label < 0: none is), or with value,
 * the conversion value expected from it; removed states get 0.  Small
 * systems are solved densely, large ones sparsely.
 */
static double *
SolveChainFor(const MarkovChain *m, int32 label, bool value)
{
	int32	   *index = palloc(m->nstates * sizeof(int32));
	double	   *result = palloc0(m->nstates * sizeof(double));
	double	   *r;
	double	   *x;
	int32		n = 0;
	int32		i;

	for (i = 0; i < m->nstates; i++)
		index[i] = label >= 0 && StateHas(m, i, label) ? -1 : n++;
	r = palloc0(Max(n, 1) * sizeof(double));
	x = palloc0(Max(n, 1) * sizeof(double));
	if (value)
	{
		for (i = 0; i < m->nstates; i++)
			if (index[i] >= 0)
				r[index[i]] = m->value[i] / m->out[i];
	}
	else
		for (i = 0; i < m->nedges; i++)
			if (index[m->from[i]] >= 0 && m->to[i] == COUNTS_CONVERSION)
				r[index[m->from[i]]] += m->count[i] / m->out[m->from[i]];
	if (n <= MARKOV_DENSE_STATES)
		SolveDense(m, index, n, r, x);
	else
		SolveSparse(m, index, n, r, x);
	for (i = 0; i < m->nstates; i++)
		if (index[i] >= 0)
			result[i] = x[index[i]];
	pfree(r);
	pfree(x);
	pfree(index);
	return result;
}

static double *
SolveChain(const MarkovChain *m, int32 label)
{
	return SolveChainFor(m, label, false);
}

/*
 * The removal effect of each of the nlabels channels, of the conversions
 * or (value) of the conversion value, into effect; returns their sum.
 */
static double
RemovalEffects(const MarkovChain *m, int32 nlabels, bool value, double *effect)
{
	double	   *x = SolveChainFor(m, -1, value);
	double		base = x[m->start];
	double		sum = 0;
	int32		l;

	pfree(x);
	for (l = 0; l < nlabels; l++)
	{
		effect[l] = 0;
		if (base > 0)
		{
			x = SolveChainFor(m, l, value);
			effect[l] = Max(0.0, 1.0 - x[m->start] / base);
			pfree(x);
		}
		sum += effect[l];
	}
	return sum;
}

/* Decodes argument 0 as a Markov model and builds its chain. */
static void
MarkovArg(FunctionCallInfo fcinfo, Counts *c, MarkovChain *m)
{
	CountsModelArg(fcinfo, 0, c, COUNTS_MARKOV, "Markov", "markov_counts");
	BuildChain(c, m);
}

/*
 * The rows of markov_attribution (label, removal_effect, share,
 * conversions, value) or, with value, of markov_value_attribution (label,
 * removal_effect, share, value), one per label in bytewise order.
 */
static Datum
AttributionRows(FunctionCallInfo fcinfo, bool value)
{
	static const Oid columns[] = {TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			ncolumns = value ? 4 : 5;
	Counts		c;
	MarkovChain m;
	double	   *effect;
	double		sum;
	int32		l;

	JourneyInitRows(fcinfo, columns, ncolumns);
	MarkovArg(fcinfo, &c, &m);

	/*
	 * A model built before 0.5.0 keeps no value per state: all of its value
	 * must be with its states (to the micro-unit each conversion's value is
	 * rounded to), else some of it would be left out.
	 */
	if (value &&
		Abs(m.valued * (COUNTS_VALUE_SCALE / MARKOV_VALUE_SCALE) - c.value) >
		(int128) (m.conversions + 1) * (COUNTS_VALUE_SCALE / MARKOV_VALUE_SCALE))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("this Markov model does not keep its conversion value by state"),
				 errdetail("Its states hold %s of its conversion value %s.",
						   psprintf("%.6f", (double) m.valued / MARKOV_VALUE_SCALE),
						   psprintf("%.6f", (double) c.value / COUNTS_VALUE_SCALE)),
				 errhint("A model built before 0.5.0, or rolled up with one, keeps only its total value: build it again from the journeys.")));
	effect = palloc(Max(c.nlabels, 1) * sizeof(double));
	sum = RemovalEffects(&m, c.nlabels, value, effect);
	for (l = 0; l < c.nlabels; l++)
	{
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};
		double		share = sum > 0 ? effect[l] / sum : 0;

		values[0] = PointerGetDatum(cstring_to_text_with_len(c.labels[l], c.label_lens[l]));
		values[1] = Float8GetDatum(effect[l]);
		values[2] = Float8GetDatum(share);
		values[3] = Float8GetDatum(share * m.conversions);
		values[ncolumns - 1] = Float8GetDatum(share * ((double) c.value / COUNTS_VALUE_SCALE));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* markov_attribution(model): removal effects of the conversions */
Datum
markov_attribution(PG_FUNCTION_ARGS)
{
	return AttributionRows(fcinfo, false);
}

/*
 * markov_value_attribution(model): removal effects of the conversion
 * value each state converts (ChannelAttribution's total_conversion_value)
 */
PG_FUNCTION_INFO_V1(markov_value_attribution);

Datum
markov_value_attribution(PG_FUNCTION_ARGS)
{
	return AttributionRows(fcinfo, true);
}

/*
 * markov_order_fit(model): how well the model separates converting paths
 * from the others, as ChannelAttribution's choose_order measures it: each
 * path is scored by the share of conversions among the absorptions out of
 * the state it ends in, and auc is the area under the ROC curve of those
 * scores over the paths (computed exactly, ties counting half, where
 * choose_order samples 100 thresholds); penalized_auc is its penalty for
 * the C(n + k - 1, k) states of order k over n channels, 1 - (1 - auc)
 * (paths - 1) / (paths - states - 1), NULL when there are not more paths
 * than that plus one.
 */
PG_FUNCTION_INFO_V1(markov_order_fit);

typedef struct EndState
{
	double		score;
	double		conversions;
	double		nulls;
} EndState;

static int
CompareEndStates(const void *a, const void *b)
{
	double		x = ((const EndState *) a)->score;
	double		y = ((const EndState *) b)->score;

	return (x > y) - (x < y);
}

Datum
markov_order_fit(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {INT4OID, INT4OID, INT8OID, FLOAT8OID, INT8OID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	MarkovChain m;
	EndState   *end;
	Datum		values[lengthof(columns)];
	bool		nulls[lengthof(columns)] = {0};
	double		positives = 0;
	double		negatives = 0;
	double		below = 0;		/* negatives scored below the current score */
	double		area = 0;
	double		nodes;
	int32		nend = 0;
	int32		i;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	MarkovArg(fcinfo, &c, &m);
	end = palloc0(Max(m.nstates, 1) * sizeof(EndState));
	for (i = 0; i < m.nedges; i++)
	{
		if (m.to[i] == COUNTS_CONVERSION)
			end[m.from[i]].conversions += m.count[i];
		else if (m.to[i] == COUNTS_NULL)
			end[m.from[i]].nulls += m.count[i];
	}
	for (i = 0; i < m.nstates; i++)
		if (end[i].conversions + end[i].nulls > 0)
		{
			end[nend] = end[i];
			end[nend].score = end[i].conversions / (end[i].conversions + end[i].nulls);
			positives += end[nend].conversions;
			negatives += end[nend].nulls;
			nend++;
		}
	qsort(end, nend, sizeof(EndState), CompareEndStates);
	for (i = 0; i < nend;)
	{
		double		pos = 0;
		double		neg = 0;
		int32		first = i;

		for (; i < nend && end[i].score == end[first].score; i++)
		{
			pos += end[i].conversions;
			neg += end[i].nulls;
		}
		area += pos * (below + neg / 2);
		below += neg;
	}
	/* C(n + k - 1, k), the states of order k over n channels as choose_order counts them */
	nodes = c.nlabels > 0 ? 1 : 0;
	for (i = 1; i <= c.spec.param && c.nlabels > 0; i++)
		nodes = nodes * (c.nlabels + i - 1) / i;
	values[0] = Int32GetDatum(c.spec.param);
	values[1] = Int32GetDatum(c.nlabels);
	values[2] = Int64GetDatum(c.total);
	values[3] = Float8GetDatum(nodes);
	values[4] = Int64GetDatum(m.nstates - 1);
	nulls[5] = positives == 0 || negatives == 0;
	values[5] = Float8GetDatum(nulls[5] ? 0 : area / (positives * negatives));
	nulls[6] = nulls[5] || c.nlabels == 0 || !((double) c.total - nodes - 1 > 0);
	if (!nulls[6])
		values[6] = Float8GetDatum(1 - (1 - DatumGetFloat8(values[5])) *
								   ((double) c.total - 1) / ((double) c.total - nodes - 1));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

static text *
StateText(const Counts *c, const MarkovChain *m, int32 state)
{
	StringInfoData buf;
	int32		n;
	int32		i;

	if (state < 0)
		return cstring_to_text(CountsMarkerName(state));
	n = m->histories.lens[state] / sizeof(int32);
	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		int32		v;

		memcpy(&v, m->histories.strs[state] + i * sizeof(int32), sizeof(int32));
		if (i > 0)
			appendStringInfoString(&buf, " > ");
		if (v < 0)
			appendStringInfoString(&buf, CountsMarkerName(v));
		else
			appendBinaryStringInfo(&buf, c->labels[v], c->label_lens[v]);
	}
	return cstring_to_text_with_len(buf.data, buf.len);
}

/*
 * markov_transitions(model): (from_state, to_state, transitions,
 * probability), states written as their history joined by " > ".
 */
PG_FUNCTION_INFO_V1(markov_transitions);

Datum
markov_transitions(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, TEXTOID, INT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	MarkovChain m;
	int32		i;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	MarkovArg(fcinfo, &c, &m);
	for (i = 0; i < m.nedges; i++)
	{
		Datum		values[lengthof(columns)];
		bool		nulls[lengthof(columns)] = {0};

		values[0] = PointerGetDatum(StateText(&c, &m, m.from[i]));
		values[1] = PointerGetDatum(StateText(&c, &m, m.to[i]));
		values[2] = Int64GetDatum((int64) m.count[i]);
		values[3] = Float8GetDatum(m.count[i] / m.out[m.from[i]]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[0]));
		pfree(DatumGetPointer(values[1]));
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * The model state after a path (labels as model label indexes, repeats
 * collapsed, a -1 for a label the model does not know), or -1 if the model
 * never saw that state.
 */
static int32
StateAfter(const MarkovChain *m, int32 order, const int32 *path, int32 n)
{
	int32		start = COUNTS_START;
	int32		len = Min(n, order);
	int32		i;

	if (n == 0)
		return StringDictFind(&m->histories, (const char *) &start, sizeof(int32));
	for (i = n - len; i < n; i++)
		if (path[i] < 0)
			return -1;
	return StringDictFind(&m->histories, (const char *) (path + n - len),
						  len * sizeof(int32));
}

/* Model label index of a label, or -1: a model's labels are sorted bytewise. */
static int32
ModelLabel(const Counts *c, const char *s, int32 len)
{
	return SortedFind(c->labels, c->label_lens, c->nlabels, s, len);
}

/* The journey in argument 1 as a path of model label indexes, collapsed as the model is. */
static int32
PrefixPath(FunctionCallInfo fcinfo, const Counts *c, int32 **path)
{
	Journey		j;
	int32		n = 0;
	int32		i;

	JourneyDecode(DatumGetJourneyP(PG_GETARG_DATUM(1)), &j);
	*path = palloc((j.ntouch + 1) * sizeof(int32));
	for (i = 0; i < j.ntouch; i++)
	{
		int32		l = j.touches[i].label;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (c->spec.collapse && i > 0 && l == j.touches[i - 1].label)
			continue;
		(*path)[n++] = ModelLabel(c, j.labels[l], j.label_lens[l]);
	}
	return n;
}

/*
 * markov_conversion_probability(model, j): the probability that a journey
 * that has taken the path j converts, or NULL if the model never saw its
 * state.
 */
PG_FUNCTION_INFO_V1(markov_conversion_probability);

Datum
markov_conversion_probability(PG_FUNCTION_ARGS)
{
	Counts		c;
	MarkovChain m;
	int32	   *path;
	int32		n;
	int32		state;

	MarkovArg(fcinfo, &c, &m);
	n = PrefixPath(fcinfo, &c, &path);
	state = StateAfter(&m, c.spec.param, path, n);
	if (state < 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(SolveChain(&m, -1)[state]);
}

/*
 * markov_next_best(model, j, candidates): for each candidate next label,
 * the probability of converting after it, and the uplift over the
 * probability now; best first (ties by candidate bytewise).  Probabilities
 * of states the model never saw are NULL, and those rows come last.
 */
PG_FUNCTION_INFO_V1(markov_next_best);

typedef struct Candidate
{
	text	   *label;
	double		probability;	/* NaN: unknown */
} Candidate;

static int
CompareCandidates(const void *a, const void *b)
{
	const Candidate *x = a;
	const Candidate *y = b;

	if (isnan(x->probability) != isnan(y->probability))
		return isnan(x->probability) ? 1 : -1;
	if (!isnan(x->probability) && x->probability != y->probability)
		return x->probability > y->probability ? -1 : 1;
	return CompareBytes(VARDATA_ANY(x->label), VARSIZE_ANY_EXHDR(x->label),
						VARDATA_ANY(y->label), VARSIZE_ANY_EXHDR(y->label));
}

Datum
markov_next_best(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Counts		c;
	MarkovChain m;
	int32	   *path;
	int32		n;
	int32		now_state;
	double	   *x;
	Datum	   *elems;
	bool	   *nulls;
	int			ncand;
	Candidate  *cand;
	int			i;

	JourneyInitRows(fcinfo, columns, lengthof(columns));
	MarkovArg(fcinfo, &c, &m);
	x = SolveChain(&m, -1);
	n = PrefixPath(fcinfo, &c, &path);
	now_state = StateAfter(&m, c.spec.param, path, n);
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &ncand);
	cand = palloc(Max(ncand, 1) * sizeof(Candidate));
	path = repalloc(path, (n + 2) * sizeof(int32));
	for (i = 0; i < ncand; i++)
	{
		int32		state;
		int32		len = n;

		CHECK_FOR_INTERRUPTS();	/* candidates x path length */
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("candidates must not contain NULL")));
		cand[i].label = DatumGetTextPP(elems[i]);
		path[len] = ModelLabel(&c, VARDATA_ANY(cand[i].label), VARSIZE_ANY_EXHDR(cand[i].label));
		if (!c.spec.collapse || len == 0 || path[len - 1] != path[len] || path[len] < 0)
			len++;
		state = StateAfter(&m, c.spec.param, path, len);
		cand[i].probability = state >= 0 ? x[state] : get_float8_nan();
	}
	qsort(cand, ncand, sizeof(Candidate), CompareCandidates);
	for (i = 0; i < ncand; i++)
	{
		Datum		values[lengthof(columns)];
		bool		rnulls[3] = {false, isnan(cand[i].probability),
		isnan(cand[i].probability) || now_state < 0};

		values[0] = PointerGetDatum(cand[i].label);
		values[1] = Float8GetDatum(cand[i].probability);
		values[2] = Float8GetDatum(now_state >= 0 ? cand[i].probability - x[now_state] : 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, rnulls);
	}
	return (Datum) 0;
}

/*
 * markov_attribution_intervals(model, samples, confidence, seed): the
 * share of each channel with a bootstrap interval.  Each sample redraws,
 * state by state, the transitions out of it from a multinomial with the
 * model's probabilities and counts (GSL's Mersenne Twister seeded with
 * seed, so results repeat), and recomputes the shares; the interval is
 * the percentile interval of the samples (nearest rank).
 */
PG_FUNCTION_INFO_V1(markov_attribution_intervals);

/* Shares of the channels (nlabels of them) under chain m, into share. */
static void
Shares(const MarkovChain *m, int32 nlabels, double *share)
{
	double		sum = RemovalEffects(m, nlabels, false, share);
	int32		l;

	for (l = 0; l < nlabels; l++)
		share[l] = sum > 0 ? share[l] / sum : 0;
}

Datum
markov_attribution_intervals(PG_FUNCTION_ARGS)
{
	static const Oid columns[] = {TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		samples = PG_GETARG_INT32(1);
	double		confidence = PG_GETARG_FLOAT8(2);
	int64		seed = PG_GETARG_INT64(3);
	Counts		c;
	MarkovChain m;
	MarkovChain sample;
	double	   *share;
	double	   *draws;			/* samples x nlabels */
	double	   *original;
	gsl_rng    *volatile rng = NULL;
	int32		s;
	int32		l;

	CheckBootstrap(samples, confidence);
	JourneyInitRows(fcinfo, columns, lengthof(columns));
	MarkovArg(fcinfo, &c, &m);
	original = palloc(Max(c.nlabels, 1) * sizeof(double));
	Shares(&m, c.nlabels, original);
	share = palloc(Max(c.nlabels, 1) * sizeof(double));
	draws = palloc((Size) samples * Max(c.nlabels, 1) * sizeof(double));
	sample = m;
	sample.count = palloc(Max(m.nedges, 1) * sizeof(double));

	/* GSL allocates its generator with malloc: free it on any error */
	PG_TRY();
	{
		int32	   *first = palloc(Max(m.nstates, 1) * sizeof(int32));
		int32	   *nout = palloc0(Max(m.nstates, 1) * sizeof(int32));
		int32	   *order = palloc(Max(m.nedges, 1) * sizeof(int32));
		double	   *p = palloc(Max(m.nedges, 1) * sizeof(double));
		unsigned int *n = palloc(Max(m.nedges, 1) * sizeof(unsigned int));
		int32		i;
		int32		pos = 0;

		rng = BootstrapRng(seed);

		/* edges grouped by their state, in edge order */
		for (i = 0; i < m.nedges; i++)
			nout[m.from[i]]++;
		for (i = 0; i < m.nstates; i++)
		{
			first[i] = pos;
			pos += nout[i];
			nout[i] = 0;
		}
		for (i = 0; i < m.nedges; i++)
			order[first[m.from[i]] + nout[m.from[i]]++] = i;

		for (s = 0; s < samples; s++)
		{
			for (i = 0; i < m.nstates; i++)
			{
				int32		e;

				if (nout[i] == 0)
					continue;
				if (m.out[i] > UINT_MAX)
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("too many transitions out of one state to resample")));
				for (e = 0; e < nout[i]; e++)
					p[e] = m.count[order[first[i] + e]];
				gsl_ran_multinomial(rng, nout[i], (unsigned int) m.out[i], p, n);
				for (e = 0; e < nout[i]; e++)
					sample.count[order[first[i] + e]] = n[e];
			}
			Shares(&sample, c.nlabels, share);
			for (l = 0; l < c.nlabels; l++)
				draws[(Size) l * samples + s] = share[l];
			CHECK_FOR_INTERRUPTS();
		}
	}
	PG_FINALLY();
	{
		if (rng != NULL)
			gsl_rng_free(rng);
	}
	PG_END_TRY();

	EmitShareIntervals(rsinfo, &c, original, draws, samples, confidence);
	return (Datum) 0;
}
