// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - one raw record in, one decoded event out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "decoders/decode.h"
#include "decoders/mm_decoders.h"
#include "decoders/numfmt.h"
#include "decoders/xlat.h"

const char *mmt_errno_name(long err)
{
	if (err <= 0 || err > 4095)
		return NULL;
	return strerrorname_np((int)err);
}

const char *mmt_neg_errno_name(__s64 v)
{
	return v < 0 && v >= -4095 ? mmt_errno_name(-v) : NULL;
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

/* Number text into buf[len] (len >= 24 in practice; shorter: cut). */
static size_t put_num(char *buf, size_t len, __s64 v, bool is_signed, bool hex)
{
	char tmp[24];
	size_t n = hex ? fmt_hex(tmp, v) : is_signed ? fmt_s64(tmp, v) : fmt_u64(tmp, v);

	if (len) {
		size_t c = n < len ? n : len - 1;

		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return n;
}

static bool ret_failed(enum mmt_ret_kind kind, __s64 ret)
{
	return kind != MMT_RET_ADDR && ret < 0 && ret >= -4095;
}

size_t mmt_decode_ret(enum mmt_ret_kind kind, __s64 ret, char *buf, size_t len,
		      bool *failed)
{
	const char *name;
	int n;

	*failed = ret_failed(kind, ret);
	if (*failed) {
		name = mmt_neg_errno_name(ret);
		n = snprintf(buf, len, "%lld %s", (long long)ret, name ? name : "E?");
	} else {
		n = put_num(buf, len, ret, true,
			    kind == MMT_RET_ADDR_OR_ERR || kind == MMT_RET_ADDR);
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

bool mmt_masks_differ(const struct mmt_mask *a, const struct mmt_mask *b)
{
	int na = mmt_mask_next(a, 0), nb = mmt_mask_next(b, 0);

	while (na == nb && na >= 0) {
		na = mmt_mask_next(a, na + 1);
		nb = mmt_mask_next(b, nb + 1);
	}
	return na != nb;
}

const char *mmt_kcopy_method_name(unsigned int method)
{
	switch (method) {
	case MMT_KCOPY_REREAD:
		return "entry-exit re-read";
	case MMT_KCOPY_FEXIT:
		return "kernel-copy (fexit get_nodes)";
	case MMT_KCOPY_KPROBE:
		return "kernel-copy (kprobe get_nodes)";
	default:
		return NULL;
	}
}

static bool is_kcopy(unsigned int method)
{
	return method == MMT_KCOPY_FEXIT || method == MMT_KCOPY_KPROBE;
}

/*
 * An input mask's TOCTOU verdict: from the kernel's own copy when a hook
 * took it (proven either way: it is what the call used), else from the
 * re-read at exit (a change seen; equal reads prove nothing).
 */
static void toctou_verdict(const struct mmt_payload_masks *pm, int slot,
			   struct mmt_decoded_arg *a)
{
	const struct mmt_mask *m = &pm->masks[slot], *k = &pm->kmasks[slot];

	a->changed = pm->changed[slot];
	if (is_kcopy(pm->toctou_method) && k->state == MMT_READ_OK) {
		a->kmask = k;
		a->toctou = m->state == MMT_READ_OK && mmt_masks_differ(m, k);
		a->toctou_check = mmt_kcopy_method_name(pm->toctou_method);
		return;
	}
	a->toctou = a->changed;
	if (m->state == MMT_READ_OK && pm->toctou_method != MMT_KCOPY_NONE)
		a->toctou_check = mmt_kcopy_method_name(MMT_KCOPY_REREAD);
}

__s64 mmt_array_elem(const struct mmt_array *a, unsigned int i)
{
	const unsigned char *p = (const unsigned char *)a->data;

	if (a->elem_size == 4) {
		__s32 v;

		memcpy(&v, p + (size_t)i * 4, 4);
		return v;
	} else {
		__s64 v;

		memcpy(&v, p + (size_t)i * 8, 8);
		return v;
	}
}

__u64 mmt_array_ptr(const struct mmt_array *a, unsigned int i)
{
	__s64 v = mmt_array_elem(a, i);

	return a->elem_size == 4 ? (__u32)v : (__u64)v;
}

size_t mmt_record_size(const struct mmt_event_desc *d)
{
	switch (d->payload) {
	case MMT_PAYLOAD_MASKS:
		return sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks);
	case MMT_PAYLOAD_MOVE_PAGES:
		return sizeof(struct mmt_record) + sizeof(struct mmt_payload_move_pages);
	default:
		return sizeof(struct mmt_record);
	}
}

static int check_state(int state)
{
	return state >= MMT_READ_NONE && state <= MMT_READ_FAULT ? 0 : -EINVAL;
}

static int check_array(const struct mmt_array *a)
{
	if (check_state(a->state))
		return -EINVAL;
	if (a->state != MMT_READ_OK)
		return a->count == 0 ? 0 : -EINVAL;
	if (a->elem_size != 4 && a->elem_size != 8)
		return -EINVAL;
	if (a->count > MMT_ARRAY_MAX || (size_t)a->count * a->elem_size > sizeof(a->data))
		return -EINVAL;
	return 0;
}

static int check_mask(const struct mmt_mask *m)
{
	switch (m->state) {
	case MMT_READ_NONE:
	case MMT_READ_NULL:
	case MMT_READ_EMPTY:
	case MMT_READ_FAULT:
		return m->nbits == 0 ? 0 : -EINVAL;
	case MMT_READ_OK:
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

static void decode_arg(const void *payload, const struct mmt_arg_desc *d, __u64 raw,
		       struct mmt_decoded_arg *a)
{
	const struct mmt_payload_masks *pm = payload;
	const struct mmt_payload_move_pages *mp = payload;

	a->desc = d;
	a->value = (__s64)raw;
	a->is_unsigned = true;
	a->ignored = false;
	a->mask = NULL;
	a->changed = false;
	a->kmask = NULL;
	a->toctou = false;
	a->toctou_check = NULL;
	a->array = NULL;
	a->out_state = MMT_READ_NONE;
	a->out_value = 0;
	a->text[0] = '\0';
	a->out_text[0] = '\0';

	switch (d->kind) {
	case MMT_ARG_INT:
	case MMT_ARG_VALUE: /* the kernel takes these as int: the low 32 bits */
	case MMT_ARG_MPOL_MODE:
		a->value = (__s32)raw;
		a->is_unsigned = false;
		break;
	case MMT_ARG_UINT:
		a->value = (__u32)raw;
		break;
	case MMT_ARG_ULONG:
	case MMT_ARG_SIZE:
	case MMT_ARG_ADDR:
	case MMT_ARG_MMAP_FLAGS:
		break; /* all 64 bits, unsigned */
	case MMT_ARG_NODEMASK:
		if (pm) {
			a->mask = &pm->masks[d->payload_slot];
			if (!d->at_exit)
				toctou_verdict(pm, d->payload_slot, a);
		}
		break;
	case MMT_ARG_ARRAY:
		if (mp)
			a->array = d->payload_slot == 0 ? &mp->pages :
				   d->payload_slot == 1 ? &mp->nodes : &mp->status;
		break;
	case MMT_ARG_OUT_MODE:
		if (!pm)
			break;
		a->out_state = pm->out_int_state;
		a->out_value = pm->out_int;
		break;
	case MMT_ARG_FLAGS:
		if (d->int32) { /* the upper half never reaches the kernel */
			raw = (__u32)raw;
			a->is_unsigned = !strncmp(d->type, "unsigned", 8);
			a->value = a->is_unsigned ? (__s64)raw : (__s32)raw;
		}
		break;
	}
}

/* The text of an argument decode_arg() filled: for people and
 * --parse-arguments; raw JSON prints the values only. */
static void arg_text(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		     struct mmt_decoded_arg *a)
{
	switch (d->kind) {
	case MMT_ARG_INT:
		put_num(a->text, sizeof(a->text), (__s32)raw, true, false);
		break;
	case MMT_ARG_UINT:
		put_num(a->text, sizeof(a->text), (__u32)raw, false, false);
		break;
	case MMT_ARG_ULONG:
	case MMT_ARG_SIZE:
		put_num(a->text, sizeof(a->text), raw, false, false);
		break;
	case MMT_ARG_ADDR:
	case MMT_ARG_NODEMASK:
	case MMT_ARG_ARRAY:
		put_num(a->text, sizeof(a->text), raw, false, true);
		break;
	case MMT_ARG_OUT_MODE:
		put_num(a->text, sizeof(a->text), raw, false, true);
		if (a->out_state != MMT_READ_OK)
			break;
		if (d->node_bits && (r->args[d->node_if_arg] & d->node_bits))
			snprintf(a->out_text, sizeof(a->out_text), "%d", a->out_value);
		else
			mmt_decode_mpol_mode(a->out_value, a->out_text, sizeof(a->out_text));
		break;
	case MMT_ARG_FLAGS:
		/* int flags: the upper half never reaches the kernel */
		xlat_flags(d->xlat, d->int32 ? (__u32)raw : raw, a->text, sizeof(a->text));
		break;
	case MMT_ARG_VALUE:
		xlat_value(d->xlat, (__u32)raw, a->text, sizeof(a->text));
		break;
	case MMT_ARG_MMAP_FLAGS:
		mmt_decode_mmap_flags(raw, a->text, sizeof(a->text));
		break;
	case MMT_ARG_MPOL_MODE:
		mmt_decode_mpol_mode((__s32)raw, a->text, sizeof(a->text));
		break;
	}
}

static int decode(const void *data, size_t len, __u64 boot_to_wall_ns,
		  struct mmt_decoded_event *out, bool text)
{
	const struct mmt_record *r = data;
	const struct mmt_event_desc *d;
	const void *payload = NULL;

	if (!data || len < sizeof(*r))
		return -EINVAL;
	d = mmt_event_by_id(r->event);
	if (!d || len != mmt_record_size(d) || r->payload != d->payload)
		return -EINVAL;
	if (d->payload == MMT_PAYLOAD_MASKS) {
		const struct mmt_payload_masks *pm = payload = r + 1;

		for (int i = 0; i < MMT_MAX_MASKS; i++)
			if (check_mask(&pm->masks[i]) || check_mask(&pm->kmasks[i]) ||
			    (pm->kmasks[i].state != MMT_READ_NONE && !is_kcopy(pm->toctou_method)))
				return -EINVAL;
		if (check_state(pm->out_int_state) || pm->changed[0] > 1 || pm->changed[1] > 1 ||
		    pm->toctou_method >= MMT_KCOPY_METHOD_COUNT)
			return -EINVAL;
	} else if (d->payload == MMT_PAYLOAD_MOVE_PAGES) {
		const struct mmt_payload_move_pages *mp = payload = r + 1;

		if (check_array(&mp->pages) || check_array(&mp->nodes) ||
		    check_array(&mp->status))
			return -EINVAL;
	}

	out->rec = r;
	out->desc = d;
	out->timestamp_ns = r->enter_ns + boot_to_wall_ns;
	out->thread_start_ns = r->thread_start_ns + boot_to_wall_ns;
	out->compat = r->flags & MMT_REC_COMPAT;
	out->container = NULL;
	out->context_id = 0;
	out->failed = ret_failed(d->ret_kind, r->ret);
	out->ret_text[0] = '\0';
	if (text)
		mmt_decode_ret(d->ret_kind, r->ret, out->ret_text, sizeof(out->ret_text),
			       &out->failed);
	out->comm = r->comm;
	out->host = r->host;
	out->exe = r->exe;

	for (int i = 0; i < d->nargs; i++) {
		const struct mmt_arg_desc *ad = &d->args[i];

		if ((ad->kind == MMT_ARG_NODEMASK &&
		     (ad->payload_slot < 0 || ad->payload_slot >= MMT_MAX_MASKS)) ||
		    (ad->kind == MMT_ARG_ARRAY && (ad->payload_slot < 0 || ad->payload_slot > 2)))
			return -EINVAL;
		decode_arg(payload, ad, r->args[i], &out->args[i]);
		if (text)
			arg_text(r, ad, r->args[i], &out->args[i]);
		if (ad->used_bits && ad->used_if_arg >= 0 && ad->used_if_arg < MMT_MAX_ARGS &&
		    !(r->args[ad->used_if_arg] & ad->used_bits))
			out->args[i].ignored = true;
	}

	/* the process a pid argument names: itself when pid is 0 */
	out->has_target = false;
	if (d->has_target && (__s32)r->args[0] == 0) {
		out->has_target = true;
		out->target_host_pid = r->host_pid;
		out->target_uid = r->uid;
		copy_str(out->target_comm, r->comm, sizeof(r->comm));
	} else if (d->has_target && (r->flags & MMT_REC_TARGET)) {
		out->has_target = true;
		out->target_host_pid = r->target_host_pid;
		out->target_uid = r->target_uid;
		copy_str(out->target_comm, r->target_comm, sizeof(r->target_comm));
	}
	out->target_other_process = out->has_target && out->target_host_pid != r->host_pid;
	out->target_other_user = out->has_target && out->target_uid != r->uid;
	return 0;
}

int mmt_decode(const void *data, size_t len, __u64 boot_to_wall_ns,
	       struct mmt_decoded_event *out)
{
	return decode(data, len, boot_to_wall_ns, out, true);
}

int mmt_decode_values(const void *data, size_t len, __u64 boot_to_wall_ns,
		      struct mmt_decoded_event *out)
{
	return decode(data, len, boot_to_wall_ns, out, false);
}
