#!/usr/bin/env bash
# Write the man page mmtrace(8) on stdout, from the same sources as the
# program's own help: `mmtrace --help`, `mmtrace read --help`, `mmtrace top
# --help` and the event table (`mmtrace list`). Usage: scripts/mkman.sh
# build/mmtrace > mmtrace.8
set -euo pipefail
bin=${1:?usage: mkman.sh MMTRACE}
version=$("$bin" --version | awk '{print $2}')

# roff: escape backslashes, and keep lines from starting with . or '
roff() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

cat <<HEAD
.TH MMTRACE 8 "" "mmtrace $version" "System Administration"
.SH NAME
mmtrace \- trace memory-placement and memory-mapping syscalls with eBPF
.SH SYNOPSIS
HEAD
"$bin" --help | sed -n '/^Usage:/,/^$/p' | sed -e 's/^Usage: *//' -e 's/^ *//' | grep -v '^$' |
	roff | sed -e 's/^/.B /' -e 's/$/\n.br/'
echo ".SH DESCRIPTION"
echo ".nf"
"$bin" --help | sed '1,/^$/d' | roff
echo ".fi"
echo ".SH READING EVENTS BACK"
echo ".nf"
"$bin" read --help | sed '1,/^$/d' | roff
echo ".fi"
echo ".SH LIVE VIEW (mmtrace top)"
echo ".nf"
"$bin" top --help | roff
echo ".fi"
echo ".SH EVENTS"
echo ".nf"
"$bin" list | roff
echo ".fi"
cat <<'TAIL'
.SH PRIVILEGES
mmtrace needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); a user other than
root also needs CAP_DAC_READ_SEARCH to read tracefs. Without CAP_SYS_NICE the
reading thread keeps its nice value instead of \-\-reader\-nice's default.
.SH SIGNALS
SIGINT and SIGTERM stop tracing (with a command, the first is passed on to
it). SIGHUP reopens the file of \-\-output\-file, for log rotation.
.SH FILES
.TP
.I /etc/default/mmtrace
MMTRACE_ARGS, the options the systemd unit mmtrace.service runs with.
.TP
.I /var/spool/mmtrace
where events wait for a NATS server when memory is full (\-\-spool\-dir):
one file per run, mmtrace\-PID\-RUN.spool, locked while the run lives. What
a run leaves there (killed: what reached the file; stopped: also what it
held in memory, after \-\-drain\-timeout) is sent first by the next run
with the same folder, with its original message ids; events a killed run
held in memory only are counted lost by that next run.
TAIL
