# mmtrace - build with `make`, test with `make test`.
OUT        := build
INCLUDES    = -Isrc -I$(OUT)
include mk/flags.mk

# STACK=1: --stack unwinds with elfutils' libdw (libdw-dev); STACK=0 builds
# without it, and --stack is refused: the default of a static build
# (LDFLAGS=-static, as the QEMU guests use).
ifneq ($(filter -static,$(LDFLAGS)),)
STACK      ?= 0
endif
STACK      ?= 1
ifeq ($(STACK),1)
STACK_LIBS := -ldw
STACK_OFF  := src/stack/unwind_none.c
else
STACK_LIBS :=
STACK_OFF  := src/stack/unwind.c
endif

# User-space code shared by the tool, the unit tests, the fuzzer and
# bench/replay: every .c under src/ but the command line (src/cli/) and the
# BPF side (src/bpf/), archived in one library. A new file in a new or an
# existing src/ folder needs no edit here.
# The fleet parts (src/metrics, src/sinks, src/service) go into the tool
# only, each with a stand-in when its library is left out: a static build
# (LDFLAGS=-static, as the QEMU guests use) leaves out libmicrohttpd and
# libnats; METRICS=0 or NATS=0 does so by hand.
USER_SRCS  := $(wildcard src/*/*.c src/*/*/*.c)
FLEET_DIRS := src/metrics/% src/sinks/% src/service/%
ifneq ($(filter -static,$(LDFLAGS)),)
METRICS    ?= 0
NATS       ?= 0
endif
METRICS    ?= 1
NATS       ?= 1
FLEET_SRCS := src/metrics/metrics.c $(wildcard src/service/*.c)
FLEET_LIBS :=
ifeq ($(METRICS),1)
FLEET_SRCS += src/metrics/http.c
FLEET_LIBS += -lmicrohttpd
else
FLEET_SRCS += src/metrics/http_none.c
endif
ifeq ($(NATS),1)
FLEET_SRCS += $(filter-out src/sinks/nats_none.c,$(wildcard src/sinks/*.c))
FLEET_LIBS += -lnats
else
FLEET_SRCS += src/sinks/nats_none.c
endif
CLI_SRCS   := $(filter src/cli/%,$(USER_SRCS)) $(FLEET_SRCS)
LIB_SRCS   := $(filter-out src/cli/% src/bpf/% $(FLEET_DIRS) $(STACK_OFF),$(USER_SRCS))
LIB_OBJS   := $(patsubst src/%.c,$(OUT)/obj/%.o,$(LIB_SRCS))
CLI_OBJS   := $(patsubst src/%.c,$(OUT)/obj/%.o,$(CLI_SRCS))
LIB        := $(OUT)/libmmtrace.a
# Sources that include the generated skeleton: it must exist before they
# compile the first time (afterwards their .d files name it).
SKEL_USERS := $(patsubst src/%.c,$(OUT)/obj/%.o,$(shell grep -l 'mmtrace\.skel\.h' $(USER_SRCS) 2>/dev/null))
BPF_SRC    := src/bpf/mmtrace.bpf.c
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
E2E_BINS   := $(OUT)/tests/workload $(OUT)/tests/workload32 $(OUT)/tests/hostile \
	      $(OUT)/tests/placement_load $(OUT)/tests/placement_fork \
	      $(OUT)/tests/techniques $(OUT)/tests/techniques32 \
	      $(OUT)/tests/stack_load $(OUT)/tests/ctxload $(OUT)/tests/ctxload32

.PHONY: FORCE all clean setup run bench fuzz test-numa test unit e2e docs format test-asan test-valgrind \
	test-fleet install uninstall deb
all: $(OUT)/mmtrace

# Install the Debian packages mmtrace needs (idempotent).
setup:
	@scripts/setup.sh

# Set up, build and trace every event system-wide as a table (root).
run: setup
	@$(MAKE) --no-print-directory all
	$(OUT)/mmtrace

# Benchmarks against peers (bench/README.md); prints a table, writes
# bench/RESULTS.md.
bench: setup
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C bench
	@bench/run

$(OUT)/vmlinux.h:
	@mkdir -p $(OUT)
	$(BPFTOOL) btf dump file $(VMLINUX) format c > $@.tmp && mv $@.tmp $@

# The BPF object: one translation unit; its headers (src/bpf/*.h,
# src/mmtrace.h) are tracked by its .d file.
$(OUT)/mmtrace.bpf.o: $(BPF_SRC) $(OUT)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUT)/mmtrace.skel.h: $(OUT)/mmtrace.bpf.o
	$(BPFTOOL) gen skeleton $< name mmtrace_bpf > $@.tmp && mv $@.tmp $@

$(OUT)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(SKEL_USERS): | $(OUT)/mmtrace.skel.h

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(OUT)/mmtrace: $(CLI_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDFLAGS) $(FLEET_LIBS) $(LDLIBS) $(STACK_LIBS)

# The sink's spool has no library dependency: tested on its own.
$(OUT)/tests/test_spool: tests/unit/test_spool.c $(OUT)/obj/sinks/spool.o $(OUT)/obj/sinks/spoolfile.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -pthread $^ -o $@ $(LDFLAGS) -lcmocka

# (the .d file is hidden: tests/run runs every build/tests/test_*)
$(OUT)/tests/test_%: tests/unit/test_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -MF $(OUT)/tests/.test_$*.d $< $(LIB) -o $@ $(LDFLAGS) \
		-lcmocka $(LDLIBS) $(STACK_LIBS)

# The traced workload is built plainly, even in the sanitizer build: it
# runs under strace in some tests, and LeakSanitizer cannot run under ptrace.
$(OUT)/tests/workload: tests/e2e/workload.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE -pthread $< -o $@

$(OUT)/tests/hostile: tests/hostile/hostile.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE -pthread $< -o $@

$(OUT)/tests/placement_load: tests/e2e/placement_load.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE $< -o $@

$(OUT)/tests/placement_fork: tests/e2e/placement_fork.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE -pthread $< -o $@

$(OUT)/tests/ctxload: tests/e2e/ctxload.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE $< -o $@

$(OUT)/tests/ctxload32: tests/e2e/ctxload.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE $< -o $@

# The detection rules' techniques, 64- and 32-bit (tests/e2e/test_detect.py).
$(OUT)/tests/techniques: tests/detect/techniques.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE $< -o $@ -ldl

$(OUT)/tests/techniques32: tests/detect/techniques.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE $< -o $@ -ldl

# Known calls from known functions for --stack, without frame pointers.
$(OUT)/tests/stack_load: tests/e2e/stack_load.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -fomit-frame-pointer -g $(WARN) -std=gnu11 -D_GNU_SOURCE -pthread $< -o $@

# The same workload as a 32-bit (ia32) program (gcc-multilib).
$(OUT)/tests/workload32: tests/e2e/workload.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE -pthread $< -o $@

unit: $(UNIT_BINS)
e2e: $(OUT)/mmtrace $(E2E_BINS)

# The test command of the README: set up, build, then unit tests and
# end-to-end tests (root).
test: setup
	@$(MAKE) --no-print-directory all unit e2e
	@tests/run

# Fleet tests (root, about a minute): Prometheus scraping --metrics, and a
# 3-node NATS JetStream cluster on loopback for -o nats:// and mmtrace read.
test-fleet: setup
	@$(MAKE) --no-print-directory all $(OUT)/tests/workload
	@tests/fleet/run

# Multi-node NUMA tests in QEMU guests with Debian's 6.1 kernel (root; the
# testbed installs its own packages: tests/numa/README.md).
test-numa: setup
	@$(MAKE) --no-print-directory all
	@tests/numa/run

# The same tests with user space built with ASan and UBSan (build/asan/).
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
test-asan: setup
	@$(MAKE) --no-print-directory OUT=build/asan CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS="$(SAN_FLAGS)" build/asan/mmtrace unit e2e
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		MMTRACE_OUT=build/asan tests/run

# The unit tests and the end-to-end tests with mmtrace under valgrind.
test-valgrind: setup
	@$(MAKE) --no-print-directory all unit e2e
	@MMTRACE_VALGRIND=1 tests/run

# libFuzzer on the record decoder and both renderers (clang). FUZZ_SECONDS
# bounds the run; the corpus in tests/fuzz/corpus/ grows as it finds paths.
# The library is the same archive, built with clang and the sanitizers in
# $(OUT)/fuzz/ by a nested make.
FUZZ_SECONDS ?= 60
FUZZ_SAN   := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS := $(FUZZ_SAN) -fsanitize=fuzzer
$(OUT)/fuzz/libmmtrace.a: FORCE
	@$(MAKE) --no-print-directory OUT=$(OUT)/fuzz CC=clang \
		CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" $@

$(OUT)/fuzz/fuzz_decode: tests/fuzz/fuzz_decode.c $(OUT)/fuzz/libmmtrace.a
	clang $(FUZZ_FLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Isrc -I$(OUT) $(DEPFLAGS) \
		tests/fuzz/fuzz_decode.c $(OUT)/fuzz/libmmtrace.a -o $@

fuzz: setup
	@$(MAKE) --no-print-directory $(OUT)/fuzz/fuzz_decode
	@mkdir -p $(OUT)/fuzz/corpus
	$(OUT)/fuzz/fuzz_decode -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-print_final_stats=1 $(OUT)/fuzz/corpus tests/fuzz/corpus

# Event pages in docs/events/ are generated from the event table.
docs: $(OUT)/mmtrace
	@mkdir -p docs/events
	@for e in $$($(OUT)/mmtrace list --names); do \
		$(OUT)/mmtrace list --markdown $$e > docs/events/$$e.md; done

# Install: the binary, mmtrace(8) made from --help and the event table,
# bash completion and the systemd unit. PREFIX and DESTDIR as usual.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions
$(OUT)/mmtrace.8: $(OUT)/mmtrace scripts/mkman.sh
	scripts/mkman.sh $(OUT)/mmtrace > $@.tmp && mv $@.tmp $@
$(OUT)/mmtrace.service: dist/mmtrace.service.in
	sed 's|@SBINDIR@|$(SBINDIR)|g' $< > $@
install: $(OUT)/mmtrace $(OUT)/mmtrace.8 $(OUT)/mmtrace.service
	install -D -m 0755 $(OUT)/mmtrace $(DESTDIR)$(SBINDIR)/mmtrace
	install -D -m 0644 $(OUT)/mmtrace.8 $(DESTDIR)$(MANDIR)/man8/mmtrace.8
	gzip -9nf $(DESTDIR)$(MANDIR)/man8/mmtrace.8
	install -D -m 0644 dist/mmtrace.bash-completion $(DESTDIR)$(COMPDIR)/mmtrace
	install -D -m 0644 $(OUT)/mmtrace.service $(DESTDIR)$(UNITDIR)/mmtrace.service
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mmtrace $(DESTDIR)$(MANDIR)/man8/mmtrace.8.gz \
		$(DESTDIR)$(COMPDIR)/mmtrace $(DESTDIR)$(UNITDIR)/mmtrace.service

# A Debian package in build/ (never committed): installs under /usr.
deb: $(OUT)/mmtrace
	rm -rf $(OUT)/deb && $(MAKE) --no-print-directory install PREFIX=/usr \
		DESTDIR=$(abspath $(OUT))/deb
	scripts/mkdeb.sh $(OUT)/deb $(OUT) $(OUT)/mmtrace

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(OUT)

FORCE:

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(OUT)/mmtrace.bpf.d $(join $(dir $(UNIT_BINS)),$(patsubst %,.%.d,$(notdir $(UNIT_BINS)))) \
	$(OUT)/fuzz/fuzz_decode.d
