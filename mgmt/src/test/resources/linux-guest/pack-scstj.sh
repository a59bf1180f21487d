#!/bin/sh
# Packs scstj for the pass-through guest (LinuxPassThroughTest): a Java runtime jlinked from the
# JDK with the modules scstj's class path needs, that class path as jars, an AOT cache of both,
# and the host's shared libraries the runtime loads, as one newc cpio archive (not compressed).
# Appended to the guest's initrd.img it adds them to the guest's root (the kernel unpacks
# concatenated archives one after the other).
#
#   sh pack-scstj.sh CACHE_ROOT OUT.cpio CLASSPATH
#
# CLASSPATH is a Java class path (jars and class directories, ':' between them). The runtime
# (JAVA_HOME's jlink, `jdeps --print-module-deps` on the class path) is cached in
# CACHE_ROOT/jre-<key>, the key derived from the JDK's release file, this script and the class
# path's file names (not contents: a rebuilt jar needs the same modules); the class path's jars
# and the AOT cache in CACHE_ROOT/app-<key> (below). The guest gets both at the very paths they
# have on the host, and /opt/scstj/jre (a link to the runtime), /opt/scstj/classpath (the jars,
# in CLASSPATH's order) and /opt/scstj/jopts (the JVM options to start scstj with).
# The archive itself is made anew on every call. The last line printed is
# "PAYLOAD <OUT> <bytes> aot=<the AOT cache, or none>".
set -eu

CACHE_ROOT=${1:?usage: pack-scstj.sh CACHE_ROOT OUT CLASSPATH}
OUT=${2:?usage: pack-scstj.sh CACHE_ROOT OUT CLASSPATH}
CLASSPATH_ARG=${3:?usage: pack-scstj.sh CACHE_ROOT OUT CLASSPATH}
JDK=${JAVA_HOME:?JAVA_HOME must name a JDK with jlink and jdeps}

die() { echo "pack-scstj: $*" >&2; exit 1; }
[ -x "$JDK/bin/jlink" ] && [ -x "$JDK/bin/jdeps" ] || die "no jlink/jdeps in $JDK"
for tool in busybox ldd sha256sum flock od truncate; do
    command -v "$tool" > /dev/null || die "$tool is missing"
done

ENTRIES=$(echo "$CLASSPATH_ARG" | tr ':' '\n' | sed '/^$/d')
KEY=$( {
    cat "$JDK/release"
    sha256sum "$0" | cut -d' ' -f1
    for e in $ENTRIES; do basename "$e"; done
} | sha256sum | cut -c1-20)
JRE="$CACHE_ROOT/jre-$KEY"
if [ ! -f "$JRE/done" ]; then
    mkdir -p "$CACHE_ROOT"
    JWORK=$(mktemp -d "$CACHE_ROOT/.jre.XXXXXX")
    # jdeps starts from scstj's own classes (jars named scstj-*, class directories) and follows
    # them through the class path; a library's jar as a root would be read as a named module
    ROOTS=$(for e in $ENTRIES; do
        if [ -d "$e" ]; then echo "$e"; else case "$(basename "$e")" in scstj-*) echo "$e" ;; esac; fi
    done)
    MODS=$("$JDK/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps \
        --class-path "$CLASSPATH_ARG" $ROOTS 2> "$JWORK/jdeps.err" | tail -n 1) \
        || { cat "$JWORK/jdeps.err" >&2; rm -rf "$JWORK"; die "jdeps failed"; }
    case "$MODS" in
        java.base*) ;;
        *) cat "$JWORK/jdeps.err" >&2; rm -rf "$JWORK"; die "jdeps printed no module list: $MODS" ;;
    esac
    # logback reads its configuration with the JDK's XML parser, found by ServiceLoader (jdeps
    # cannot see that); jdk.zipfs and the charsets are cheap
    MODS="$MODS,java.xml,java.logging,jdk.zipfs,jdk.charsets"
    echo "pack-scstj: jlink $MODS" >&2
    "$JDK/bin/jlink" --add-modules "$MODS" --strip-debug --no-header-files --no-man-pages \
        --compress zip-6 --generate-cds-archive --output "$JWORK/jre" >&2 \
        || { rm -rf "$JWORK"; die "jlink failed"; }
    echo "$MODS" > "$JWORK/jre/scstj-modules"
    touch "$JWORK/jre/done"
    mv -T "$JWORK/jre" "$JRE" 2> /dev/null || [ -f "$JRE/done" ] || die "cannot install $JRE"
    rm -rf "$JWORK"
fi

# The application: the class path's jars, each class directory made a jar (an AOT cache refuses
# non-empty directories on the class path), and an AOT cache (JEP 483/514) of a training run of
# `scstj serve` on the host, with the very runtime and class path the guest uses at the very same
# absolute paths: the guest's root gets $JRE and $APP where the host has them (the cache checks
# the paths, sizes and modification times of the runtime's modules and of every jar; newc keeps
# the times). Cached in CACHE_ROOT/app-<key>, the key derived from the runtime's key, JOPTS and
# the class path's contents; a training run that fails leaves the cache out (the guest's JVM then
# loads every class from the jars; "aot=none" on the PAYLOAD line says so).
# JOPTS are the guest daemon's JVM options and the training run's (the cache wants the same GC,
# heap and module options): a small heap (the guest has little memory), the C1 compiler only
# (under TCG the start is mostly the JIT's cost), and Netty's leak detection on every buffer
# (sampling interval 1) without PARANOID's stack trace at each access of each buffer, which under
# TCG made every command cost several times more; a leaked buffer is reported all the same.
JOPTS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC \
-XX:TieredStopAtLevel=1 -Xms64m -Xmx256m -XX:MaxDirectMemorySize=128m \
-Dio.netty.leakDetection.level=simple -Dio.netty.leakDetection.samplingInterval=1"
APPKEY=$( {
    echo "$KEY $JOPTS"
    sha256sum "$0" | cut -d' ' -f1
    for e in $ENTRIES; do
        echo "entry"
        if [ -d "$e" ]; then
            ( cd "$e" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum )
        elif [ -f "$e" ]; then
            sha256sum < "$e"
        fi
    done
} | sha256sum | cut -c1-20)
APP="$CACHE_ROOT/app-$APPKEY"
exec 9> "$CACHE_ROOT/.pack-scstj.lock"
flock 9
if [ ! -f "$APP/done" ]; then
    rm -rf "$APP"
    mkdir -p "$APP/cp"
    CP=
    n=0
    for e in $ENTRIES; do
        n=$((n + 1))
        jar="$APP/cp/$(printf '%02d' $n).jar"
        if [ -d "$e" ]; then
            "$JDK/bin/jar" --create --file "$jar" -C "$e" . || die "jar of $e failed"
        elif [ -f "$e" ]; then
            cp "$e" "$jar"
        else
            continue
        fi
        CP="$CP:$jar"
    done
    echo "${CP#:}" > "$APP/classpath"
    # the training run: a file-backed disk served on a port of the host's loopback, asked what
    # the host's initiators first ask (when libiscsi's tools are there), then stopped by SIGTERM;
    # the JVM writes the cache as it exits
    T="$APP/training"
    mkdir -p "$T/state"
    truncate -s 16M "$T/disk.img"
    PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
    cat > "$T/scstj.conf" <<CONF
scstj {
  state-dir = "$T/state"
  admin.enabled = false
  handlers { vdisk_fileio { d0 { filename = "$T/disk.img" } } }
  target-drivers.iscsi {
    portals = ["127.0.0.1:$PORT"]
    targets { "iqn.2026-12.org.scstj:training" { luns { 0 = d0 } } }
  }
}
CONF
    # shellcheck disable=SC2086
    "$JRE/bin/java" $JOPTS -XX:AOTCacheOutput="$APP/scstj.aot" -cp "${CP#:}" org.scstj.mgmt.Main serve \
        -c "$T/scstj.conf" > "$T/daemon.log" 2>&1 &
    PID=$!
    i=0
    while ! grep -q "ready: iSCSI" "$T/daemon.log" && kill -0 $PID 2> /dev/null && [ $i -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    URL="iscsi://127.0.0.1:$PORT/iqn.2026-12.org.scstj:training/0"
    for tool in iscsi-inq iscsi-readcapacity16; do
        if command -v $tool > /dev/null; then
            timeout 30 $tool "$URL" > /dev/null 2>&1 || true
        fi
    done
    kill -TERM $PID 2> /dev/null || true
    wait $PID || echo "pack-scstj: the training run ended with $?" >&2
    if [ ! -s "$APP/scstj.aot" ]; then
        sed 's/^/pack-scstj: training: /' "$T/daemon.log" >&2
        rm -f "$APP/scstj.aot"
    fi
    rm -rf "$T"
    rm -f "$APP"/scstj.aot.config
    touch "$APP/done"
fi
flock -u 9

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/root"
mkdir -p "$ROOT/opt/scstj" "$ROOT$(dirname "$JRE")" "$ROOT$(dirname "$APP")"
cp -a "$JRE" "$ROOT$JRE"
cp -a "$APP" "$ROOT$APP"
ln -s "$JRE" "$ROOT/opt/scstj/jre"
cp "$APP/classpath" "$ROOT/opt/scstj/classpath"
AOT=none
if [ -f "$APP/scstj.aot" ]; then
    AOT="$APP/scstj.aot"
    JOPTS="$JOPTS -XX:AOTCache=$AOT"
    # the cache holds the runtime's classes too: jlink's CDS archives would only lengthen the
    # kernel's unpacking of the initrd
    rm -f "$ROOT$JRE"/lib/server/classes*.jsa
fi
echo "$JOPTS" > "$ROOT/opt/scstj/jopts"

# the libraries java, libjvm and the runtime's own libraries load, from the host (as for
# iscsistart in build-guest.sh); the windowing ones (awt) are never loaded by a server
LIBS=$(for f in "$JRE/bin/java" "$JRE/lib/server/libjvm.so" "$JRE/lib/libjava.so" "$JRE/lib/libnet.so" \
        "$JRE/lib/libnio.so" "$JRE/lib/libzip.so" "$JRE/lib/libjli.so"; do
    [ -f "$f" ] && ldd "$f"
done | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | grep -v "^$JRE" | sort -u)
for lib in $LIBS; do
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
done

# not compressed: under TCG the kernel's gunzip of this much took seconds of the guest's boot
( cd "$ROOT" && find . | sort | busybox cpio -o -H newc 2> /dev/null ) > "$OUT"
echo "PAYLOAD $OUT $(wc -c < "$OUT") aot=$AOT"
