# mmtrace - build with `make`, test with `make test`.
OUT        := build
CC         ?= gcc
CLANG      ?= clang
BPFTOOL    ?= bpftool
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX    ?= /sys/kernel/btf/vmlinux

WARN       := -Wall -Wextra -Werror
CFLAGS     ?= -O2 -g
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Isrc -I$(OUT)
LDLIBS     := -lbpf -lelf -lz
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) $(WARN) -Wno-unused-parameter -I$(OUT) -Isrc

# User-space code shared by the tool, the unit tests and the fuzzer.
LIB_SRCS   := $(wildcard src/text/*.c src/events/*.c src/decoders/*.c src/outputs/*.c src/context/*.c \
		src/placement/*.c src/report/*.c src/detect/*.c)
CLI_SRCS   := $(wildcard src/cli/*.c)
LIB_OBJS   := $(patsubst src/%.c,$(OUT)/obj/%.o,$(LIB_SRCS))
CLI_OBJS   := $(patsubst src/%.c,$(OUT)/obj/%.o,$(CLI_SRCS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
E2E_BINS   := $(OUT)/tests/workload $(OUT)/tests/workload32 $(OUT)/tests/hostile \
	      $(OUT)/tests/placement_load $(OUT)/tests/techniques $(OUT)/tests/techniques32 \
	      $(OUT)/tests/ctxload

.PHONY: all clean setup run bench fuzz test-numa test unit e2e docs format test-asan test-valgrind
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

$(OUT)/mmtrace.bpf.o: src/bpf/mmtrace.bpf.c $(wildcard src/bpf/*.h) src/mmtrace.h $(OUT)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/mmtrace.skel.h: $(OUT)/mmtrace.bpf.o
	$(BPFTOOL) gen skeleton $< name mmtrace_bpf > $@.tmp && mv $@.tmp $@

$(OUT)/obj/%.o: src/%.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUT)/obj/cli/%.o: src/cli/%.c $(OUT)/mmtrace.skel.h $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUT)/mmtrace: $(CLI_OBJS) $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS)

$(OUT)/tests/test_%: tests/unit/test_%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDFLAGS) -lcmocka

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

$(OUT)/tests/ctxload: tests/e2e/ctxload.c
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
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(OUT)/fuzz/fuzz_decode: tests/fuzz/fuzz_decode.c $(LIB_SRCS) $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Isrc -I$(OUT) \
		tests/fuzz/fuzz_decode.c $(LIB_SRCS) -o $@

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
