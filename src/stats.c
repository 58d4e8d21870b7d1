/*
 * stats.c
 *	  Tests of a 2x2 table of journeys, for conversion drivers: Fisher's
 *	  exact test where an expected count is below 5 (Cochran's rule), else
 *	  Pearson's chi-square with one degree of freedom and no continuity
 *	  correction (R's chisq.test(correct = FALSE)); the sample odds ratio
 *	  with Woolf's interval; and Benjamini-Hochberg adjusted p-values.
 *
 * Fisher's test sums the hypergeometric probabilities of the tables with
 * the same margins that are no more likely than the one observed (R's
 * fisher.test, with its relative tolerance of 1e-7).  The probabilities
 * are walked from the mode by the ratio of neighbours, in logarithms,
 * rather than taken from gsl_ran_hypergeometric_pdf, whose counts are
 * unsigned int: journeys are counted in int64, and a summary rolled up
 * over a cluster can hold more than 2^32 of them.
 */
#include "postgres.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "miscadmin.h"
#include "stats.h"

/* beyond this many e-folds below both the mode and the observed table, a tail adds nothing */
#define FISHER_NEGLIGIBLE	45.0
#define FISHER_TOLERANCE	1e-7
/*
 * Where the observed table is this many e-folds below the mode, so is
 * every table counted with it: their sum, over at most 2^63 tables, is
 * below the least positive double.  The walk there is short, since the
 * test is Fisher's only when an expected count is below 5, which bounds
 * the variance of every cell by about 5.
 */
#define FISHER_UNDERFLOW	800.0

/*
 * Two-sided Fisher's exact p-value of a table with first row r1 = a + b,
 * first column c1 = a + c and total n.  With k the top left cell, the
 * hypergeometric probabilities have the ratio
 * P(k + 1) / P(k) = (r1 - k)(c1 - k) / ((k + 1)(n - r1 - c1 + k + 1)).
 */
static double
FisherExact(int64 a, int64 r1, int64 c1, int64 n)
{
	int64		lo = Max(0, r1 + c1 - n);
	int64		hi = Min(r1, c1);
	int64		mode = (int64) (((int128) (r1 + 1) * (c1 + 1)) / (n + 2));
	double		lobs = 0;
	double		total = 0;
	double		tail = 0;
	double		lw;
	double		floor;
	int64		k;
	int			side;

	mode = Max(lo, Min(hi, mode));
	/* the observed table's log probability relative to the mode's */
	for (k = mode, lw = 0; k < a && lw > -FISHER_UNDERFLOW; k++)
		lw += log((double) (r1 - k) * (double) (c1 - k)) -
			log((double) (k + 1) * (double) (n - r1 - c1 + k + 1));
	for (k = mode; k > a && lw > -FISHER_UNDERFLOW; k--)
		lw += log((double) k * (double) (n - r1 - c1 + k)) -
			log((double) (r1 - k + 1) * (double) (c1 - k + 1));
	if (lw <= -FISHER_UNDERFLOW)
		return 0;			/* every table as unlikely is below the least double */
	lobs = lw;
	floor = Min(lobs, 0.0) - FISHER_NEGLIGIBLE;
	for (side = 0; side < 2; side++)
	{
		lw = 0;
		for (k = side == 0 ? mode : mode - 1; k >= lo && k <= hi; k += side == 0 ? 1 : -1)
		{
			double		w;

			if (side == 1 || k > mode)
			{
				/* lw is the log probability of k's neighbour towards the mode */
				if (side == 0)
					lw += log((double) (r1 - k + 1) * (double) (c1 - k + 1)) -
						log((double) k * (double) (n - r1 - c1 + k));
				else
					lw += log((double) (k + 1) * (double) (n - r1 - c1 + k + 1)) -
						log((double) (r1 - k) * (double) (c1 - k));
			}
			if (lw < floor)
				break;
			w = exp(lw);
			total += w;
			if (lw <= lobs + log1p(FISHER_TOLERANCE))
				tail += w;
			if ((k & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	return Min(1.0, tail / total);
}

/*
 * The test of table t, and its odds ratio with the interval of z standard
 * errors.  The odds ratio (a d) / (b c) takes 0.5 more in every cell when
 * a cell is 0 (Haldane and Anscombe), and is absent when a margin is 0:
 * then nothing is compared, and the p-value is 1.
 */
void
TestTwoByTwo(const TwoByTwo *t, double z, TwoByTwoTest *r)
{
	int64		r1 = t->a + t->b;
	int64		r2 = t->c + t->d;
	int64		c1 = t->a + t->c;
	int64		c2 = t->b + t->d;
	int64		n = r1 + r2;
	double		min_expected = (double) Min(r1, r2) * (double) Min(c1, c2) / (double) Max(n, 1);

	memset(r, 0, sizeof(*r));
	r->has_odds = r1 > 0 && r2 > 0 && c1 > 0 && c2 > 0;
	r->exact = min_expected < 5;
	if (!r->has_odds)
		r->p_value = 1;
	else if (r->exact)
		r->p_value = FisherExact(t->a, r1, c1, n);
	else
	{
		double		diff = (double) ((int128) t->a * t->d - (int128) t->b * t->c);
		double		chi2 = (double) n * diff / ((double) r1 * (double) r2) * diff /
			((double) c1 * (double) c2);

		r->p_value = gsl_cdf_chisq_Q(chi2, 1.0);
	}
	if (r->has_odds)
	{
		double		half = (t->a == 0 || t->b == 0 || t->c == 0 || t->d == 0) ? 0.5 : 0;
		double		a = t->a + half;
		double		b = t->b + half;
		double		c = t->c + half;
		double		d = t->d + half;
		double		log_odds = log(a) + log(d) - log(b) - log(c);
		double		se = sqrt(1 / a + 1 / b + 1 / c + 1 / d);

		r->odds_ratio = exp(log_odds);
		r->odds_low = exp(log_odds - z * se);
		r->odds_high = exp(log_odds + z * se);
	}
}

/*
 * Benjamini-Hochberg: the i-th smallest of n p-values (p is in ascending
 * order) becomes the least of min(1, p(j) n / j) over j >= i, which bounds
 * the expected share of false discoveries among the rows at or below a
 * threshold.
 */
void
AdjustBenjaminiHochberg(const double *p, int32 n, double *adjusted)
{
	double		least = 1;
	int32		i;

	for (i = n - 1; i >= 0; i--)
	{
		least = Min(least, p[i] * n / (i + 1));
		adjusted[i] = least;
	}
}
