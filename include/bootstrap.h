/*
 * bootstrap.h
 *	  Bootstrap confidence intervals (bootstrap.c): the checks, generator and
 *	  percentile intervals every bootstrap shares.
 */
#ifndef JOURNEY_BOOTSTRAP_H
#define JOURNEY_BOOTSTRAP_H

#include <gsl/gsl_rng.h>

#include "counts.h"

extern void CheckSamples(int32 samples);
extern void CheckBootstrap(int32 samples, double confidence);
extern gsl_rng *BootstrapRng(int64 seed);
extern void PercentileRange(double *d, int32 n, double confidence,
							double *lo, double *hi);
extern void EmitShareIntervals(ReturnSetInfo *rsinfo, const Counts *c,
							   const double *share, double *draws,
							   int32 samples, double confidence);

#endif							/* JOURNEY_BOOTSTRAP_H */
