/*
 * stats.h
 *	  Tests of a 2x2 table of journeys (stats.c): with or without a driver,
 *	  converted or not; and the Benjamini-Hochberg adjustment of a family
 *	  of p-values.
 */
#ifndef JOURNEY_STATS_H
#define JOURNEY_STATS_H

#include "postgres.h"

/*
 * The table: with the driver and converted (a), with it and not (b),
 * without it and converted (c), without it and not (d).
 */
typedef struct TwoByTwo
{
	int64		a;
	int64		b;
	int64		c;
	int64		d;
} TwoByTwo;

typedef struct TwoByTwoTest
{
	double		p_value;		/* two-sided */
	bool		exact;			/* Fisher's exact test, else Pearson's chi-square */
	bool		has_odds;		/* false when a margin is 0 */
	double		odds_ratio;
	double		odds_low;		/* Woolf's confidence interval */
	double		odds_high;
} TwoByTwoTest;

extern void TestTwoByTwo(const TwoByTwo *t, double z, TwoByTwoTest *r);
extern void AdjustBenjaminiHochberg(const double *p_ascending, int32 n,
									double *adjusted);

#endif							/* JOURNEY_STATS_H */
