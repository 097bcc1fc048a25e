#!/usr/bin/env bash
# Install what the multi-node NUMA guest tests (tests/numa/) need, from
# Debian packages: QEMU, Debian's own kernel (6.1 on bookworm: its vmlinuz
# boots the guest), a static busybox for the guest's userland, cpio to pack
# the initramfs, and the static libraries a static mmtrace links with.
# Idempotent: packages already present are not downloaded again. Exits
# non-zero, with a message, if anything cannot be installed.
set -euo pipefail

packages=(
	qemu-system-x86 linux-image-amd64 busybox-static cpio gzip
	libbpf-dev libelf-dev zlib1g-dev
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

check() {
	local k
	k=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -1 || true)
	if [ -z "$k" ]; then
		echo "setup-numa: no /boot/vmlinuz-*-amd64 after installing linux-image-amd64" >&2
		exit 1
	fi
	for b in qemu-system-x86_64 cpio gzip; do
		command -v "$b" >/dev/null || {
			echo "setup-numa: $b not found after installing its package" >&2
			exit 1
		}
	done
	[ -x /bin/busybox ] || {
		echo "setup-numa: /bin/busybox missing (busybox-static)" >&2
		exit 1
	}
}

if [ "${#missing[@]}" -eq 0 ]; then
	check
	echo "setup-numa: all ${#packages[@]} packages already installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-numa: need root to install: ${missing[*]}" >&2
	exit 1
fi

echo "setup-numa: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The kernel is only a file for QEMU here: no initramfs for the host is
# needed (initramfs-tools' hook honours INITRD=No).
export INITRD=No
if ! apt-get update -qq; then
	echo "setup-numa: apt-get update failed (no network or no Debian mirror?)" >&2
	exit 1
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
	echo "setup-numa: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi
check
echo "setup-numa: done"
