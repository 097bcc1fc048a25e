// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - one raw record in, one decoded event out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "decoders/decode.h"
#include "decoders/xlat.h"

const char *mmt_errno_name(long err)
{
	if (err <= 0 || err > 4095)
		return NULL;
	return strerrorname_np((int)err);
}

size_t mmt_decode_mpol_mode(__s32 mode, char *buf, size_t len)
{
	__u32 v = (__u32)mode;
	__u32 flags = v & MMT_MPOL_MODE_FLAGS;
	size_t off = xlat_value(&mpol_modes, v & ~MMT_MPOL_MODE_FLAGS, buf, len);

	if (flags) {
		if (off + 1 < len)
			buf[off] = '|';
		off++;
		off += xlat_flags(&mpol_mode_flags, flags, off < len ? buf + off : NULL,
				  off < len ? len - off : 0);
	}
	return off;
}

size_t mmt_decode_mremap_flags(__u64 flags, char *buf, size_t len)
{
	return xlat_flags(&mremap_flags, flags, buf, len);
}

size_t mmt_decode_ret(enum mmt_ret_kind kind, __s64 ret, char *buf, size_t len,
		      bool *failed)
{
	const char *name;
	int n;

	*failed = ret < 0 && ret >= -4095;
	if (*failed) {
		name = mmt_errno_name(-ret);
		n = snprintf(buf, len, "%lld %s", (long long)ret, name ? name : "E?");
	} else if (kind == MMT_RET_ADDR_OR_ERR) {
		n = snprintf(buf, len, "0x%llx", (unsigned long long)ret);
	} else {
		n = snprintf(buf, len, "%lld", (long long)ret);
	}
	return n > 0 ? (size_t)n : 0;
}

int mmt_mask_next(const struct mmt_mask *m, int from)
{
	if (from < 0)
		from = 0;
	for (int bit = from; bit < m->nbits; bit++) {
		__u64 w = m->words[bit / 64] >> (bit % 64);

		if (!w) {
			bit |= 63; /* rest of this word is empty */
			continue;
		}
		bit += __builtin_ctzll(w);
		return bit < m->nbits ? bit : -1;
	}
	return -1;
}

static int check_mask(const struct mmt_mask *m)
{
	switch (m->state) {
	case MMT_MASK_NONE:
	case MMT_MASK_NULL:
	case MMT_MASK_EMPTY:
	case MMT_MASK_FAULT:
		return m->nbits == 0 ? 0 : -EINVAL;
	case MMT_MASK_READ:
		return m->nbits <= MMT_MASK_MAX_BITS ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static void copy_str(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
	dst[strnlen(dst, n)] = '\0';
}

static void decode_arg(const struct mmt_record *r, const struct mmt_arg_desc *d,
		       __u64 raw, struct mmt_decoded_arg *a)
{
	a->desc = d;
	a->value = (__s64)raw;
	a->is_unsigned = true;
	a->ignored = false;
	a->mask = NULL;
	a->text[0] = '\0';

	switch (d->kind) {
	case MMT_ARG_INT:
		a->value = (__s32)raw;
		a->is_unsigned = false;
		snprintf(a->text, sizeof(a->text), "%d", (__s32)raw);
		break;
	case MMT_ARG_ULONG:
	case MMT_ARG_SIZE:
		snprintf(a->text, sizeof(a->text), "%llu", (unsigned long long)raw);
		break;
	case MMT_ARG_ADDR:
		snprintf(a->text, sizeof(a->text), "0x%llx", (unsigned long long)raw);
		break;
	case MMT_ARG_NODEMASK:
		a->mask = &r->masks[d->mask_slot];
		snprintf(a->text, sizeof(a->text), "0x%llx", (unsigned long long)raw);
		break;
	case MMT_ARG_MREMAP_FLAGS:
		mmt_decode_mremap_flags(raw, a->text, sizeof(a->text));
		break;
	case MMT_ARG_MPOL_MODE:
		a->value = (__s32)raw;
		a->is_unsigned = false;
		mmt_decode_mpol_mode((__s32)raw, a->text, sizeof(a->text));
		break;
	}
}

int mmt_decode(const void *data, size_t len, __u64 boot_to_wall_ns,
	       struct mmt_decoded_event *out)
{
	const struct mmt_record *r = data;
	const struct mmt_event_desc *d;

	if (!data || len != sizeof(*r))
		return -EINVAL;
	d = mmt_event_by_id(r->event);
	if (!d)
		return -EINVAL;
	for (int i = 0; i < MMT_MAX_MASKS; i++)
		if (check_mask(&r->masks[i]))
			return -EINVAL;

	out->rec = r;
	out->desc = d;
	out->timestamp_ns = r->enter_ns + boot_to_wall_ns;
	out->thread_start_ns = r->thread_start_ns + boot_to_wall_ns;
	mmt_decode_ret(d->ret_kind, r->ret, out->ret_text, sizeof(out->ret_text),
		       &out->failed);
	copy_str(out->comm, r->comm, sizeof(r->comm));
	copy_str(out->host, r->host, sizeof(r->host));
	copy_str(out->exe, r->exe, sizeof(r->exe));

	for (int i = 0; i < d->nargs; i++) {
		const struct mmt_arg_desc *ad = &d->args[i];

		if (ad->kind == MMT_ARG_NODEMASK &&
		    (ad->mask_slot < 0 || ad->mask_slot >= MMT_MAX_MASKS))
			return -EINVAL;
		decode_arg(r, ad, r->args[i], &out->args[i]);
	}
	for (int i = 0; i < d->nargs; i++) {
		const struct mmt_arg_desc *ad = &d->args[i];

		if (ad->used_bits && ad->used_if_arg >= 0 &&
		    ad->used_if_arg < MMT_MAX_ARGS &&
		    !(r->args[ad->used_if_arg] & ad->used_bits))
			out->args[i].ignored = true;
	}
	return 0;
}
