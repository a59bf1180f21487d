#!/bin/sh
# Assembles the guest of LinuxInitiatorTest, LinuxCdromTest and LinuxTapeTest: Debian's kernel
# (vmlinuz) and an initramfs holding busybox-static, open-iscsi's iscsistart, util-linux's eject
# (package eject, busybox has no eject), mt-st's mt and mtx's mtx and tapeinfo (busybox's mt knows
# neither tell, seek nor setblk), GNU tar (busybox's tar has no blocking factor: one write() per
# 512-byte block is one tape record) with their shared libraries, the kernel modules the iSCSI
# initiator, sd, ext4, sr, isofs, st, ch, virtio-net, virtio-scsi and sg need, and the `init`,
# `cdrom.sh`, `tape.sh`, `changer.sh` and `passthrough.sh` scripts next to this file
# (LinuxPassThroughTest appends scstj itself, packed by pack-scstj.sh, as a second archive).
#
#   sh build-guest.sh CACHE_ROOT
#
# Packages come from Debian's apt only: `apt-get download` + `dpkg-deb -x`, never installed (a
# kernel's install hooks must not run here). iscsistart is taken from the host (package
# open-iscsi). The result lands in CACHE_ROOT/<key>/{vmlinuz,initrd.img}, the key derived from
# the package versions and the inputs' contents (this script and init included), so a rerun
# with nothing changed is instant and any change to the guest makes a new one.
# The last line printed is "GUEST-DIR <dir>".
set -eu

CACHE_ROOT=${1:?usage: build-guest.sh CACHE_ROOT}
HERE=$(cd "$(dirname "$0")" && pwd)
INIT="$HERE/init"
CDROM="$HERE/cdrom.sh"
TAPE="$HERE/tape.sh"
CHANGER="$HERE/changer.sh"
PASSTHROUGH="$HERE/passthrough.sh"
ISCSISTART=${ISCSISTART:-/usr/sbin/iscsistart}
WANTED="virtio_pci virtio_net crc32c_generic crc32c-intel libcrc32c scsi_transport_iscsi libiscsi libiscsi_tcp iscsi_tcp sd_mod ext4 cdrom sr_mod isofs st ch virtio_scsi sg"

die() { echo "build-guest: $*" >&2; exit 1; }
[ -f "$INIT" ] || die "no init script at $INIT"
[ -f "$CDROM" ] || die "no cdrom.sh at $CDROM"
[ -f "$TAPE" ] || die "no tape.sh at $TAPE"
[ -f "$CHANGER" ] || die "no changer.sh at $CHANGER"
[ -f "$PASSTHROUGH" ] || die "no passthrough.sh at $PASSTHROUGH"
[ -x "$ISCSISTART" ] || die "no $ISCSISTART (Debian package open-iscsi)"
for tool in apt-cache apt-get dpkg-deb ldd sha256sum gzip; do
    command -v "$tool" > /dev/null || die "$tool is missing"
done

# The kernel: whatever linux-image-amd64 currently depends on (override: SCSTJ_GUEST_KERNEL_PKG).
kernel_pkg() {
    apt-cache depends linux-image-amd64 2> /dev/null \
        | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}
candidate() {
    apt-cache policy "$1" 2> /dev/null | sed -n 's/^ *Candidate: //p' | head -n 1
}
KPKG=${SCSTJ_GUEST_KERNEL_PKG:-$(kernel_pkg)}
if [ -z "$KPKG" ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq > /dev/null 2>&1 || true
    KPKG=${SCSTJ_GUEST_KERNEL_PKG:-$(kernel_pkg)}
fi
[ -n "$KPKG" ] || die "cannot tell which linux-image package linux-image-amd64 depends on (apt-get update?)"
KVER_PKG=$(candidate "$KPKG")
BB_VER=$(candidate busybox-static)
EJECT_VER=$(candidate eject)
MT_VER=$(candidate mt-st)
MTX_VER=$(candidate mtx)
TAR_VER=$(candidate tar)
[ -n "$KVER_PKG" ] && [ "$KVER_PKG" != "(none)" ] || die "apt has no candidate for $KPKG"
[ -n "$BB_VER" ] && [ "$BB_VER" != "(none)" ] || die "apt has no candidate for busybox-static"
[ -n "$EJECT_VER" ] && [ "$EJECT_VER" != "(none)" ] || die "apt has no candidate for eject"
for v in "mt-st:$MT_VER" "mtx:$MTX_VER" "tar:$TAR_VER"; do
    [ -n "${v#*:}" ] && [ "${v#*:}" != "(none)" ] || die "apt has no candidate for ${v%%:*}"
done

LIBS=$(ldd "$ISCSISTART" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u)
KEY=$( {
    echo "$KPKG $KVER_PKG busybox-static $BB_VER eject $EJECT_VER mt-st $MT_VER mtx $MTX_VER tar $TAR_VER modules: $WANTED"
    sha256sum "$0" "$INIT" "$CDROM" "$TAPE" "$CHANGER" "$PASSTHROUGH" "$ISCSISTART" $LIBS | cut -d' ' -f1
} | sha256sum | cut -c1-20)
OUT="$CACHE_ROOT/$KPKG-$KEY"
if [ -f "$OUT/done" ]; then
    touch "$OUT/done" # last use, see the pruning below
    echo "GUEST-DIR $OUT"
    exit 0
fi

mkdir -p "$CACHE_ROOT"
WORK=$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
mkdir "$WORK/deb"
# apt drops privileges to _apt for downloads; let it write here
chmod 777 "$WORK/deb"
echo "build-guest: downloading $KPKG=$KVER_PKG busybox-static=$BB_VER eject=$EJECT_VER mt-st=$MT_VER mtx=$MTX_VER tar=$TAR_VER" >&2
( cd "$WORK/deb" && apt-get download -q "$KPKG=$KVER_PKG" "busybox-static=$BB_VER" "eject=$EJECT_VER" \
    "mt-st=$MT_VER" "mtx=$MTX_VER" "tar=$TAR_VER" ) >&2 \
    || die "apt-get download failed"
dpkg-deb -x "$WORK"/deb/"$KPKG"_*.deb "$WORK/kernel"
dpkg-deb -x "$WORK"/deb/busybox-static_*.deb "$WORK/busybox"
dpkg-deb -x "$WORK"/deb/eject_*.deb "$WORK/eject"
for pkg in mt-st mtx tar; do
    dpkg-deb -x "$WORK"/deb/"$pkg"_*.deb "$WORK/tape"
done
BB="$WORK/busybox/bin/busybox"
[ -x "$BB" ] || die "busybox-static has no bin/busybox"
EJECT="$WORK/eject/usr/bin/eject"
[ -x "$EJECT" ] || die "eject has no usr/bin/eject"
# eject's shared libraries come from the host (util-linux's libmount and libblkid, as for iscsistart)
ldd "$EJECT" | grep -q 'not found' && die "eject needs libraries the host lacks: $(ldd "$EJECT" | grep 'not found')"
EJECT_LIBS=$(ldd "$EJECT" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u)
# the tape tools, named as the guest calls them (in /sbin, ahead of busybox's applets in PATH)
TAPE_TOOLS="bin/mt-st:mt usr/sbin/mtx:mtx usr/sbin/tapeinfo:tapeinfo bin/tar:tar"
TAPE_LIBS=
for t in $TAPE_TOOLS; do
    f="$WORK/tape/${t%%:*}"
    [ -x "$f" ] || die "no ${t%%:*} in mt-st, mtx or tar"
    ldd "$f" | grep -q 'not found' && die "${t%%:*} needs libraries the host lacks: $(ldd "$f" | grep 'not found')"
    TAPE_LIBS="$TAPE_LIBS $(ldd "$f" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')"
done
TAPE_LIBS=$(echo $TAPE_LIBS | tr ' ' '\n' | sort -u)

KVER=$(ls "$WORK/kernel/lib/modules" | head -n 1)
[ -n "$KVER" ] && [ -f "$WORK/kernel/boot/vmlinuz-$KVER" ] || die "no vmlinuz/modules in $KPKG"
MODS="$WORK/kernel/lib/modules/$KVER"
# The package's modules.dep is made by its postinst (which we do not run): make it here.
"$BB" depmod -b "$WORK/kernel" "$KVER"

# The wanted modules and everything they depend on, per modules.dep (a module built into this
# kernel has no .ko and needs nothing).
ROOT="$WORK/root"
mkdir -p "$ROOT/bin" "$ROOT/sbin" "$ROOT/lib/modules/$KVER"
for m in $WANTED; do
    line=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$MODS/modules.dep" || true)
    if [ -z "$line" ]; then
        if grep -qE "(^|/)$m\.ko" "$MODS/modules.builtin" 2> /dev/null; then
            continue
        fi
        case "$m" in
            crc32c-intel) continue ;; # an accelerated variant: welcome, not required
        esac
        die "module $m is neither in modules.dep nor built in"
    fi
    for ko in $(echo "$line" | tr -d ':'); do
        mkdir -p "$ROOT/lib/modules/$KVER/$(dirname "$ko")"
        cp "$MODS/$ko" "$ROOT/lib/modules/$KVER/$ko"
    done
done
cp "$MODS/modules.builtin" "$MODS/modules.order" "$ROOT/lib/modules/$KVER/" 2> /dev/null || true
"$BB" depmod -b "$ROOT" "$KVER"

cp "$BB" "$ROOT/bin/busybox"
cp "$INIT" "$ROOT/init"
cp "$CDROM" "$ROOT/cdrom.sh"
cp "$TAPE" "$ROOT/tape.sh"
cp "$CHANGER" "$ROOT/changer.sh"
cp "$PASSTHROUGH" "$ROOT/passthrough.sh"
chmod 755 "$ROOT/init" "$ROOT/bin/busybox"
cp "$ISCSISTART" "$ROOT/sbin/iscsistart"
cp "$EJECT" "$ROOT/sbin/eject"
for t in $TAPE_TOOLS; do
    cp "$WORK/tape/${t%%:*}" "$ROOT/sbin/${t#*:}"
done
for lib in $LIBS $EJECT_LIBS $TAPE_LIBS; do
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
done
mkdir -p "$ROOT/dev"

mkdir -p "$WORK/out"
( cd "$ROOT" && find . | sort | "$BB" cpio -o -H newc 2> /dev/null ) | gzip -6 > "$WORK/out/initrd.img"
cp "$WORK/kernel/boot/vmlinuz-$KVER" "$WORK/out/vmlinuz"
echo "$KPKG $KVER_PKG ($KVER), busybox-static $BB_VER, eject $EJECT_VER, mt-st $MT_VER, mtx $MTX_VER, tar $TAR_VER, $("$ISCSISTART" -v 2>&1 | head -n 1)" > "$WORK/out/versions"
touch "$WORK/out/done"
[ -f "$OUT/done" ] || rm -rf "$OUT"
# a concurrent build of the same key may have won; its result is as good as ours
mv -T "$WORK/out" "$OUT" 2> /dev/null || [ -f "$OUT/done" ] || die "cannot install $OUT"
# Guests built from other inputs are stale now, unless one was used within a day: worktrees of
# other branches share this cache, and removing their guest would make them rebuild it (and
# remove ours) or vanish under a test about to boot it.
for old in "$CACHE_ROOT"/linux-image-*; do
    [ "$old" = "$OUT" ] && continue
    [ -n "$(find "$old/done" -mmin -1440 2> /dev/null)" ] && continue
    rm -rf "$old"
done
echo "build-guest: $(cat "$OUT/versions"), initrd $(wc -c < "$OUT/initrd.img") bytes" >&2
echo "GUEST-DIR $OUT"
