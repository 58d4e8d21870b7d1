/*
 * pattern.c
 *	  Pattern matching over journeys: a small regular language over labels
 *	  with time conditions, compiled once per query.
 *
 * Syntax: a label (a word or a double-quoted string), (?N) for the N-th
 * label of the labels argument (ClickHouse's numbered conditions), or "."
 * for any touchpoint; sequences; groups ( ... ) with alternatives |; the
 * quantifiers *, +, ?, {n}, {n,} and {n,m} after an atom or group; and
 * time conditions (?t OP seconds), OP one of <= < >= > == !=, which, as in
 * ClickHouse's sequenceMatch, let any number of touchpoints pass and
 * require the time between the touchpoint matched before and the one
 * matched after to satisfy OP.
 *
 * The pattern compiles to a small program (a Thompson NFA: consume, split,
 * loop, jump, time condition, match) run by a backtracking search with an
 * explicit stack, so no recursion, and a visited set of states, so no
 * exponential blow-up; a step budget bounds the work on huge journeys.
 * Leftmost-first: the earliest start wins, then alternatives in order and
 * greedy quantifiers, which fixes the matched touchpoints.  An iteration of
 * a * (or of + beyond its first) that consumes nothing ends the loop, as in
 * Perl and Python: coming back to a state on the search path (a way round
 * a loop that consumed nothing) goes on after the first loop entered on
 * the way, where pruning would cut the path those matchers take.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "argcache.h"
#include "dict.h"
#include "journey.h"
#include "params.h"
#include "parser/scansup.h"
#include "textparse.h"

PG_FUNCTION_INFO_V1(pattern_match);
PG_FUNCTION_INFO_V1(pattern_count);
PG_FUNCTION_INFO_V1(pattern_positions);

#define PATTERN_MAX_PROGRAM 10000
/* parse nodes: atoms, groups, quantifiers (groups may nest empty ones) */
#define PATTERN_MAX_NODES	(10 * PATTERN_MAX_PROGRAM)
/* about 50 bytes a state: within JOURNEY_MAX_WORK_BYTES */
#define PATTERN_MAX_STEPS	5000000

typedef enum Op
{
	OP_LABEL,					/* consume a touchpoint with label arg */
	OP_ANY,						/* consume any touchpoint */
	OP_SPLIT,					/* try x, then y */
	OP_LOOP,					/* the head of a * loop: try x (the body), then y */
	OP_JUMP,					/* go to x */
	OP_TIME,					/* skip touchpoints; time condition on the next */
	OP_MATCH
} Op;

typedef enum TimeOp
{
	T_LE, T_LT, T_GE, T_GT, T_EQ, T_NE
} TimeOp;

typedef struct Instr
{
	Op			op;
	int32		x;				/* label (index into labels), target, or seconds */
	int32		y;				/* second target, or TimeOp */
} Instr;

typedef struct Program
{
	Instr	   *code;
	int32		n;
	int32		max;
	StringDict	labels;			/* the labels the pattern names */
	bool		numbered;		/* uses (?N): only listed labels count */
} Program;

/* The parsed pattern, before code generation. */
typedef enum NodeKind
{
	N_LABEL, N_ANY, N_TIME, N_SEQ, N_ALT, N_REPEAT
} NodeKind;

typedef struct PNode
{
	NodeKind	kind;
	int32		x;				/* label, seconds, or minimum repetitions */
	int32		y;				/* TimeOp, or maximum repetitions (-1: any) */
	int32		nchildren;
	int32		maxchildren;
	struct PNode **children;
} PNode;

#define PATTERN_MAX_DEPTH 64

typedef struct Compiler
{
	TextParser	ps;
	Program    *prog;
	ArrayType  *conditions;		/* for (?N), or NULL */
	Datum	   *cond_elems;		/* its elements, unpacked at the first (?N) */
	bool	   *cond_nulls;
	int			ncond;
	int			depth;
	int32		nnodes;
} Compiler;

static void
PatternTooLarge(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("pattern too large"),
			 errdetail("%s", detail),
			 errhint("Use smaller repetition counts.")));
}

/*
 * Counted as the pattern is read, so that a huge pattern stops before its
 * tree is built, not after (the instruction limit applies only later).
 */
static PNode *
NewNode(Compiler *c, NodeKind kind, int32 x, int32 y)
{
	PNode	   *n;

	if (++c->nnodes > PATTERN_MAX_NODES)
		PatternTooLarge(psprintf("The pattern has more than %d atoms, groups and quantifiers.",
								 PATTERN_MAX_NODES));
	n = palloc0(sizeof(PNode));

	n->kind = kind;
	n->x = x;
	n->y = y;
	return n;
}

static void
AddChild(PNode *parent, PNode *child)
{
	if (parent->nchildren >= parent->maxchildren)
	{
		parent->maxchildren = GrowCapacity(parent->maxchildren, PATTERN_MAX_NODES,
										   "pattern nodes", "Use smaller repetition counts.");
		parent->children = ResizeArray(CurrentMemoryContext, parent->children,
									   parent->maxchildren, sizeof(PNode *));
	}
	parent->children[parent->nchildren++] = child;
}

static bool
IsPatternWordChar(char ch)
{
	return ch != '\0' && !scanner_isspace(ch) && strchr("()|*+?{}.,\"\\", ch) == NULL;
}

static int
ParseNumber(Compiler *c, const char *what)
{
	int			v = 0;

	if (!isdigit((unsigned char) *c->ps.p))
		ParseError(&c->ps, what);
	while (isdigit((unsigned char) *c->ps.p))
	{
		if (v > 100000000)
			ParseError(&c->ps, "a smaller number");
		v = v * 10 + (*c->ps.p++ - '0');
	}
	return v;
}

static PNode *ParseAlternatives(Compiler *c);

/* (?N) or (?t OP seconds), the cursor after "(?" */
static PNode *
ParseCondition(Compiler *c)
{
	PNode	   *node;

	if (*c->ps.p == 't')
	{
		static const char *const ops[] = {"<=", "<", ">=", ">", "==", "!="};
		int			op;

		c->ps.p++;
		SkipSpace(&c->ps);
		for (op = 0; op < (int) lengthof(ops); op++)
			if (strncmp(c->ps.p, ops[op], strlen(ops[op])) == 0)
				break;
		if (op == (int) lengthof(ops))
			ParseError(&c->ps, "a comparison (<=, <, >=, >, ==, !=)");
		c->ps.p += strlen(ops[op]);
		SkipSpace(&c->ps);
		node = NewNode(c, N_TIME, ParseNumber(c, "a number of seconds"), op);
	}
	else
	{
		int			n = ParseNumber(c, "a condition number or t");
		text	   *label;

		if (c->conditions == NULL)
			ParseError(&c->ps, "a label (numbered conditions need the labels argument)");
		if (c->cond_elems == NULL)
			deconstruct_array(c->conditions, TEXTOID, -1, false, TYPALIGN_INT,
							  &c->cond_elems, &c->cond_nulls, &c->ncond);
		if (n < 1 || n > c->ncond || c->cond_nulls[n - 1])
			ParseError(&c->ps, psprintf("a condition number between 1 and %d", c->ncond));
		label = DatumGetTextPP(c->cond_elems[n - 1]);
		c->prog->numbered = true;
		node = NewNode(c, N_LABEL, StringDictIntern(&c->prog->labels, VARDATA_ANY(label),
												 VARSIZE_ANY_EXHDR(label)), 0);
	}
	SkipSpace(&c->ps);
	ParseChar(&c->ps, ')', "\")\"");
	return node;
}

/* One atom, or NULL at the end of a sequence. */
static PNode *
ParseAtom(Compiler *c)
{
	TextParser *ps = &c->ps;
	PNode	   *node;

	SkipSpace(ps);
	if (*ps->p == '\0' || *ps->p == ')' || *ps->p == '|')
		return NULL;
	if (*ps->p == '.')
	{
		ps->p++;
		return NewNode(c, N_ANY, 0, 0);
	}
	if (ps->p[0] == '(' && ps->p[1] == '?')
	{
		ps->p += 2;
		return ParseCondition(c);
	}
	if (*ps->p == '(')
	{
		ps->p++;
		if (++c->depth > PATTERN_MAX_DEPTH)
			ParseError(ps, psprintf("at most %d nested groups", PATTERN_MAX_DEPTH));
		node = ParseAlternatives(c);
		c->depth--;
		SkipSpace(ps);
		ParseChar(ps, ')', "\")\"");
		return node;
	}
	if (*ps->p == '"' || IsPatternWordChar(*ps->p))
	{
		StringInfoData label;

		initStringInfo(&label);
		if (*ps->p == '"')
			ParseString(ps, &label);
		else
			while (IsPatternWordChar(*ps->p))
				appendStringInfoChar(&label, *ps->p++);
		JourneyCheckLabel(label.data, label.len);
		node = NewNode(c, N_LABEL, StringDictIntern(&c->prog->labels, label.data, label.len), 0);
		pfree(label.data);		/* interned: one copy per distinct label */
		return node;
	}
	ParseError(ps, "a label, \".\", \"(\" or \"(?\"");
	return NULL;				/* not reached */
}

/* A quantifier after node, if any. */
static PNode *
ParseQuantifier(Compiler *c, PNode *node)
{
	TextParser *ps = &c->ps;
	int			min;
	int			max;
	PNode	   *rep;

	SkipSpace(ps);
	if (*ps->p == '*' || *ps->p == '+' || *ps->p == '?')
	{
		min = *ps->p == '+' ? 1 : 0;
		max = *ps->p == '?' ? 1 : -1;
		ps->p++;
	}
	else if (*ps->p == '{')
	{
		ps->p++;
		SkipSpace(ps);
		min = ParseNumber(c, "a repetition count");
		max = min;
		SkipSpace(ps);
		if (*ps->p == ',')
		{
			ps->p++;
			SkipSpace(ps);
			max = isdigit((unsigned char) *ps->p) ? ParseNumber(c, "a repetition count") : -1;
			SkipSpace(ps);
		}
		ParseChar(ps, '}', "\"}\"");
		if (max >= 0 && max < min)
			ParseError(ps, "a maximum no smaller than the minimum");
	}
	else
		return node;
	rep = NewNode(c, N_REPEAT, min, max);
	AddChild(rep, node);
	return rep;
}

static PNode *
ParseSequence(Compiler *c)
{
	PNode	   *seq = NewNode(c, N_SEQ, 0, 0);
	PNode	   *atom;

	while ((atom = ParseAtom(c)) != NULL)
	{
		AddChild(seq, ParseQuantifier(c, atom));
		CHECK_FOR_INTERRUPTS();
	}
	return seq;
}

static PNode *
ParseAlternatives(Compiler *c)
{
	PNode	   *first = ParseSequence(c);
	PNode	   *alt;

	SkipSpace(&c->ps);
	if (*c->ps.p != '|')
		return first;
	alt = NewNode(c, N_ALT, 0, 0);
	AddChild(alt, first);
	while (*c->ps.p == '|')
	{
		c->ps.p++;
		AddChild(alt, ParseSequence(c));
		SkipSpace(&c->ps);
	}
	return alt;
}

static int32
Emit(Program *p, Op op, int32 x, int32 y)
{
	if (p->n >= PATTERN_MAX_PROGRAM)
		PatternTooLarge(psprintf("The compiled pattern would exceed %d instructions.",
								 PATTERN_MAX_PROGRAM));
	if (p->n >= p->max)
	{
		p->max = p->max > 0 ? 2 * p->max : 32;
		p->code = p->code ? repalloc(p->code, p->max * sizeof(Instr)) :
			palloc(p->max * sizeof(Instr));
	}
	p->code[p->n].op = op;
	p->code[p->n].x = x;
	p->code[p->n].y = y;
	return p->n++;
}

/* Code for node (depth bounded by PATTERN_MAX_DEPTH while parsing). */
static void
Generate(Program *p, const PNode *node)
{
	int32		i;

	/* an empty group repeated many times generates nothing, for long */
	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	switch (node->kind)
	{
		case N_LABEL:
			Emit(p, OP_LABEL, node->x, 0);
			break;
		case N_ANY:
			Emit(p, OP_ANY, 0, 0);
			break;
		case N_TIME:
			Emit(p, OP_TIME, node->x, node->y);
			break;
		case N_SEQ:
			for (i = 0; i < node->nchildren; i++)
				Generate(p, node->children[i]);
			break;
		case N_ALT:
			{
				int32	   *jumps = palloc(node->nchildren * sizeof(int32));

				for (i = 0; i < node->nchildren; i++)
				{
					int32		split = -1;

					if (i + 1 < node->nchildren)
						split = Emit(p, OP_SPLIT, 0, 0);
					if (split >= 0)
						p->code[split].x = p->n;
					Generate(p, node->children[i]);
					jumps[i] = i + 1 < node->nchildren ? Emit(p, OP_JUMP, 0, 0) : -1;
					if (split >= 0)
						p->code[split].y = p->n;
				}
				for (i = 0; i + 1 < node->nchildren; i++)
					p->code[jumps[i]].x = p->n;
			}
			break;
		case N_REPEAT:
			{
				const PNode *child = node->children[0];
				int32		extra = node->y < 0 ? 0 : node->y - node->x;
				int32	   *splits;

				for (i = 0; i < node->x; i++)
				{
					int32		before = p->n;

					Generate(p, child);
					if (p->n == before)
						break;	/* an empty child: its copies are empty too */
				}
				if (node->y < 0)
				{
					int32		split = Emit(p, OP_LOOP, 0, 0);

					p->code[split].x = p->n;
					Generate(p, child);
					Emit(p, OP_JUMP, split, 0);
					p->code[split].y = p->n;
					break;
				}
				/* each optional copy may be skipped, jumping past them all */
				if (extra == 0)
					break;
				splits = palloc(extra * sizeof(int32));
				for (i = 0; i < extra; i++)
				{
					splits[i] = Emit(p, OP_SPLIT, 0, 0);
					p->code[splits[i]].x = p->n;
					Generate(p, child);
				}
				for (i = 0; i < extra; i++)
					p->code[splits[i]].y = p->n;
				pfree(splits);
			}
			break;
	}
}

/*
 * The program of arguments 1 (pattern) and 2 (labels), compiled once per
 * call site while they stay the same (argcache.h).
 */
static void
CompileProgram(FunctionCallInfo fcinfo, void *parsed)
{
	Program    *prog = parsed;
	text	   *pattern = PG_GETARG_TEXT_PP(1);
	ArrayType  *conditions = PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2);
	Compiler	c;
	PNode	   *node;
	char	   *input;

	StringDictInit(&prog->labels, CurrentMemoryContext, PATTERN_MAX_PROGRAM,
				   "labels in a pattern", "Use fewer labels.");
	input = text_to_cstring(pattern);
	memset(&c, 0, sizeof(c));
	c.ps.input = input;
	c.ps.p = input;
	c.ps.type_name = "pattern";
	c.ps.hint = "Write a pattern such as: search .* (?t<=3600) purchase, or (?1)(?2) with labels.";
	c.prog = prog;
	c.conditions = conditions;
	node = ParseAlternatives(&c);
	SkipSpace(&c.ps);
	if (*c.ps.p != '\0')
		ParseError(&c.ps, "the end of the pattern");
	Generate(prog, node);
	Emit(prog, OP_MATCH, 0, 0);
}

static const Program *
GetProgram(FunctionCallInfo fcinfo)
{
	return ArgCacheLookup(fcinfo, 1, 2, sizeof(Program), CompileProgram);
}

/* The touchpoints a pattern sees, as pattern label ids (-1: other). */
typedef struct Subject
{
	int32		n;
	int32	   *label;
	TimestampTz *ts;
	int32	   *ordinality;		/* 1-based position in the journey */
	int64		within;			/* microseconds, 0: none */
	bool		has_time;
} Subject;

static void
MakeSubject(FunctionCallInfo fcinfo, const Program *prog, Subject *subj)
{
	Journey		j;
	int32	   *map;
	int32		i;

	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	map = palloc(Max(j.nlabels, 1) * sizeof(int32));
	for (i = 0; i < j.nlabels; i++)
		map[i] = StringDictFind(&prog->labels, j.labels[i], j.label_lens[i]);
	subj->n = 0;
	subj->label = palloc(Max(j.ntouch, 1) * sizeof(int32));
	subj->ts = palloc(Max(j.ntouch, 1) * sizeof(TimestampTz));
	subj->ordinality = palloc(Max(j.ntouch, 1) * sizeof(int32));
	for (i = 0; i < j.ntouch; i++)
	{
		int32		l = map[j.touches[i].label];

		/* with numbered conditions, other touchpoints are ignored (ClickHouse) */
		if (prog->numbered && l < 0)
			continue;
		subj->label[subj->n] = l;
		subj->ts[subj->n] = j.touches[i].ts;
		subj->ordinality[subj->n++] = i + 1;
	}
	subj->within = PG_ARGISNULL(3) ? 0 :
		IntervalMicros(PG_GETARG_INTERVAL_P(3), "pattern time bound", NULL);
	subj->has_time = false;
	for (i = 0; i < prog->n; i++)
		if (prog->code[i].op == OP_TIME)
			subj->has_time = true;
}

typedef struct State
{
	int32		pc;
	int32		pos;
	int32		last;			/* last consumed touchpoint, or -1 */
	int32		first;			/* first consumed touchpoint, or -1 */
	int32		pending;		/* time condition to check, or -1 */
	int32		trail;			/* labelled matches recorded so far */
	int32		start;
	int32		depth;			/* on the search path */
} State;

/* A visited state: where on the search path it was met. */
typedef struct Visit
{
	int32		key[6];
	int32		depth;
	int64		serial;
} Visit;

#define STATE_KEY_FIELDS 6		/* pc .. trail excluded, start included */

typedef struct Search
{
	const Program *prog;
	const Subject *subj;
	HTAB	   *visited;
	State	   *stack;
	int32		nstack;
	int32		maxstack;
	int32	   *trail;			/* subject indexes of labelled matches */
	int64		steps;
	State	   *path;			/* the states from the start to the current one */
	int64	   *path_serial;	/* and when each was met */
	int32		maxpath;
} Search;

static bool
TimeHolds(int32 op, int64 seconds, TimestampTz from, TimestampTz to)
{
	/* in 128 bits: the first and last timestamps are further apart than int64 */
	int128		d = (int128) to - from;
	int128		v = (int128) seconds * USECS_PER_SEC;

	switch ((TimeOp) op)
	{
		case T_LE:
			return d <= v;
		case T_LT:
			return d < v;
		case T_GE:
			return d >= v;
		case T_GT:
			return d > v;
		case T_EQ:
			return d == v;
		case T_NE:
			return d != v;
	}
	return false;
}

static void
Push(Search *s, State st)
{
	if (s->nstack >= s->maxstack)
	{
		s->maxstack *= 2;
		s->stack = repalloc_huge(s->stack, (Size) s->maxstack * sizeof(State));
	}
	s->stack[s->nstack++] = st;
}

/*
 * The leftmost-first match starting at start that consumes at least one
 * touchpoint: true with *end (one past its last touchpoint) and the trail
 * of labelled matches in s->trail[0 .. *ntrail).
 */
static bool
MatchAt(Search *s, int32 start, int32 *end, int32 *ntrail)
{
	const Instr *code = s->prog->code;
	const Subject *subj = s->subj;
	State		init = {0, start, -1, -1, -1, 0, start, 0};

	s->nstack = 0;
	Push(s, init);
	while (s->nstack > 0)
	{
		State		st = s->stack[--s->nstack];
		int32		key[STATE_KEY_FIELDS];
		bool		found;
		const Instr *in = &code[st.pc];
		Visit	   *visit;

		key[0] = st.pc;
		key[1] = st.pos;
		key[2] = subj->has_time ? st.last : -1;
		key[3] = subj->within > 0 ? st.first : -1;
		key[4] = st.pending;
		key[5] = st.start;
		visit = hash_search(s->visited, key, HASH_ENTER, &found);
		if (found)
		{
			int32		d;

			/*
			 * A state met before was either explored to the end (and failed)
			 * or lies on the path to this one: then the path came round a
			 * loop consuming nothing.  As in backtracking matchers (Perl,
			 * Python) an iteration that consumes nothing ends its loop: the
			 * search goes on after the first loop entered on the way round,
			 * here and at this priority.
			 */
			if (visit->depth < st.depth &&
				s->path_serial[visit->depth] == visit->serial)
				for (d = visit->depth; d < st.depth; d++)
					if (code[s->path[d].pc].op == OP_LOOP)
					{
						State		exit = s->path[d];

						exit.pc = code[exit.pc].y;
						exit.depth = st.depth;
						Push(s, exit);
						break;
					}
			continue;
		}
		if (st.depth >= s->maxpath)
		{
			s->maxpath *= 2;
			s->path = repalloc_huge(s->path, (Size) s->maxpath * sizeof(State));
			s->path_serial = repalloc_huge(s->path_serial, (Size) s->maxpath * sizeof(int64));
		}
		s->path[st.depth] = st;
		s->path_serial[st.depth] = visit->serial = s->steps;
		visit->depth = st.depth;
		st.depth++;				/* for what follows from it */
		if (++s->steps > PATTERN_MAX_STEPS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("pattern matching exceeds its work limit"),
					 errdetail("More than %d states were explored for one journey.",
							   PATTERN_MAX_STEPS),
					 errhint("Use a time bound, or a pattern with fewer nested repetitions.")));
		if ((s->steps & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();

		switch (in->op)
		{
			case OP_MATCH:
				if (st.first >= 0)
				{
					*end = st.last + 1;
					*ntrail = st.trail;
					return true;
				}
				break;
			case OP_LABEL:
			case OP_ANY:
				if (st.pos >= subj->n ||
					(in->op == OP_LABEL && subj->label[st.pos] != in->x))
					break;
				if (st.pending >= 0 && st.last >= 0 &&
					!TimeHolds(code[st.pending].y, code[st.pending].x,
							   subj->ts[st.last], subj->ts[st.pos]))
					break;
				if (subj->within > 0 && st.first >= 0 &&
					(uint64) subj->ts[st.pos] - (uint64) subj->ts[st.first] > (uint64) subj->within)
					break;
				if (in->op == OP_LABEL)
					s->trail[st.trail++] = st.pos;
				st.first = st.first < 0 ? st.pos : st.first;
				st.last = st.pos++;
				st.pending = -1;
				st.pc++;
				Push(s, st);
				break;
			case OP_SPLIT:
			case OP_LOOP:
				{
					State		other = st;

					other.pc = in->y;
					Push(s, other);
					st.pc = in->x;
					Push(s, st);
				}
				break;
			case OP_JUMP:
				st.pc = in->x;
				Push(s, st);
				break;
			case OP_TIME:
				{
					State		skip = st;

					/* lazily: go on at once, else let one more touchpoint pass */
					if (skip.pos < subj->n && st.first >= 0)
					{
						skip.pos++;
						Push(s, skip);
					}
					st.pending = st.pc++;
					Push(s, st);
				}
				break;
		}
	}
	return false;
}

static void
SearchInit(Search *s, const Program *prog, const Subject *subj)
{
	HASHCTL		ctl;

	memset(s, 0, sizeof(*s));
	s->prog = prog;
	s->subj = subj;
	ctl.keysize = STATE_KEY_FIELDS * sizeof(int32);
	ctl.entrysize = sizeof(Visit);
	ctl.hcxt = CurrentMemoryContext;
	s->visited = hash_create("pattern states", 1024, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	s->maxstack = 64;
	s->stack = palloc(s->maxstack * sizeof(State));
	s->trail = palloc(Max(subj->n, 1) * sizeof(int32));
	s->maxpath = 64;
	s->path = palloc(s->maxpath * sizeof(State));
	s->path_serial = palloc(s->maxpath * sizeof(int64));
}

/* The leftmost match starting at or after from; false if none. */
static bool
FindMatch(Search *s, int32 from, int32 *end, int32 *ntrail)
{
	int32		start;

	for (start = from; start < s->subj->n; start++)
		if (MatchAt(s, start, end, ntrail))
			return true;
	return false;
}

/* Evaluates arguments 0-3; false if the result is NULL. */
static bool
Prepare(FunctionCallInfo fcinfo, Search *s, Subject *subj)
{
	const Program *prog;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return false;
	prog = GetProgram(fcinfo);
	MakeSubject(fcinfo, prog, subj);
	SearchInit(s, prog, subj);
	return true;
}

/* pattern_match(j, pattern, labels, within) */
Datum
pattern_match(PG_FUNCTION_ARGS)
{
	Search		s;
	Subject		subj;
	int32		end;
	int32		ntrail;

	if (!Prepare(fcinfo, &s, &subj))
		PG_RETURN_NULL();
	PG_RETURN_BOOL(FindMatch(&s, 0, &end, &ntrail));
}

/* pattern_count(...): non-overlapping matches, leftmost first */
Datum
pattern_count(PG_FUNCTION_ARGS)
{
	Search		s;
	Subject		subj;
	int32		from = 0;
	int32		end;
	int32		ntrail;
	int32		count = 0;

	if (!Prepare(fcinfo, &s, &subj))
		PG_RETURN_NULL();
	while (FindMatch(&s, from, &end, &ntrail))
	{
		count++;
		from = end;
	}
	PG_RETURN_INT32(count);
}

/* pattern_positions(...): positions of the labelled matches of the first match */
Datum
pattern_positions(PG_FUNCTION_ARGS)
{
	Search		s;
	Subject		subj;
	int32		end;
	int32		ntrail;
	Datum	   *elems;
	int32		i;

	if (!Prepare(fcinfo, &s, &subj) || !FindMatch(&s, 0, &end, &ntrail))
		PG_RETURN_NULL();
	elems = palloc(Max(ntrail, 1) * sizeof(Datum));
	for (i = 0; i < ntrail; i++)
		elems[i] = Int32GetDatum(subj.ordinality[s.trail[i]]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, ntrail, INT4OID, 4, true, TYPALIGN_INT));
}

/*
 * j ~> labels: the labels occur in the journey in this order, not
 * necessarily next to each other (an ordered subsequence; a greedy scan
 * finds one if there is one).
 */
PG_FUNCTION_INFO_V1(journey_contains_sequence);

Datum
journey_contains_sequence(PG_FUNCTION_ARGS)
{
	Journey		j;
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			k = 0;
	int32		i;
	int32		want = -1;

	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	JourneyDecode(PG_GETARG_JOURNEY_P(0), &j);
	for (i = 0; i <= j.ntouch && k < n; i++)
	{
		if (want < 0)
		{
			text	   *t;

			if (nulls[k])
				PG_RETURN_NULL();
			t = DatumGetTextPP(elems[k]);
			want = JourneyFindLabel(&j, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			if (want < 0)
				PG_RETURN_BOOL(false);
		}
		if (i < j.ntouch && j.touches[i].label == want)
		{
			k++;
			want = -1;
		}
	}
	PG_RETURN_BOOL(k == n);
}
