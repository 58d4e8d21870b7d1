/*
 * periods.h
 *	  Calendar periods in UTC, numbered from 2000-01-01 (retention.c):
 *	  param is a length in seconds if positive, in months if negative.
 *	  Cohort retention and funnel trends count by them.
 */
#ifndef JOURNEY_PERIODS_H
#define JOURNEY_PERIODS_H

#include "datatype/timestamp.h"
#include "fmgr.h"

#include "counts.h"

extern int64 CohortPeriod(TimestampTz ts, int32 param);
extern TimestampTz CohortStart(int64 period, int32 param);
extern text *CohortLabel(TimestampTz start, int32 param);
extern bool CountsLabelNumber(const Counts *c, int32 label, int64 *n);

#endif							/* JOURNEY_PERIODS_H */
