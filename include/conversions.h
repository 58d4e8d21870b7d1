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

/*
 * What a conversion path model needs besides the journey: whether it
 * converted and the value (one conversion at the end), or which labels are
 * conversions.
 */
typedef struct ConversionInput
{
	bool		converted;
	double		value;
	ArrayType  *conversions;	/* NULL: converted/value */
} ConversionInput;

/* What is counted for one conversion path of a journey. */
typedef void (*PathCounter) (CountsBuilder *b, const int32 *path, int32 n,
							 int32 outcome, int128 value);

extern void ForEachConversionPath(CountsBuilder *b, const Journey *j,
								  const ConversionInput *ci, PathCounter count);
extern Datum ConversionPathsTransition(FunctionCallInfo fcinfo,
									   const CountsSpec *spec, bool flag_form);

#endif							/* JOURNEY_CONVERSIONS_H */
