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

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	gsl_set_error_handler_off();
}
