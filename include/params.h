/*
 * params.h
 *	  Checks of parameters that several functions share (params.c).
 */
#ifndef JOURNEY_PARAMS_H
#define JOURNEY_PARAMS_H

#include "fmgr.h"
#include "datatype/timestamp.h"
#include "utils/array.h"

extern int64 IntervalMicros(Interval *iv, const char *what, const char *hint);
extern int32 IntervalWholeSeconds(Interval *iv, const char *what,
								  const char *error);
extern void DurationColumns(Datum *values, bool *nulls, int col, int64 us);
extern Datum SecondsBetween(TimestampTz from, TimestampTz to);
extern Datum *TextElements(ArrayType *array, const char *what, int *n);
extern int	CompareTextDatums(const void *a, const void *b);

#endif							/* JOURNEY_PARAMS_H */
