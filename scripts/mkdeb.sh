#!/usr/bin/env bash
# Build build/mmtrace_VERSION_ARCH.deb from a staged install (make deb).
# Usage: scripts/mkdeb.sh STAGE_DIR OUT_DIR MMTRACE_BINARY
set -euo pipefail
stage=${1:?} out=${2:?} bin=${3:?}
version=$("$bin" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)

# Depends: the packages that hold the libraries the binary names (NEEDED)
deps=()
for lib in $(objdump -p "$bin" | awk '/NEEDED/ {print $2}'); do
	path=$(ldconfig -p | awk -v l="$lib" -v m="/$multiarch/" '$1 == l && index($NF, m) && !done {print $NF; done = 1}')
	[ -n "$path" ] || continue
	real=$(readlink -f "$path")
	# merged /usr: dpkg may know the file under /lib or under /usr/lib
	pkg=$( { dpkg -S "$real" || dpkg -S "${real#/usr}" || dpkg -S "$path"; } 2>/dev/null |
		awk -F: 'NR == 1 {print $1}') || true
	[ -n "$pkg" ] && [ "$pkg" != libc6 ] && deps+=("$pkg")
done
deps+=(libc6)
depends=$(printf '%s\n' "${deps[@]}" | sort -u | paste -sd, - | sed 's/,/, /g')

mkdir -p "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: mmtrace
Version: $version
Architecture: $arch
Maintainer: mmtrace developers <mmtrace@localhost>
Depends: $depends
Section: admin
Priority: optional
Description: trace memory syscalls with eBPF
 Traces memory-placement and memory-mapping syscalls system-wide with eBPF,
 decoding every argument; sends events to NATS JetStream and serves
 Prometheus metrics.
CONTROL
find "$stage" -path "$stage/DEBIAN" -prune -o -type f -printf '%P\n' |
	grep -E '^(etc)/' | sed 's|^|/|' > "$stage/DEBIAN/conffiles" || true
[ -s "$stage/DEBIAN/conffiles" ] || rm -f "$stage/DEBIAN/conffiles"
deb="$out/mmtrace_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
echo "$deb"
