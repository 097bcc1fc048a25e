#!/usr/bin/env bash
# Install what mmtrace needs to build, run and test, from Debian packages.
# Idempotent: packages already present are not downloaded again.
set -euo pipefail

packages=(
	make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
	pkg-config libcmocka-dev libnuma-dev numactl strace python3
	gcc-multilib stress-ng util-linux libclang-rt-14-dev valgrind
	libmicrohttpd-dev libnats-dev nats-server prometheus bash-completion
	chromium libdw-dev elfutils
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "setup: all ${#packages[@]} packages already installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: need root to install: ${missing[*]}" >&2
	exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
