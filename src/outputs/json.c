// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - one JSON object per line, keys in the order of Tracee's events.
 */
#include "outputs/output.h"

static void key(struct outbuf *ob, const char *k)
{
	ob_char(ob, '"');
	ob_str(ob, k);
	ob_str(ob, "\":");
}

static void knum(struct outbuf *ob, const char *k, __u64 v)
{
	key(ob, k);
	ob_u64(ob, v);
	ob_char(ob, ',');
}

static bool is_pointer(enum mmt_arg_kind kind)
{
	return kind == MMT_ARG_ADDR || kind == MMT_ARG_NODEMASK;
}

static bool is_symbolic(enum mmt_arg_kind kind)
{
	return kind == MMT_ARG_MREMAP_FLAGS || kind == MMT_ARG_MPOL_MODE;
}

static void arg_value(struct outbuf *ob, const struct mmt_decoded_arg *a,
		      bool parse_args)
{
	enum mmt_arg_kind kind = a->desc->kind;

	if (parse_args && (is_pointer(kind) || is_symbolic(kind)))
		ob_json_str(ob, a->text, sizeof(a->text));
	else if (a->is_unsigned)
		ob_u64(ob, (__u64)a->value);
	else
		ob_s64(ob, a->value);
}

static void mask_fields(struct outbuf *ob, const struct mmt_mask *m)
{
	const char *err;

	switch (m->state) {
	case MMT_MASK_NULL:
		ob_str(ob, ",\"nodes\":null");
		break;
	case MMT_MASK_EMPTY:
		ob_str(ob, ",\"nodes\":[]");
		break;
	case MMT_MASK_READ:
		ob_str(ob, ",\"nodes\":");
		mmt_nodes_json(ob, m);
		if (m->truncated)
			ob_str(ob, ",\"truncated\":true");
		break;
	case MMT_MASK_FAULT:
		err = mmt_errno_name(-m->read_err);
		ob_str(ob, ",\"readError\":\"");
		ob_str(ob, err ? err : "EIO");
		ob_char(ob, '"');
		break;
	default:
		break;
	}
}

void mmt_json_event(struct outbuf *ob, const struct mmt_decoded_event *ev,
		    bool parse_args)
{
	const struct mmt_record *r = ev->rec;
	const struct mmt_event_desc *d = ev->desc;

	ob_char(ob, '{');
	knum(ob, "timestamp", ev->timestamp_ns);
	knum(ob, "threadStartTime", ev->thread_start_ns);
	knum(ob, "processorId", r->cpu);
	knum(ob, "processId", r->pid);
	knum(ob, "cgroupId", r->cgroup_id);
	knum(ob, "threadId", r->tid);
	knum(ob, "parentProcessId", r->ppid);
	knum(ob, "hostProcessId", r->host_pid);
	knum(ob, "hostThreadId", r->host_tid);
	knum(ob, "hostParentProcessId", r->host_ppid);
	knum(ob, "userId", r->uid);
	knum(ob, "mountNamespace", r->mnt_ns);
	knum(ob, "pidNamespace", r->pid_ns);
	key(ob, "processName");
	ob_json_str(ob, ev->comm, sizeof(ev->comm));
	ob_str(ob, ",\"executable\":{\"path\":");
	ob_json_str(ob, ev->exe, sizeof(ev->exe));
	ob_str(ob, "},\"hostName\":");
	ob_json_str(ob, ev->host, sizeof(ev->host));
	ob_str(ob, ",\"containerId\":\"\",\"container\":{},\"kubernetes\":{},"
		   "\"eventId\":\"");
	ob_u64(ob, d->syscall_nr);
	ob_str(ob, "\",\"eventName\":\"");
	ob_str(ob, d->name);
	ob_str(ob, "\",\"matchedPolicies\":[],");
	knum(ob, "argsNum", d->nargs);
	key(ob, "returnValue");
	ob_s64(ob, r->ret);
	ob_str(ob, ",\"syscall\":\"");
	ob_str(ob, d->name);
	ob_str(ob, "\",\"stackAddresses\":[],\"contextFlags\":{"
		   "\"containerStarted\":false,\"isCompat\":");
	ob_str(ob, r->flags & MMT_REC_COMPAT ? "true" : "false");
	ob_str(ob, "},\"args\":[");
	for (int i = 0; i < d->nargs; i++) {
		const struct mmt_decoded_arg *a = &ev->args[i];

		if (i)
			ob_char(ob, ',');
		ob_str(ob, "{\"name\":\"");
		ob_str(ob, a->desc->name);
		ob_str(ob, "\",\"type\":\"");
		ob_str(ob, a->desc->type);
		ob_str(ob, "\",\"value\":");
		arg_value(ob, a, parse_args);
		if (a->mask)
			mask_fields(ob, a->mask);
		ob_char(ob, '}');
	}
	ob_str(ob, "]}\n");
}
