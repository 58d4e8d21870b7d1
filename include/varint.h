/*
 * varint.h
 *	  Unsigned LEB128 integers and little-endian float8s, the building
 *	  blocks of every stored summary (see journey.h, identity.h), and the
 *	  version and flags bytes they all start with.  Readers are bounds
 *	  checked so that a damaged value gives an error, never a wild read.
 */
#ifndef JOURNEY_VARINT_H
#define JOURNEY_VARINT_H

#include "port/pg_bitutils.h"

#define VARINT_MAX_BYTES 10

/* Bytes before the varint stream of every stored summary: version, flags. */
#define STORED_HEADER_BYTES 2

extern void ReportCorrupt(const char *what) pg_attribute_noreturn();
extern void StoredOpen(struct varlena *stored, int version,
					   const char *type_name, const uint8 **p,
					   const uint8 **end);

/* one byte per 7 significant bits; the encoders size every value first */
static inline int
VarintSize(uint64 v)
{
	return 1 + pg_leftmost_one_pos64(v | 1) / 7;
}

static inline uint8 *
VarintWrite(uint8 *p, uint64 v)
{
	while (v >= 0x80)
	{
		*p++ = (uint8) (v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8) v;
	return p;
}

static inline uint64
VarintRead(const uint8 **pp, const uint8 *end)
{
	const uint8 *p = *pp;
	uint64		v = 0;
	int			shift = 0;

	/* most values of most summaries are small */
	if (likely(p < end && *p < 0x80))
	{
		*pp = p + 1;
		return *p;
	}
#ifndef WORDS_BIGENDIAN

	/*
	 * Up to 8 bytes (56 bits: time gaps, say) read as one word: the first
	 * byte without its high bit ends the value, and three steps close up
	 * the 7-bit groups, with no loop and no branch per byte.
	 */
	if (likely(end - p >= 8))
	{
		uint64		word;
		uint64		stops;

		memcpy(&word, p, sizeof(word));
		stops = ~word & UINT64CONST(0x8080808080808080);
		if (likely(stops != 0))
		{
			int			nbytes = pg_rightmost_one_pos64(stops) / 8 + 1;

			v = word & (~UINT64CONST(0) >> (64 - 8 * nbytes)) &
				UINT64CONST(0x7f7f7f7f7f7f7f7f);
			v = (v & UINT64CONST(0x007f007f007f007f)) |
				((v & UINT64CONST(0x7f007f007f007f00)) >> 1);
			v = (v & UINT64CONST(0x00003fff00003fff)) |
				((v & UINT64CONST(0x3fff00003fff0000)) >> 2);
			v = (v & UINT64CONST(0x000000000fffffff)) |
				((v & UINT64CONST(0x0fffffff00000000)) >> 4);
			*pp = p + nbytes;
			return v;
		}
	}
#endif
	for (;;)
	{
		uint8		byte;

		if (p >= end)
			ReportCorrupt("truncated integer");
		byte = *p++;
		v |= (uint64) (byte & 0x7f) << shift;
		if ((byte & 0x80) == 0)
		{
			/* the tenth byte holds the 64th bit only */
			if (shift == 63 && byte > 1)
				ReportCorrupt("integer overflow");
			break;
		}
		shift += 7;
		if (shift > 63)
			ReportCorrupt("integer overflow");
	}
	*pp = p;
	return v;
}

/* Signed integers are zigzag-mapped so that small magnitudes stay short. */
static inline uint64
ZigzagEncode(int64 v)
{
	return ((uint64) v << 1) ^ (uint64) (v >> 63);
}

static inline int64
ZigzagDecode(uint64 v)
{
	return (int64) (v >> 1) ^ -(int64) (v & 1);
}

static inline uint8 *
Float8Write(uint8 *p, double value)
{
	uint64		bits;
	int			i;

	memcpy(&bits, &value, sizeof(bits));
	for (i = 0; i < 8; i++)
		*p++ = (uint8) (bits >> (8 * i));
	return p;
}

static inline double
Float8Read(const uint8 **pp, const uint8 *end)
{
	const uint8 *p = *pp;
	uint64		bits = 0;
	double		value;
	int			i;

	if (end - p < 8)
		ReportCorrupt("truncated value");
	for (i = 0; i < 8; i++)
		bits |= (uint64) p[i] << (8 * i);
	memcpy(&value, &bits, sizeof(value));
	*pp = p + 8;
	return value;
}

#endif							/* JOURNEY_VARINT_H */
