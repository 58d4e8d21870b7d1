/*
 * attribution.h
 *	  Heuristic attribution of one journey (attribution.c), shared by
 *	  journey_attribution, which emits a row per credited touchpoint, and
 *	  the attribution_counts summary, which adds the credits up per label
 *	  (attrcounts.c).
 *
 * Stored form of an attribution_counts value: a path_counts value
 * (counts.h, COUNTS_FORMAT_VERSION in its first byte) of kind
 * COUNTS_ATTRIBUTION, with
 *
 *	 param			 the model, an AttributionModel (0 first_touch .. 5
 *					 time_decay)
 *	 anchor			 the other arguments as text, compared to combine:
 *					 form=conversions|converted;conversions=len:label...|-;
 *					 lookback=us;since_previous=0|1;skip=len:label...|-;
 *					 weights=%.17g,%.17g,%.17g;half_life=us (label sets
 *					 sorted bytewise, distinct, NULLs left out)
 *	 total			 the conversions credited
 *	 keys			 one label each, per label at position 0 the conversions
 *					 that credited it, 1 its credited touchpoints, 2 and 3
 *					 its credit's whole units and fraction (below 2^40) in
 *					 units of 2^-40, 4 and 5 the same of a positive value
 *					 credit, 6 and 7 of a negative one; a key of count 0 is
 *					 not stored
 *
 * Every label stored has touchpoints, from one to its touchpoints
 * conversions, at most the total, and at most one credit per conversion
 * (give or take each touchpoint's rounding); CountsDecode checks this.
 */
#ifndef JOURNEY_ATTRIBUTION_H
#define JOURNEY_ATTRIBUTION_H

#include "fmgr.h"
#include "datatype/timestamp.h"
#include "utils/array.h"

#include "journey.h"

typedef enum AttributionModel
{
	MODEL_FIRST,
	MODEL_LAST,
	MODEL_LAST_NON_DIRECT,
	MODEL_LINEAR,
	MODEL_POSITION,
	MODEL_TIME_DECAY
} AttributionModel;

/* What journey_attribution's arguments from model to half_life say */
typedef struct AttributionOptions
{
	AttributionModel model;
	ArrayType  *conversions;	/* NULL: one conversion at the end (converted) */
	ArrayType  *skip;			/* last_non_direct's labels to pass over, or NULL */
	int64		lookback;		/* 0: none */
	bool		since_previous;
	double		weights[3];		/* position_based: first, middle, last */
	int64		half_life;
} AttributionOptions;

/* journey_attribution's argument positions from model on */
#define ATTR_ARG_MODEL			0
#define ATTR_ARG_CONVERSIONS	1
#define ATTR_ARG_CONVERTED		2
#define ATTR_ARG_VALUE			3
#define ATTR_ARG_LOOKBACK		4
#define ATTR_ARG_SINCE_PREVIOUS	5
#define ATTR_ARG_SKIP			6
#define ATTR_ARG_WEIGHTS		7
#define ATTR_ARG_HALF_LIFE		8
#define ATTR_NARGS				9

extern const char *const AttributionModelNames[];

/*
 * Checks and reads args[0 .. ATTR_NARGS) (model .. half_life, NULL as
 * journey_attribution takes it); converted and conversion_value are the
 * caller's, and so is AttributionCheckForm unless check_form.
 */
extern void AttributionParse(const NullableDatum *args, bool check_form,
							 AttributionOptions *o);
extern void AttributionCheckForm(bool has_conversions, bool has_converted);

/*
 * Called once per conversion that has touchpoints to credit: idx[0 .. n)
 * are their indexes in j, credit[0 .. n) their credits, adding up to 1;
 * value is the conversion's value (0 when it has none).
 */
typedef void (*AttributionEmit) (void *arg, const Journey *j, int32 conv_no,
								 TimestampTz conv_ts, double value,
								 const int32 *idx, int32 n, const double *credit);

/* Credits each conversion of j; converted and value are the converted form's */
extern void AttributionWalk(const Journey *j, const AttributionOptions *o,
							bool converted, double value,
							AttributionEmit emit, void *arg);

#endif							/* JOURNEY_ATTRIBUTION_H */
