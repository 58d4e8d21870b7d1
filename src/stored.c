/*
 * stored.c
 *	  What every stored summary shares: the version and flags bytes at its
 *	  start, and the error for a damaged value (see varint.h).
 */
#include "postgres.h"

#include "varint.h"

void
ReportCorrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("stored value is corrupt: %s", what)));
}

/*
 * Checks the version and flags of a stored value of type_name and returns
 * its varint stream in [*p, *end).  Version 1 of every type has no flags.
 */
void
StoredOpen(struct varlena *stored, int version, const char *type_name,
		   const uint8 **p, const uint8 **end)
{
	const uint8 *data = (const uint8 *) VARDATA_ANY(stored);

	*end = data + VARSIZE_ANY_EXHDR(stored);
	if (*end - data < STORED_HEADER_BYTES)
		ReportCorrupt("truncated header");
	if (data[0] != version)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s format version %d is not supported",
						type_name, data[0]),
				 errdetail("This build reads format version %d.", version),
				 errhint("Install the version of the extension that wrote the value.")));
	if (data[1] != 0)
		ReportCorrupt("unknown flags");
	*p = data + STORED_HEADER_BYTES;
}
