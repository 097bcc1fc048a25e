// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - one JSON object per line, keys in the order of Tracee's events.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "context/entity.h"
#include "decoders/argkinds.h"
#include "outputs/output.h"

static enum mmt_tracee_format json_format = MMT_TRACEE_V024;

void mmt_json_configure(enum mmt_tracee_format f)
{
	json_format = f;
}

enum mmt_json_other mmt_json_other_kind(const char *line, size_t len)
{
	static const struct {
		const char *mark;
		enum mmt_json_other kind;
	} marks[] = {
		{ "\"eventName\":\"placement\"", MMT_JSON_PLACEMENT },
		{ "\"eventName\":\"lost_events\"", MMT_JSON_LOST },
		{ "\"eventId\":\"700", MMT_JSON_FINDING },
	};

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (memmem(line, len, marks[i].mark, strlen(marks[i].mark)))
			return marks[i].kind;
	return MMT_JSON_NOT_OTHER;
}

/* The value as its type holds it, and the register when it held more. */
static void arg_value(struct outbuf *ob, const struct mmt_decoded_arg *a,
		      bool parse_args)
{
	const struct mmt_arg_ops *ops = mmt_arg_ops_of(a->desc);

	if (ops->json_bool) {
		ob_str(ob, a->value ? "true" : "false");
	} else if (ops->json_name) {
		const char *name = xlat_name(a->desc->xlat, (__u64)a->value);
		char num[24];

		snprintf(num, sizeof(num), "%lld", (long long)a->value);
		ob_char(ob, '"');
		ob_str(ob, name ? name : num);
		ob_char(ob, '"');
	} else if (parse_args && ops->json_text)
		ob_json_str(ob, a->text, sizeof(a->text));
	else if (a->is_unsigned || (json_format == MMT_TRACEE_V023 &&
				    mmt_arg_ctype_jtype(a->desc) == MMT_JT_INT64))
		ob_u64(ob, (__u64)a->value); /* v0.23 read off_t unsigned */
	else
		ob_s64(ob, a->value);
	if (a->raw_differs) {
		ob_lit(ob, ",\"rawValue\":");
		ob_u64(ob, a->raw);
	}
}

/*
 * An argument's "type": its Tracee type (or C type, v0.23), and "string"
 * when --parse-arguments prints a name instead of the number, as Tracee
 * does for the arguments it parses. Pointers printed as "0x..." keep
 * their pointer type, as in Tracee.
 */
static const char *arg_type(const struct mmt_arg_desc *d, bool parse_args)
{
	if (parse_args && mmt_arg_ops_of(d)->json_text && mmt_arg_jtype(d) != MMT_JT_POINTER)
		return "string";
	return mmt_arg_type_name(d, json_format);
}

static void outcome_fields(struct outbuf *ob, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;

	if (ev->desc->migrates) {
		ob_lit(ob, ",\"migration\":{\"succeeded\":");
		ob_u64(ob, r->migrate_succeeded);
		ob_lit(ob, ",\"failed\":");
		ob_u64(ob, r->migrate_failed);
		ob_lit(ob, ",\"split\":");
		ob_u64(ob, r->migrate_split);
		ob_lit(ob, ",\"batches\":");
		ob_u64(ob, r->migrate_batches);
		ob_char(ob, '}');
	}
	if (ev->has_target) {
		ob_lit(ob, ",\"target\":{\"hostProcessId\":");
		ob_u64(ob, ev->target_host_pid);
		ob_lit(ob, ",\"processName\":");
		ob_json_str(ob, ev->target_comm, sizeof(ev->target_comm));
		ob_lit(ob, ",\"userId\":");
		ob_u64(ob, ev->target_uid);
		ob_lit(ob, ",\"otherProcess\":");
		ob_str(ob, ev->target_other_process ? "true" : "false");
		ob_lit(ob, ",\"otherUser\":");
		ob_str(ob, ev->target_other_user ? "true" : "false");
		ob_char(ob, '}');
	}
}

static void stack_addresses(struct outbuf *ob, const struct mmt_stack *st)
{
	for (int i = 0; i < st->nframes; i++) {
		if (i)
			ob_char(ob, ',');
		ob_u64(ob, st->frames[i].ip);
	}
}

/* "stack": the frames symbolized, and why the unwind stopped. */
static void stack_frames(struct outbuf *ob, const struct mmt_stack *st)
{
	ob_lit(ob, ",\"stack\":[");
	for (int i = 0; i < st->nframes; i++) {
		const struct mmt_stack_frame *f = &st->frames[i];

		if (i)
			ob_char(ob, ',');
		ob_lit(ob, "{\"ip\":");
		ob_u64(ob, f->ip);
		ob_lit(ob, ",\"module\":");
		if (f->module) {
			ob_json_str(ob, f->module, MMT_STACK_NAME_MAX);
			ob_lit(ob, ",\"moduleAddress\":");
			ob_u64(ob, f->rel);
		} else {
			ob_lit(ob, "null");
		}
		ob_lit(ob, ",\"symbol\":");
		if (f->symbol) {
			ob_json_str(ob, f->symbol, MMT_STACK_NAME_MAX);
			ob_lit(ob, ",\"offset\":");
			ob_u64(ob, f->offset);
		} else {
			ob_lit(ob, "null");
		}
		ob_char(ob, '}');
	}
	ob_lit(ob, "],\"stackEnd\":\"");
	ob_str(ob, mmt_stack_end_name(st->flags));
	ob_char(ob, '"');
}

/* Text rendered once and kept: pieces one after the other in ob. */
#define MAX_PIECES 13
struct pieces {
	struct outbuf ob;
	size_t end[MAX_PIECES]; /* where each piece ends in ob */
};

/* Start rendering p afresh; false without memory. */
static bool pieces_start(struct pieces *p)
{
	if (!p->ob.buf && ob_init(&p->ob, -1, 512))
		return false;
	p->ob.len = 0;
	return true;
}

/* What was rendered since the previous piece is piece i. */
static void piece_end(struct pieces *p, int i)
{
	p->end[i] = p->ob.len;
}

static void piece_put(struct outbuf *ob, const struct pieces *p, int i)
{
	size_t start = i ? p->end[i - 1] : 0;

	ob_mem(ob, p->ob.buf + start, p->end[i] - start);
}

enum ctx_piece {
	CTX_START, /* threadStartTime */
	CTX_PID, /* processId */
	CTX_TID, /* threadId */
	CTX_PPID, /* parentProcessId */
	CTX_HOST_PPID, /* hostParentProcessId */
	CTX_MNT_NS, /* mountNamespace */
	CTX_PID_NS, /* pidNamespace */
	CTX_EXE, /* executable.path, quoted; then "truncated" when it is */
	CTX_HOST, /* hostName, quoted */
	CTX_ENTITIES, /* ,"threadEntityId":...,"parentEntityId":N */
	CTX_PIECES,
};

_Static_assert(CTX_PIECES <= MAX_PIECES && 3 + MMT_EVENT_MAX_ARGS <= MAX_PIECES, "MAX_PIECES");

/*
 * Tracee's entity ids of the thread, its process and its parent process.
 * The process's is the thread's when the thread is the leader (same host
 * id and start time), as in Tracee.
 */
static void entity_ids(struct outbuf *ob, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;
	__u32 thread = mmt_entity_id(r->host_tid, ev->thread_start_ns);

	if (ev->has_entity_ids) {
		ob_lit(ob, ",\"threadEntityId\":");
		ob_u64(ob, ev->entity_ids[0]);
		ob_lit(ob, ",\"processEntityId\":");
		ob_u64(ob, ev->entity_ids[1]);
		ob_lit(ob, ",\"parentEntityId\":");
		ob_u64(ob, ev->entity_ids[2]);
		return;
	}
	__u32 process = r->host_tid == r->host_pid && r->thread_start_ns == r->leader_start_ns ?
				thread :
				mmt_entity_id(r->host_pid, ev->leader_start_ns);

	ob_lit(ob, ",\"threadEntityId\":");
	ob_u64(ob, thread);
	ob_lit(ob, ",\"processEntityId\":");
	ob_u64(ob, process);
	ob_lit(ob, ",\"parentEntityId\":");
	ob_u64(ob, mmt_entity_id(r->host_ppid, ev->parent_start_ns));
}

struct ctx_text {
	__u64 id;
	struct pieces p;
};

#define CTX_SLOTS 16
static struct ctx_text ctx_slots[CTX_SLOTS + 1]; /* the last: for id 0 */

/*
 * What a thread's context renders to is the same in every event of the
 * thread: the rendered pieces are kept by context id (ev->context_id, which
 * src/context/tasks.c gives each context it receives; 0: none, render
 * every time), in a few slots.
 */
static const struct pieces *ctx_text(const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;
	struct ctx_text *c = &ctx_slots[ev->context_id ? ev->context_id % CTX_SLOTS : CTX_SLOTS];

	if (ev->context_id && c->id == ev->context_id)
		return &c->p;
	c->id = 0;
	if (!pieces_start(&c->p))
		return NULL;
	const __u64 nums[CTX_EXE] = { ev->thread_start_ns, r->pid, r->tid, r->ppid,
				      r->host_ppid, r->mnt_ns, r->pid_ns };

	for (int i = 0; i < CTX_EXE; i++) {
		ob_u64(&c->p.ob, nums[i]);
		piece_end(&c->p, i);
	}
	ob_json_str(&c->p.ob, ev->exe, MMT_PATH_LEN);
	if (r->exe_truncated) /* the path's start is missing */
		ob_lit(&c->p.ob, ",\"truncated\":true");
	piece_end(&c->p, CTX_EXE);
	ob_json_str(&c->p.ob, ev->host, MMT_HOST_LEN);
	piece_end(&c->p, CTX_HOST);
	entity_ids(&c->p.ob, ev);
	piece_end(&c->p, CTX_ENTITIES);
	if (c->p.ob.err)
		return NULL;
	c->id = ev->context_id;
	return &c->p;
}

/*
 * What depends on the event only (its id, name, argument names and types),
 * rendered once per event: from "eventId" to "returnValue":, from "syscall"
 * to "containerStarted":, and each argument's start up to "value":.
 */
enum { EV_HEAD, EV_SYSCALL, EV_CONTEXT_FLAGS, EV_ARG0 };

static struct pieces event_texts[MMT_EV_COUNT];
/* what each was rendered for: 0 not yet, else 1 + parse_args + 2 * format */
static int event_rendered[MMT_EV_COUNT];

static const struct pieces *event_text(const struct mmt_event_desc *d, bool parse_args)
{
	int key = 1 + parse_args + 2 * (int)json_format;
	struct pieces *e;

	if (d->event >= MMT_EV_COUNT)
		return NULL;
	e = &event_texts[d->event];
	if (event_rendered[d->event] == key)
		return e;
	event_rendered[d->event] = 0;
	if (!pieces_start(e))
		return NULL;
	ob_lit(&e->ob, "\"eventId\":\"");
	ob_u64(&e->ob, d->syscall_nr);
	ob_lit(&e->ob, "\",\"eventName\":\"");
	ob_str(&e->ob, d->name);
	/* Tracee's CLI runs one policy, named "" */
	ob_lit(&e->ob, "\",\"matchedPolicies\":[\"\"],\"argsNum\":");
	ob_u64(&e->ob, d->nargs);
	ob_lit(&e->ob, ",\"returnValue\":");
	piece_end(e, EV_HEAD);
	ob_lit(&e->ob, ",\"syscall\":\"");
	if (mmt_event_is_syscall(d)) /* a kernel event is made by no syscall */
		ob_str(&e->ob, d->name);
	ob_lit(&e->ob, "\",\"stackAddresses\":[");
	piece_end(e, EV_SYSCALL);
	ob_lit(&e->ob, "],\"contextFlags\":{\"containerStarted\":");
	piece_end(e, EV_CONTEXT_FLAGS);
	for (int i = 0; i < d->nargs && i < MMT_EVENT_MAX_ARGS; i++) {
		ob_lit(&e->ob, "{\"name\":\"");
		ob_str(&e->ob, d->args[i].name);
		ob_lit(&e->ob, "\",\"type\":\"");
		ob_str(&e->ob, arg_type(&d->args[i], parse_args));
		ob_lit(&e->ob, "\",\"value\":");
		piece_end(e, EV_ARG0 + i);
	}
	if (e->ob.err)
		return NULL;
	event_rendered[d->event] = key;
	return e;
}

static bool json_durations;

void mmt_json_durations(bool on)
{
	json_durations = on;
}

void mmt_json_event(struct outbuf *ob, const struct mmt_decoded_event *ev,
		    bool parse_args)
{
	const struct mmt_record *r = ev->rec;
	const struct mmt_event_desc *d = ev->desc;
	bool in_container;

	const struct pieces *c = ctx_text(ev);
	const struct pieces *et = event_text(d, parse_args);

	if (!c || !et) {
		ob->err = ENOMEM;
		return;
	}
	ob_lit(ob, "{\"timestamp\":");
	ob_u64(ob, ev->timestamp_ns);
	ob_lit(ob, ",\"threadStartTime\":");
	piece_put(ob, c, CTX_START);
	ob_lit(ob, ",\"processorId\":");
	ob_u64(ob, r->cpu);
	ob_lit(ob, ",\"processId\":");
	piece_put(ob, c, CTX_PID);
	ob_lit(ob, ",\"cgroupId\":");
	ob_u64(ob, r->cgroup_id);
	ob_lit(ob, ",\"threadId\":");
	piece_put(ob, c, CTX_TID);
	ob_lit(ob, ",\"parentProcessId\":");
	piece_put(ob, c, CTX_PPID);
	ob_lit(ob, ",\"hostProcessId\":");
	ob_u64(ob, r->host_pid);
	ob_lit(ob, ",\"hostThreadId\":");
	ob_u64(ob, r->host_tid);
	ob_lit(ob, ",\"hostParentProcessId\":");
	piece_put(ob, c, CTX_HOST_PPID);
	ob_lit(ob, ",\"userId\":");
	ob_u64(ob, r->uid);
	ob_lit(ob, ",\"mountNamespace\":");
	piece_put(ob, c, CTX_MNT_NS);
	ob_lit(ob, ",\"pidNamespace\":");
	piece_put(ob, c, CTX_PID_NS);
	ob_lit(ob, ",\"processName\":");
	ob_json_str(ob, ev->comm, MMT_COMM_LEN);
	ob_lit(ob, ",\"executable\":{\"path\":");
	piece_put(ob, c, CTX_EXE);
	ob_lit(ob, "},\"hostName\":");
	piece_put(ob, c, CTX_HOST);
	in_container = ev->container && ev->container->id[0];
	ob_lit(ob, ",\"containerId\":\"");
	if (in_container) {
		ob_str(ob, ev->container->id);
		ob_lit(ob, "\",\"container\":{\"id\":\"");
		ob_str(ob, ev->container->id);
		ob_char(ob, '"');
		/* the members Tracee's reader knows, where the runtime tells */
		if (ev->container->name[0]) {
			ob_lit(ob, ",\"name\":");
			ob_json_str(ob, ev->container->name, sizeof(ev->container->name));
		}
		if (ev->container->image[0]) {
			ob_lit(ob, ",\"image\":");
			ob_json_str(ob, ev->container->image, sizeof(ev->container->image));
		}
		ob_lit(ob, ",\"runtime\":\"");
		ob_str(ob, ev->container->runtime);
		ob_lit(ob, "\"}");
	} else {
		ob_lit(ob, "\",\"container\":{}");
	}
	ob_lit(ob, ",\"kubernetes\":{},");
	piece_put(ob, et, EV_HEAD);
	ob_s64(ob, r->ret);
	piece_put(ob, et, EV_SYSCALL);
	if (ev->stack)
		stack_addresses(ob, ev->stack);
	piece_put(ob, et, EV_CONTEXT_FLAGS);
	ob_str(ob, mmt_container_started(ev->container, ev->exe, MMT_PATH_LEN) ? "true" : "false");
	ob_lit(ob, ",\"isCompat\":");
	ob_str(ob, ev->compat ? "true" : "false");
	ob_char(ob, '}');
	piece_put(ob, c, CTX_ENTITIES);
	ob_lit(ob, ",\"args\":[");
	for (int i = 0; i < d->nargs; i++) {
		const struct mmt_decoded_arg *a = &ev->args[i];

		if (i)
			ob_char(ob, ',');
		piece_put(ob, et, EV_ARG0 + i);
		arg_value(ob, a, parse_args);
		if (ev->args_unread) { /* the value (0, of its type) is no argument */
			ob_lit(ob, ",\"readError\":\"");
			ob_str(ob, ev->args_read_error);
			ob_char(ob, '"');
		} else if (mmt_arg_ops_of(a->desc)->json_extra) {
			mmt_arg_ops_of(a->desc)->json_extra(ob, a, parse_args);
		}
		ob_char(ob, '}');
	}
	ob_char(ob, ']');
	outcome_fields(ob, ev);
	if (ev->stack)
		stack_frames(ob, ev->stack);
	if (json_durations && !ev->duration_unknown) { /* ours: ns from entry to exit */
		ob_lit(ob, ",\"duration\":");
		ob_u64(ob, r->exit_ns - r->enter_ns);
	}
	ob_lit(ob, "}\n");
}
