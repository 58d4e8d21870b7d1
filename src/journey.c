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
#include "utils/lsyscache.h"

#include "journey.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	gsl_set_error_handler_off();
}

/*
 * Starts a materialized set-returning result whose rows have these column
 * types (InvalidOid: one of the extension's own types), refusing a row
 * type declared otherwise: between installing a new library and ALTER
 * EXTENSION UPDATE, the SQL declarations are older than the C code, and
 * filling a column of another type would read a number as a pointer.
 * Functions called once per row (journey_unnest, journey_sessions, ...)
 * take the row type the executor already knows: looking it up in the
 * catalog on every call leaks a little per-query memory each time,
 * hundreds of megabytes over ten million calls.
 */
void
JourneyInitRows(FunctionCallInfo fcinfo, const Oid *types, int ncolumns)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	desc;
	int			i;

	if (rsinfo != NULL && IsA(rsinfo, ReturnSetInfo) &&
		rsinfo->expectedDesc != NULL)
		InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	else
		InitMaterializedSRF(fcinfo, 0);
	desc = rsinfo->setDesc;
	for (i = 0; i < desc->natts; i++)
		if (i >= ncolumns || TupleDescAttr(desc, i)->attisdropped ||
			(types[i] != InvalidOid && TupleDescAttr(desc, i)->atttypid != types[i]))
			break;
	if (i < desc->natts || desc->natts != ncolumns)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s is declared with other result columns than the journey library returns",
						get_func_name(fcinfo->flinfo->fn_oid)),
				 errhint("Run ALTER EXTENSION journey UPDATE: the installed library is newer than the extension's SQL objects.")));
}
