/*
 * journey.c
 *	  Module entry point of the journey extension.
 *
 * GSL's default error handler calls abort(), which would take the whole
 * server down; it is switched off when the library loads, and every GSL
 * call checks its status and reports through ereport instead.
 */
#include "postgres.h"

#include <gsl/gsl_errno.h>

#include "fmgr.h"
#include "funcapi.h"

#include "journey.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	gsl_set_error_handler_off();
}

/*
 * Start a materialized set-returning result.  Functions called once per row
 * (journey_unnest, journey_sessions, ...) take the row type the executor
 * already knows: looking it up in the catalog on every call leaks a little
 * per-query memory each time, hundreds of megabytes over ten million calls.
 */
void
JourneyInitRowsResult(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	if (rsinfo != NULL && IsA(rsinfo, ReturnSetInfo) &&
		rsinfo->expectedDesc != NULL)
		InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	else
		InitMaterializedSRF(fcinfo, 0);
}
