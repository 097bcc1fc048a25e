// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - one raw record in, one decoded event out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "decoders/argctx.h"
#include "decoders/argkinds.h"
#include "decoders/decode.h"
#include "text/numfmt.h"

/* The register as the argument's C type holds it (the value the kernel
 * uses: the low half for a 32-bit type), which fits its Tracee type. */
static void fit_type(const struct mmt_arg_desc *d, __u64 raw, struct mmt_decoded_arg *a)
{
	enum mmt_tracee_type t = mmt_arg_ctype_jtype(d);

	a->raw = raw;
	a->raw_differs = false;
	switch (t) {
	case MMT_JT_INT32:
	case MMT_JT_UINT32:
		a->raw_differs = raw != (__u32)raw && raw != (__u64)(__s64)(__s32)raw;
		a->is_unsigned = t == MMT_JT_UINT32;
		a->value = a->is_unsigned ? (__s64)(__u32)raw : (__s64)(__s32)raw;
		break;
	case MMT_JT_INT64:
		a->is_unsigned = false;
		a->value = (__s64)raw;
		break;
	default:
		a->is_unsigned = true;
		a->value = (__s64)raw;
		break;
	}
}

/* The state of what an argument read from user memory; NONE: no read. */
static int read_state(const struct mmt_decoded_arg *a)
{
	switch (a->data) {
	case MMT_DATA_MASK:
		return a->mask ? a->mask->state : MMT_READ_NONE;
	case MMT_DATA_ARRAY:
		return a->array ? a->array->state : MMT_READ_NONE;
	case MMT_DATA_OUT_INT:
		return a->out_state;
	default:
		return MMT_READ_NONE;
	}
}

static bool ret_failed(enum mmt_ret_kind kind, __s64 ret)
{
	return kind != MMT_RET_ADDR && kind != MMT_RET_NONE && ret < 0 && ret >= -4095;
}

size_t mmt_decode_ret(enum mmt_ret_kind kind, __s64 ret, char *buf, size_t len,
		      bool *failed)
{
	const char *name;
	int n;

	*failed = ret_failed(kind, ret);
	if (kind == MMT_RET_NONE) {
		n = snprintf(buf, len, "-");
	} else if (*failed) {
		name = mmt_neg_errno_name(ret);
		n = snprintf(buf, len, "%lld %s", (long long)ret, name ? name : "E?");
	} else {
		n = fmt_num_str(buf, len, ret, true,
				kind == MMT_RET_ADDR_OR_ERR || kind == MMT_RET_ADDR);
	}
	return n > 0 ? (size_t)n : 0;
}

size_t mmt_record_size(const struct mmt_event_desc *d)
{
	switch (d->payload) {
	case MMT_PAYLOAD_MASKS:
		return sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks);
	case MMT_PAYLOAD_MOVE_PAGES:
		return sizeof(struct mmt_record) + sizeof(struct mmt_payload_move_pages);
	case MMT_PAYLOAD_ARRAY:
		return sizeof(struct mmt_record) + sizeof(struct mmt_payload_array);
	case MMT_PAYLOAD_KEVENT:
		return sizeof(struct mmt_record) + sizeof(struct mmt_payload_kevent);
	default:
		return sizeof(struct mmt_record);
	}
}

static int check_state(int state)
{
	return state >= MMT_READ_NONE && state <= MMT_READ_FAULT ? 0 : -EINVAL;
}

/* The element sizes an array may have (bit n: n bytes), by its argument's
 * kind; the most elements it may hold. */
#define SIZES(a, b) ((1U << (a)) | (1U << (b)))

static int check_array(const struct mmt_array *a, unsigned int sizes, unsigned int max)
{
	if (check_state(a->state) || a->partial > 1)
		return -EINVAL;
	if (a->state != MMT_READ_OK)
		return a->count == 0 && !a->partial ? 0 : -EINVAL;
	/* stopped at an unreadable element: says why, and kept fewer than
	 * it could hold */
	if (a->partial && (a->read_err >= 0 || a->count >= max))
		return -EINVAL;
	if (a->elem_size >= 32 || !(sizes & (1U << a->elem_size)))
		return -EINVAL;
	if (a->count > max || (size_t)a->count * a->elem_size > sizeof(a->data))
		return -EINVAL;
	return 0;
}

/* The one array of a MMT_PAYLOAD_ARRAY event, checked for its kind. */
static int check_one_array(const struct mmt_event_desc *d, const struct mmt_array *a)
{
	for (int i = 0; i < d->nargs; i++) {
		if (d->args[i].kind == MMT_ARG_PAGE_VEC) {
			/* the pages it counts are those of the range */
			if (a->state == MMT_READ_OK && a->total < a->count)
				return -EINVAL;
			return check_array(a, SIZES(1, 1), MMT_ARRAY_BYTES);
		}
		if (d->args[i].kind == MMT_ARG_IOVEC)
			return check_array(a, SIZES(8, 16), MMT_IOVEC_MAX);
	}
	return -EINVAL;
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

static int decode(const void *data, size_t len, __u64 boot_to_wall_ns,
		  struct mmt_decoded_event *out, bool text)
{
	const struct mmt_record *r = data;
	const struct mmt_argctx *ctx = NULL;
	const struct mmt_event_desc *d;
	const void *payload = NULL;

	if (!data || len < sizeof(*r))
		return -EINVAL;
	d = mmt_event_by_id(r->event);
	if (!d || r->payload != d->payload ||
	    len != mmt_record_size(d) +
			    (r->flags & MMT_REC_ARGCTX ? sizeof(struct mmt_argctx) : 0))
		return -EINVAL;
	if (r->flags & MMT_REC_ARGCTX) {
		ctx = (const void *)((const char *)data + mmt_record_size(d));
		if (mmt_argctx_check(ctx, d))
			return -EINVAL;
	}
	if (d->payload == MMT_PAYLOAD_MASKS) {
		const struct mmt_payload_masks *pm = payload = r + 1;

		for (int i = 0; i < MMT_MAX_MASKS; i++)
			if (check_mask(&pm->masks[i]) || check_mask(&pm->kmasks[i]) ||
			    (pm->kmasks[i].state != MMT_READ_NONE &&
			     !mmt_toctou_is_kcopy(pm->toctou_method)))
				return -EINVAL;
		if (check_state(pm->out_int_state) || pm->changed[0] > 1 || pm->changed[1] > 1 ||
		    pm->toctou_method >= MMT_KCOPY_METHOD_COUNT)
			return -EINVAL;
	} else if (d->payload == MMT_PAYLOAD_MOVE_PAGES) {
		const struct mmt_payload_move_pages *mp = payload = r + 1;

		if (check_array(&mp->pages, SIZES(4, 8), MMT_ARRAY_MAX) ||
		    check_array(&mp->nodes, SIZES(4, 8), MMT_ARRAY_MAX) ||
		    check_array(&mp->status, SIZES(4, 8), MMT_ARRAY_MAX))
			return -EINVAL;
	} else if (d->payload == MMT_PAYLOAD_ARRAY) {
		const struct mmt_payload_array *pa = payload = r + 1;

		if (check_one_array(d, &pa->array))
			return -EINVAL;
	} else if (d->payload == MMT_PAYLOAD_KEVENT) {
		payload = r + 1;
	}
	if (d->nargs > (d->payload == MMT_PAYLOAD_KEVENT ? MMT_EVENT_MAX_ARGS : MMT_MAX_ARGS))
		return -EINVAL;

	out->rec = r;
	out->desc = d;
	out->timestamp_ns = r->enter_ns + boot_to_wall_ns;
	out->thread_start_ns = r->thread_start_ns + boot_to_wall_ns;
	out->leader_start_ns = r->leader_start_ns + boot_to_wall_ns;
	out->parent_start_ns = r->parent_start_ns + boot_to_wall_ns;
	out->compat = r->flags & MMT_REC_COMPAT;
	/* only a call that passes its arguments in memory can miss them */
	out->args_unread = r->flags & MMT_REC_ARGS_UNREAD;
	if (out->args_unread && (!out->compat || !d->ia32_nr2_argstruct || r->nr != d->ia32_nr2))
		return -EINVAL;
	out->args_at = out->args_unread ? r->args[0] : 0;
	out->args_read_error = NULL;
	if (out->args_unread) {
		out->args_read_error = mmt_neg_errno_name((__s64)r->args[1]);
		if (!out->args_read_error)
			out->args_read_error = "EIO";
	}
	out->container = NULL;
	out->stack = NULL;
	out->context_id = 0;
	out->has_entity_ids = false;
	out->duration_unknown = false;
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
		const struct mmt_arg_ops *ops = mmt_arg_ops_of(ad);
		struct mmt_decoded_arg *a = &out->args[i];
		/* a kernel event's values past args[] are in its payload */
		__u64 raw = i < MMT_MAX_ARGS ?
				    r->args[i] :
				    ((const struct mmt_payload_kevent *)payload)->vals[i - MMT_MAX_ARGS];

		if (out->args_unread) /* the ia32 old mmap's: no value */
			raw = 0;

		if (ops->nslots && (ad->payload_slot < 0 || ad->payload_slot >= ops->nslots))
			return -EINVAL;
		a->desc = ad;
		a->value = (__s64)raw;
		a->is_unsigned = true;
		a->ignored = false;
		a->not_written = false;
		a->text[0] = '\0';
		a->data = MMT_DATA_NONE;
		a->mask = NULL; /* a mask kind without its payload: no mask */
		a->ctx = ctx && ctx->arg == i ? ctx : NULL;
		ops->decode(ad, raw, payload, a);
		fit_type(ad, raw, a);
		if (text)
			ops->text(r, ad, raw, a);
		a->not_written = ad->at_exit && out->failed && read_state(a) == MMT_READ_EMPTY;
		if (ad->used_bits && ad->used_if_arg >= 0 && ad->used_if_arg < MMT_MAX_ARGS &&
		    !(r->args[ad->used_if_arg] & ad->used_bits))
			a->ignored = true;
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
