/*
 * conversions.h
 *	  Conversion paths (conversions.c): the two forms in which Markov and
 *	  Shapley models take what converts (S14), and a journey's paths before
 *	  each conversion.
 */
#ifndef JOURNEY_CONVERSIONS_H
#define JOURNEY_CONVERSIONS_H

#include "counts.h"
#include "journey.h"

/* What a model counts for one conversion path of a journey. */
typedef void (*PathCounter) (CountsBuilder *b, const int32 *path, int32 n,
							 int32 outcome, int128 value);

/*
 * What a conversion path model needs besides the journey: whether it
 * converted and the value (one conversion at the end), or which labels are
 * conversions; and its counter.
 */
typedef struct ConversionInput
{
	bool		converted;
	double		value;
	ArrayType  *conversions;	/* NULL: converted/value */
	PathCounter count;
} ConversionInput;

extern bool CountConversionPaths(CountsBuilder *b, const Journey *j,
								 int32 *journey_path, int32 journey_n,
								 const void *arg);
extern Datum ConversionPathsTransition(FunctionCallInfo fcinfo,
									   const CountsSpec *spec, bool flag_form,
									   PathCounter count);

#endif							/* JOURNEY_CONVERSIONS_H */
