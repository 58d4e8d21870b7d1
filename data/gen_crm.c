/*-------------------------------------------------------------------------
 *
 * gen_crm.c
 *		Deterministic CRM / web-analytics sample data generator for journey.
 *
 * Writes headerless CSV on stdout for customers 1..N, either the customers
 * table (customer_id,signup_at,segment,country) or the events table
 * (customer_id,device_id,ts,channel,event,value).  Each customer gets a
 * profile (signup, segment, country, devices, activity level, acquisition
 * channel) and then a series of sessions; a session has one channel and one
 * device and walks a small Markov chain over the shopping funnel
 * (page_view / product_view -> add_to_cart -> checkout -> purchase).
 *
 * Everything a customer gets is derived from (SEED, customer_id) alone, so
 * both tables agree and a bigger N yields a superset of a smaller one.  All
 * randomness is integer arithmetic on splitmix64 streams; there is no
 * floating point at all, so no libm or FPU difference (FMA contraction,
 * differently rounded exp/log) can change a single output byte.
 *
 * Usage: gen_crm customers|events N_CUSTOMERS SEED
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_SEC		INT64_C(1000)
#define MS_MIN		(60 * MS_SEC)
#define MS_HOUR		(60 * MS_MIN)
#define MS_DAY		(24 * MS_HOUR)
#define EPOCH_2024	INT64_C(1704067200000)	/* 2024-01-01 00:00 UTC, in ms */
/* pretend the data was exported on 2026-01-01: no session starts later */
#define HORIZON		(EPOCH_2024 + (366 + 365) * MS_DAY)
#define MAX_SESSION_EVENTS 80

#define lengthof(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* Weighted vocabularies; weights are relative integers. */
static const char *const segments[] = {"consumer", "smb", "enterprise"};
static const int segment_w[] = {78, 17, 5};
static const char *const countries[] = {
	"US", "GB", "DE", "FR", "CA", "NL", "ES", "IT", "SE", "AU", "BR", "JP"
};
static const int country_w[] = {30, 12, 12, 9, 7, 6, 6, 5, 4, 4, 3, 2};

enum
{
	CH_SEARCH, CH_EMAIL, CH_SOCIAL, CH_DISPLAY, CH_DIRECT, CH_REFERRAL,
	CH_AFFILIATE
};
static const char *const channels[] = {
	"search", "email", "social", "display", "direct", "referral", "affiliate"
};
static const int channel_w[] = {30, 14, 12, 8, 22, 8, 6};

/* Funnel states double as event codes; EV_END terminates a session. */
enum
{
	EV_PAGE, EV_PRODUCT, EV_CART, EV_CHECKOUT, EV_PURCHASE, EV_END,
	EV_EMAIL_OPEN, EV_EMAIL_CLICK, EV_AD_CLICK, EV_SUPPORT
};
static const char *const events[] = {
	"page_view", "product_view", "add_to_cart", "checkout", "purchase", NULL,
	"email_open", "email_click", "ad_click", "support_ticket"
};

/*
 * Transition weights (per 10000) between funnel states, indexed
 * [from][to] over EV_PAGE..EV_END.  The funnel edges are exactly 30% / 50%
 * / 60% so that the event count ratios match the intended conversion rates;
 * the self loops produce runs of page_views / product_views.
 */
static const int funnel[5][6] = {
	/* page  prod  cart  chk   buy   end */
	{3000, 5000, 0, 0, 0, 2000},	/* after page_view */
	{1200, 3300, 3000, 0, 0, 2500},	/* after product_view */
	{800, 2200, 0, 5000, 0, 2000},	/* after add_to_cart */
	{1000, 0, 0, 0, 6000, 3000},	/* after checkout */
	{2000, 0, 0, 0, 0, 8000},	/* after purchase */
};

/* Satisfaction scores 1..5: mostly happy, with a grumpy minority. */
static const int score_w[] = {10, 8, 14, 30, 38};

typedef struct Rng
{
	uint64_t	s;
} Rng;

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* splitmix64: tiny, fast, and every seed gives a full-period stream */
static uint64_t
next64(Rng *r)
{
	r->s += UINT64_C(0x9e3779b97f4a7c15);
	return mix64(r->s);
}

/*
 * Independent stream per (seed, customer, purpose), so that the customer
 * profile can be re-derived in "events" mode without generating anything
 * else, and no customer's data depends on N.
 */
static void
rng_init(Rng *r, uint64_t seed, uint64_t cid, uint64_t purpose)
{
	r->s = mix64(mix64(seed ^ UINT64_C(0x6a09e667f3bcc909)) ^
				 mix64(cid * 4 + purpose + 1));
}

/* uniform in [0, n); modulo bias is below 2^-28 for every n used here */
static int64_t
below(Rng *r, int64_t n)
{
	return (int64_t) (next64(r) % (uint64_t) n);
}

static bool
chance(Rng *r, int per10k)
{
	return below(r, 10000) < per10k;
}

static int
pick(Rng *r, const int *w, int n)
{
	int			total = 0;
	int			x;

	for (int i = 0; i < n; i++)
		total += w[i];
	x = (int) below(r, total);
	for (int i = 0; i < n; i++)
		if ((x -= w[i]) < 0)
			return i;
	return n - 1;
}

/* sum of k uniforms in [0, n): a discrete bell curve */
static int
bell(Rng *r, int n, int k)
{
	int			s = 0;

	while (k-- > 0)
		s += (int) below(r, n);
	return s;
}

/*
 * Piecewise log-uniform value: bucket b covers [lo*q^b, lo*q^(b+1)) with
 * q = num/den.  Choosing b with bell() gives a log-normal-ish shape using
 * integer arithmetic only.  lo must be large enough that buckets are
 * non-empty.
 */
static int64_t
loggrid(Rng *r, int64_t lo, int num, int den, int b)
{
	int64_t		a = lo;

	while (b-- > 0)
		a = a * num / den;
	return a + below(r, a * num / den - a);
}

/*
 * Pareto(alpha = 1) tail: at least "base", median 2*base, capped.  This is
 * what gives inter-session gaps their weeks-long tail.
 */
static int64_t
pareto(Rng *r, int64_t base, int64_t cap)
{
	int64_t		v = base * 65536 / (below(r, 65536) + 1);

	return v < cap ? v : cap;
}

/* Buffered stdout; printf would dominate the run time at 10M rows. */
static char outbuf[1 << 20];
static size_t outlen;

static void
flush_out(void)
{
	if (outlen > 0 && fwrite(outbuf, 1, outlen, stdout) != outlen)
	{
		fprintf(stderr, "gen_crm: write error: %s\n", strerror(errno));
		exit(1);
	}
	outlen = 0;
}

static void
put_str(const char *s)
{
	size_t		len = strlen(s);

	if (outlen + len > sizeof(outbuf))
		flush_out();
	memcpy(outbuf + outlen, s, len);
	outlen += len;
}

static void
put_int(int64_t v, size_t width)
{
	char		tmp[24];
	size_t		n = 0;

	do
	{
		tmp[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v > 0 || n < width);
	if (outlen + n > sizeof(outbuf))
		flush_out();
	while (n > 0)
		outbuf[outlen++] = tmp[--n];
}

/* "YYYY-MM-DD HH:MM:SS.mmm+00"; all our instants lie in 2024..2026 */
static void
put_ts(int64_t ms)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t		days = (ms - EPOCH_2024) / MS_DAY;
	int64_t		rem = (ms - EPOCH_2024) % MS_DAY;
	int			year = 2024;
	int			mon = 0;

	for (;;)
	{
		int			ylen = (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 366 : 365;

		if (days < ylen)
			break;
		days -= ylen;
		year++;
	}
	for (;; mon++)
	{
		int			mlen = mdays[mon] + (mon == 1 && year % 4 == 0 ? 1 : 0);

		if (days < mlen)
			break;
		days -= mlen;
	}
	put_int(year, 4);
	put_str("-");
	put_int(mon + 1, 2);
	put_str("-");
	put_int(days + 1, 2);
	put_str(" ");
	put_int(rem / MS_HOUR, 2);
	put_str(":");
	put_int(rem / MS_MIN % 60, 2);
	put_str(":");
	put_int(rem / MS_SEC % 60, 2);
	put_str(".");
	put_int(rem % MS_SEC, 3);
	put_str("+00");
}

enum
{
	KIND_BOUNCE, KIND_REGULAR, KIND_HEAVY
};

typedef struct Customer
{
	int64_t		id;
	int64_t		signup;			/* ms since Unix epoch */
	int			segment;
	int			country;
	int			ndevices;
	int			kind;
	int			channel;		/* acquisition channel */
} Customer;

static void
make_customer(Customer *c, uint64_t seed, int64_t id)
{
	static const int ndev_w[] = {50, 35, 15};
	static const int kind_w[] = {70, 920, 10};	/* per mille */
	Rng			r;

	rng_init(&r, seed, (uint64_t) id, 0);
	c->id = id;
	c->signup = EPOCH_2024 + below(&r, 366 * MS_DAY);
	c->segment = pick(&r, segment_w, lengthof(segment_w));
	c->country = pick(&r, country_w, lengthof(country_w));
	c->ndevices = 1 + pick(&r, ndev_w, lengthof(ndev_w));
	c->kind = pick(&r, kind_w, lengthof(kind_w));
	c->channel = pick(&r, channel_w, lengthof(channel_w));
}

/* State of the session being emitted. */
typedef struct Session
{
	const Customer *c;
	Rng		   *r;
	int64_t		t;				/* time of the next event */
	int			channel;
	int			device;
	int			nevents;		/* in this session */
	int64_t		budget;			/* events the customer may still emit */
} Session;

/* value < 0 means NULL; for purchases it is cents, else a plain integer */
static void
emit(Session *s, int ev, int64_t value)
{
	if (s->budget <= 0)
		return;
	s->budget--;
	/* 1 s .. 10 min between clicks, peaking around 20-30 s */
	if (s->nevents++ > 0)
	{
		int64_t		gap = loggrid(s->r, MS_SEC, 3, 2, bell(s->r, 9, 2));

		/* the top bucket reaches 16 min; fold it back under 10 */
		if (gap > 10 * MS_MIN)
			gap = 10 * MS_MIN - below(s->r, 2 * MS_MIN);
		s->t += gap;
	}
	put_int(s->c->id, 1);
	put_str(",d");
	put_int(s->c->id, 1);
	put_str("-");
	put_int(s->device, 1);
	put_str(",");
	put_ts(s->t);
	put_str(",");
	put_str(channels[s->channel]);
	put_str(",");
	put_str(events[ev]);
	put_str(",");
	if (ev == EV_PURCHASE)
	{
		put_int(value / 100, 1);
		put_str(".");
		put_int(value % 100, 2);
	}
	else if (value >= 0)
		put_int(value, 1);
	put_str("\n");
}

/* One visit; returns true if it contained a purchase. */
static bool
run_session(Session *s)
{
	Rng		   *r = s->r;
	int			state = EV_PAGE;
	bool		bought = false;

	/* how the visit starts depends on how the customer got here */
	switch (s->channel)
	{
		case CH_EMAIL:
			emit(s, EV_EMAIL_OPEN, -1);
			if (!chance(r, 4500))
				return false;	/* opened, never clicked */
			emit(s, EV_EMAIL_CLICK, -1);
			break;
		case CH_DISPLAY:
		case CH_SOCIAL:
			if (chance(r, s->channel == CH_DISPLAY ? 7500 : 5000))
				emit(s, EV_AD_CLICK, -1);
			break;
		case CH_SEARCH:
		case CH_AFFILIATE:
			/* deep links straight to a product page are common here */
			if (chance(r, 4000))
				state = EV_PRODUCT;
			break;
	}

	while (state != EV_END && s->nevents < MAX_SESSION_EVENTS)
	{
		int64_t		value = -1;

		if (state == EV_PURCHASE)
		{
			/* revenue $5 .. ~$2000, median ~$60, bigger for businesses */
			int			b = bell(r, 7, 4) - 1 + 2 * s->c->segment;

			value = loggrid(r, 500, 5, 4, b < 0 ? 0 : b);
			if (value > 200000)
				value = 200000;
			bought = true;
		}
		emit(s, state, value);
		state = pick(r, funnel[state], 6);
	}
	return bought;
}

static void
gen_events(const Customer *c, uint64_t seed)
{
	Rng			r;
	Session		s;
	int64_t		nsessions;
	int64_t		base;			/* scale of the gaps between sessions */
	bool		buyer = false;

	rng_init(&r, seed, (uint64_t) c->id, 1);
	s.c = c;
	s.r = &r;
	s.t = c->signup;
	s.budget = INT64_MAX;

	switch (c->kind)
	{
		case KIND_BOUNCE:
			/* signed up and (almost) never came back */
			nsessions = 1;
			s.budget = 1 + below(&r, 3);
			base = MS_HOUR;
			break;
		case KIND_HEAVY:
			nsessions = 25 + below(&r, 100);
			base = loggrid(&r, 20 * MS_MIN, 3, 2, (int) below(&r, 6));
			break;
		default:
			nsessions = 1 + loggrid(&r, 80, 3, 2, bell(&r, 4, 2)) / 100;
			base = loggrid(&r, 2 * MS_HOUR, 3, 2, bell(&r, 6, 2));
			break;
	}

	for (int64_t i = 0; i < nsessions && s.budget > 0; i++)
	{
		if (i > 0)
		{
			/* at least an hour apart, occasionally weeks */
			s.t += MS_HOUR + pareto(&r, base, 60 * MS_DAY);
			if (s.t >= HORIZON)
				break;
		}
		/* first visit comes through the acquisition channel */
		s.channel = (i == 0 || chance(&r, 4000)) ? c->channel :
			pick(&r, channel_w, lengthof(channel_w));
		/* the first device is the customer's main one */
		s.device = (c->ndevices == 1 || chance(&r, 6000)) ? 1 :
			2 + (int) below(&r, c->ndevices - 1);
		s.nevents = 0;
		if (run_session(&s))
			buyer = true;
		/* now and then a visit ends with a ticket, mostly from buyers */
		if (s.nevents > 0 && chance(&r, buyer ? 500 : 100))
			emit(&s, EV_SUPPORT, 1 + pick(&r, score_w, lengthof(score_w)));
	}
}

static int64_t
parse_num(const char *arg, const char *what, uint64_t max)
{
	char	   *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || v > max)
	{
		fprintf(stderr, "gen_crm: invalid %s: \"%s\"\n", what, arg);
		exit(2);
	}
	return (int64_t) v;
}

int
main(int argc, char **argv)
{
	bool		want_events;
	int64_t		n;
	uint64_t	seed;

	if (argc != 4 || (strcmp(argv[1], "customers") != 0 &&
					  strcmp(argv[1], "events") != 0))
	{
		fprintf(stderr, "usage: gen_crm customers|events N_CUSTOMERS SEED\n");
		return 2;
	}
	want_events = strcmp(argv[1], "events") == 0;
	n = parse_num(argv[2], "N_CUSTOMERS", UINT64_C(1) << 40);
	seed = (uint64_t) parse_num(argv[3], "SEED", INT64_MAX);

	for (int64_t id = 1; id <= n; id++)
	{
		Customer	c;

		make_customer(&c, seed, id);
		if (want_events)
			gen_events(&c, seed);
		else
		{
			put_int(id, 1);
			put_str(",");
			put_ts(c.signup);
			put_str(",");
			put_str(segments[c.segment]);
			put_str(",");
			put_str(countries[c.country]);
			put_str("\n");
		}
	}
	flush_out();
	if (fflush(stdout) != 0 || ferror(stdout))
	{
		fprintf(stderr, "gen_crm: write error: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
