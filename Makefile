# mmtrace - build with `make`, test with `make test`.
OUT        := build
INCLUDES    = -Isrc -I$(OUT)
include mk/flags.mk

# User-space code shared by the tool, the unit tests, the fuzzer and
# bench/replay: every .c under src/ but the command line (src/cli/) and the
# BPF side (src/bpf/), archived in one library. A new file in a new or an
# existing src/ folder needs no edit here.
USER_SRCS  := $(wildcard src/*/*.c src/*/*/*.c)
CLI_SRCS   := $(filter src/cli/%,$(USER_SRCS))
LIB_SRCS   := $(filter-out src/cli/% src/bpf/%,$(USER_SRCS))
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
	      $(OUT)/tests/placement_load $(OUT)/tests/techniques $(OUT)/tests/techniques32

.PHONY: FORCE all clean setup run bench fuzz test-numa test unit e2e docs format test-asan test-valgrind
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
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS)

# (the .d file is hidden: tests/run runs every build/tests/test_*)
$(OUT)/tests/test_%: tests/unit/test_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -MF $(OUT)/tests/.test_$*.d $< $(LIB) -o $@ $(LDFLAGS) \
		-lcmocka $(LDLIBS)

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

# The detection rules' techniques, 64- and 32-bit (tests/e2e/test_detect.py).
$(OUT)/tests/techniques: tests/detect/techniques.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE $< -o $@ -ldl

$(OUT)/tests/techniques32: tests/detect/techniques.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE $< -o $@ -ldl

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

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(OUT)

FORCE:

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(OUT)/mmtrace.bpf.d $(join $(dir $(UNIT_BINS)),$(patsubst %,.%.d,$(notdir $(UNIT_BINS)))) \
	$(OUT)/fuzz/fuzz_decode.d
