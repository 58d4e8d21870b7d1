/*
 * params.h
 *	  Checks of parameters that several functions share (params.c).
 */
#ifndef JOURNEY_PARAMS_H
#define JOURNEY_PARAMS_H

#include "datatype/timestamp.h"

extern int64 IntervalMicros(Interval *iv, const char *what, const char *hint);

#endif							/* JOURNEY_PARAMS_H */
