/*
 * identity.h
 *	  The identity_graph type: identifiers (cookies, devices, logins, CRM
 *	  ids) and the links between them, the input of identity stitching
 *	  (DESIGN.md S9).  This header is the only code that knows its layout.
 *
 * Stored layout (a varlena, alignment 'int4', storage 'extended'):
 *
 *	 varlena header	 1 or 4 bytes
 *	 version		 1 byte, IDENTITY_FORMAT_VERSION
 *	 flags			 1 byte, 0 in version 1
 *	 nids			 varint, number of identifiers
 *	 nlinks			 varint, number of links
 *	 ids			 nids x (varint byte length, bytes), strictly ascending
 *					 bytewise
 *	 links			 nlinks x (varint a - previous a, varint b - a - 1): pairs
 *					 of identifier indexes with a < b, strictly ascending
 *
 * Varints as in journey.h.  Identifiers without links are kept (an
 * identifier seen alone is still a person).  The encoding is canonical.
 */
#ifndef JOURNEY_IDENTITY_H
#define JOURNEY_IDENTITY_H

#include "fmgr.h"

#define IDENTITY_FORMAT_VERSION		1

#define IDENTITY_MAX_IDS			20000000
#define IDENTITY_MAX_LINKS			50000000
#define IDENTITY_MAX_ID_BYTES		1024

typedef struct IdentityLink
{
	int32		a;
	int32		b;
} IdentityLink;

/* A decoded graph; identifiers point into the stored value. */
typedef struct IdentityGraph
{
	int32		nids;
	int32		nlinks;
	const char **ids;			/* sorted bytewise */
	int32	   *id_lens;
	IdentityLink *links;		/* a < b, sorted */
} IdentityGraph;

extern void IdentityDecode(struct varlena *stored, IdentityGraph *g);

#endif							/* JOURNEY_IDENTITY_H */
