// SPDX-License-Identifier: GPL-2.0
/*
 * finding.c - findings as JSON lines and table lines.
 */
#include <stdio.h>
#include <time.h>
#include "text/xlat.h"
#include "detect/finding.h"

static void prot_text(__u32 prot, char *buf, size_t len)
{
	xlat_flags(&prot_flags, prot, buf, len);
}

static const char *file_name(const struct mmt_det_file *file)
{
	return file->path[0] ? file->path : "a file";
}

size_t mmt_finding_text(const struct mmt_det_facts *f, const struct mmt_finding *x, char *buf,
			size_t len)
{
	char prot[96], prev[96];
	const char *cut = x->file.path_cut ? "..." : "";

	prot_text(x->prot, prot, sizeof(prot));
	prot_text(x->prev_prot, prev, sizeof(prev));
	switch (x->rule->rule) {
	case MMT_RULE_WX_MAPPING:
		return snprintf(buf, len, "%s 0x%llx+%llu %s, %s%s", f->syscall,
				(unsigned long long)x->addr, (unsigned long long)x->len, prot,
				x->file.known || x->file.path[0] ? file_name(&x->file)
								 : "anonymous",
				x->file.known || x->file.path[0] ? cut : "");
	case MMT_RULE_WRITE_THEN_EXEC:
		return snprintf(buf, len, "%s 0x%llx+%llu to %s; was %s, %s", f->syscall,
				(unsigned long long)x->addr, (unsigned long long)x->len, prot, prev,
				x->file_backed ? "file-backed" : "anonymous");
	case MMT_RULE_FILE_DOUBLE_MAP:
		return snprintf(buf, len,
				"%s%s (dev %llu ino %llu): %s at 0x%llx+%llu (pid %u), and %s at "
				"0x%llx+%llu (pid %u)",
				file_name(&x->file), cut, (unsigned long long)x->file.dev,
				(unsigned long long)x->file.ino, prot, (unsigned long long)x->addr,
				(unsigned long long)x->len, f->pid,
				(prot_text(x->other_prot, prev, sizeof(prev)), prev),
				(unsigned long long)x->other_addr, (unsigned long long)x->other_len,
				x->other_pid);
	case MMT_RULE_CROSS_PROCESS:
		if (!x->target_known)
			return snprintf(
				buf, len, "%s on another process (%s %lld: not resolved)%s",
				f->syscall, f->op == MMT_DET_PROCESS_MADVISE ? "pidfd" : "pid",
				(long long)(f->op == MMT_DET_PROCESS_MADVISE ? f->fd : f->pid_arg),
				f->ret < 0 ? ", refused" : "");
		return snprintf(buf, len, "%s on pid %u (%s, uid %u%s)%s%s", f->syscall,
				x->target_pid, x->target_comm, x->target_uid,
				x->other_user ? ", another user" : "",
				f->query_only ? ", query only" : "", f->ret < 0 ? ", refused" : "");
	case MMT_RULE_SEAL_TAMPER:
		return snprintf(buf, len, "%s 0x%llx+%llu failed with EPERM: sealed 0x%llx+%llu",
				f->syscall, (unsigned long long)f->addr, (unsigned long long)f->len,
				(unsigned long long)x->sealed_addr,
				(unsigned long long)x->sealed_len);
	case MMT_RULE_DONTUNMAP_EXEC:
		return snprintf(buf, len,
				"mremap MREMAP_DONTUNMAP of %s memory 0x%llx+%llu to 0x%llx", prev,
				(unsigned long long)f->addr, (unsigned long long)f->len,
				(unsigned long long)f->ret);
	default:
		return snprintf(buf, len, "%s", x->rule->name);
	}
}

static void hex_str(struct outbuf *ob, __u64 v)
{
	ob_char(ob, '"');
	ob_hex(ob, v);
	ob_char(ob, '"');
}

static void prot_str(struct outbuf *ob, __u32 prot)
{
	char buf[96];

	prot_text(prot, buf, sizeof(buf));
	ob_json_str(ob, buf, sizeof(buf));
}

/* The rule's findings, as data: what a script needs without parsing text. */
static void finding_value(struct outbuf *ob, const struct mmt_det_facts *f,
			  const struct mmt_finding *x)
{
	char text[320];

	ob_lit(ob, "{\"rule\":\"");
	ob_str(ob, x->rule->id);
	ob_lit(ob, "\",\"severity\":\"");
	ob_str(ob, mmt_det_severity_name(x->severity));
	ob_lit(ob, "\",\"address\":");
	hex_str(ob, x->addr);
	ob_lit(ob, ",\"length\":");
	ob_u64(ob, x->len);
	if (x->rule->rule != MMT_RULE_CROSS_PROCESS && x->rule->rule != MMT_RULE_SEAL_TAMPER) {
		ob_lit(ob, ",\"prot\":");
		prot_str(ob, x->prot);
	}
	if (x->rule->rule == MMT_RULE_WRITE_THEN_EXEC)
		ob_str(ob, x->file_backed ? ",\"fileBacked\":true" : ",\"fileBacked\":false");
	if (x->prev_known) {
		ob_lit(ob, ",\"previousProt\":");
		prot_str(ob, x->prev_prot);
	}
	if (x->file.known || x->file.path[0]) {
		ob_lit(ob, ",\"file\":{\"path\":");
		ob_json_str(ob, x->file.path, sizeof(x->file.path));
		if (x->file.path_cut)
			ob_lit(ob, ",\"pathTruncated\":true");
		if (x->file.has_ino) {
			ob_lit(ob, ",\"device\":");
			ob_u64(ob, x->file.dev);
			ob_lit(ob, ",\"inode\":");
			ob_u64(ob, x->file.ino);
		}
		ob_char(ob, '}');
	}
	if (x->rule->rule == MMT_RULE_FILE_DOUBLE_MAP) {
		ob_lit(ob, ",\"otherMapping\":{\"hostProcessId\":");
		ob_u64(ob, x->other_pid);
		ob_lit(ob, ",\"address\":");
		hex_str(ob, x->other_addr);
		ob_lit(ob, ",\"length\":");
		ob_u64(ob, x->other_len);
		ob_lit(ob, ",\"prot\":");
		prot_str(ob, x->other_prot);
		ob_char(ob, '}');
	}
	if (x->rule->rule == MMT_RULE_CROSS_PROCESS) {
		ob_lit(ob, ",\"target\":");
		if (x->target_known) {
			ob_lit(ob, "{\"hostProcessId\":");
			ob_u64(ob, x->target_pid);
			ob_lit(ob, ",\"processName\":");
			ob_json_str(ob, x->target_comm, sizeof(x->target_comm));
			ob_lit(ob, ",\"userId\":");
			ob_u64(ob, x->target_uid);
			ob_lit(ob, ",\"otherUser\":");
			ob_str(ob, x->other_user ? "true" : "false");
			ob_char(ob, '}');
		} else {
			ob_lit(ob, "null");
		}
	}
	if (x->rule->rule == MMT_RULE_SEAL_TAMPER) {
		ob_lit(ob, ",\"sealed\":{\"address\":");
		hex_str(ob, x->sealed_addr);
		ob_lit(ob, ",\"length\":");
		ob_u64(ob, x->sealed_len);
		ob_char(ob, '}');
	}
	mmt_finding_text(f, x, text, sizeof(text));
	ob_lit(ob, ",\"summary\":");
	ob_json_str(ob, text, sizeof(text));
	ob_char(ob, '}');
}

void mmt_finding_json(struct outbuf *ob, const struct mmt_det_facts *f, const struct mmt_finding *x,
		      const char *trigger, size_t trigger_len)
{
	const struct mmt_det_rule *r = x->rule;

	while (trigger_len &&
	       (trigger[trigger_len - 1] == '\n' || trigger[trigger_len - 1] == '\r'))
		trigger_len--;
	ob_lit(ob, "{\"timestamp\":");
	ob_u64(ob, f->timestamp_ns);
	ob_lit(ob, ",\"processId\":");
	ob_u64(ob, f->ns_pid);
	ob_lit(ob, ",\"hostProcessId\":");
	ob_u64(ob, f->pid);
	ob_lit(ob, ",\"hostThreadId\":");
	ob_u64(ob, f->tid);
	ob_lit(ob, ",\"userId\":");
	ob_u64(ob, f->uid);
	ob_lit(ob, ",\"processName\":");
	ob_json_str(ob, f->comm, sizeof(f->comm));
	ob_lit(ob, ",\"executable\":{\"path\":");
	ob_json_str(ob, f->exe, sizeof(f->exe));
	ob_lit(ob, "},\"eventId\":\"");
	ob_u64(ob, r->event_id);
	ob_lit(ob, "\",\"eventName\":\"");
	ob_str(ob, r->event_name);
	ob_lit(ob, "\",\"matchedPolicies\":[],\"argsNum\":2,\"returnValue\":0,\"syscall\":\"");
	ob_str(ob, f->syscall ? f->syscall : "");
	ob_lit(ob, "\",\"args\":[{\"name\":\"triggeredBy\",\"type\":\"unknown\",\"value\":");
	if (trigger_len)
		ob_mem(ob, trigger, trigger_len);
	else
		ob_lit(ob, "null");
	ob_lit(ob, "},{\"name\":\"finding\",\"type\":\"map[string]interface{}\",\"value\":");
	finding_value(ob, f, x);
	ob_lit(ob, "}],\"metadata\":{\"id\":\"");
	ob_str(ob, r->id);
	ob_lit(ob, "\",\"version\":\"1\",\"name\":");
	ob_json_str(ob, r->name, 256);
	ob_lit(ob, ",\"description\":");
	ob_json_str(ob, r->description, 1024);
	ob_lit(ob, ",\"tags\":[\"linux\",\"memory\"],\"properties\":{\"Severity\":");
	ob_u64(ob, x->severity);
	ob_lit(ob, ",\"Category\":");
	ob_json_str(ob, r->tactic, 64);
	ob_lit(ob, ",\"Technique\":");
	ob_json_str(ob, r->technique, 64);
	ob_lit(ob, ",\"external_id\":\"");
	ob_str(ob, r->technique_id);
	ob_lit(ob, "\",\"MITRE ATT&CK\":");
	{
		char both[160];

		snprintf(both, sizeof(both), "%s: %s", r->tactic, r->technique);
		ob_json_str(ob, both, sizeof(both));
	}
	ob_lit(ob, ",\"signatureID\":\"");
	ob_str(ob, r->id);
	ob_lit(ob, "\",\"signatureName\":");
	ob_json_str(ob, r->name, 256);
	ob_lit(ob, "}}}\n");
}

void mmt_finding_table(struct outbuf *ob, const struct mmt_det_facts *f,
		       const struct mmt_finding *x, bool color)
{
	char hms[16], text[320], line[512];
	time_t sec = f->timestamp_ns / 1000000000ULL;
	struct tm tm;
	int n;

	localtime_r(&sec, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	mmt_finding_text(f, x, text, sizeof(text));
	n = snprintf(line, sizeof(line), "%s.%06llu FINDING %s %s [%s] %s pid %u tid %u uid %u: %s",
		     hms, (unsigned long long)(f->timestamp_ns / 1000) % 1000000, x->rule->id,
		     x->rule->event_name, mmt_det_severity_name(x->severity), f->comm, f->pid,
		     f->tid, f->uid, text);
	if (color)
		ob_lit(ob, "\033[1;7;31m");
	else
		ob_lit(ob, "!! ");
	ob_safe_str(ob, line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
	if (color)
		ob_lit(ob, "\033[0m");
	ob_char(ob, '\n');
}
