// SPDX-License-Identifier: GPL-2.0
/*
 * entity.c - task entity ids: MurmurHash3 (x86, 32-bit) of a host id and a
 * start time.
 */
#include "context/entity.h"

static __u32 rotl32(__u32 x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static __u32 mix_k(__u32 k)
{
	k *= 0xcc9e2d51U;
	k = rotl32(k, 15);
	return k * 0x1b873593U;
}

__u32 mmt_murmur3_32(const void *key, size_t len, __u32 seed)
{
	const unsigned char *p = key;
	size_t nblocks = len / 4;
	__u32 h = seed, k = 0;

	for (size_t i = 0; i < nblocks; i++, p += 4) {
		k = (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 | (__u32)p[3] << 24;
		h ^= mix_k(k);
		h = rotl32(h, 13);
		h = h * 5 + 0xe6546b64U;
	}
	k = 0;
	switch (len & 3) {
	case 3:
		k ^= (__u32)p[2] << 16;
		/* fall through */
	case 2:
		k ^= (__u32)p[1] << 8;
		/* fall through */
	case 1:
		k ^= p[0];
		h ^= mix_k(k);
	}
	h ^= (__u32)len;
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h;
}

__u32 mmt_entity_id(__u32 host_id, __u64 start_wall_ns)
{
	const __u64 step = 100000000ULL; /* 100 ms: 10 ticks of USER_HZ 100 */
	__u64 t = start_wall_ns / step * step;
	unsigned char buf[12];

	for (int i = 0; i < 4; i++)
		buf[i] = (unsigned char)(host_id >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		buf[4 + i] = (unsigned char)(t >> (56 - 8 * i));
	return mmt_murmur3_32(buf, sizeof(buf), MMT_ENTITY_SEED);
}
