# mk/flags.mk - the compilers and flags shared by the top Makefile and
# bench/Makefile. Include paths are each Makefile's own (INCLUDES).
CC         ?= gcc
CLANG      ?= clang
BPFTOOL    ?= bpftool
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX    ?= /sys/kernel/btf/vmlinux

WARN       := -Wall -Wextra -Werror
CFLAGS     ?= -O2 -g
# -MMD -MP: every object writes the headers it included to a .d file next to
# it, so a header edit rebuilds exactly what includes it.
DEPFLAGS   := -MMD -MP
ALL_CFLAGS  = $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE $(INCLUDES)
LDLIBS     := -lbpf -lelf -lz
BPF_CFLAGS  = -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) $(WARN) -Wno-unused-parameter \
	      $(INCLUDES)

# A target whose recipe fails is deleted: no half-written object or header.
.DELETE_ON_ERROR:
