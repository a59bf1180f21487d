#!/bin/sh
# Packs scstj for the pass-through guest (LinuxPassThroughTest): a Java runtime jlinked from the
# JDK with the modules scstj's class path needs, that class path, and the host's shared libraries
# the runtime loads, as one gzip'd newc cpio archive. Appended to the guest's initrd.img it adds
# /opt/scstj to the guest's root (the kernel unpacks concatenated archives one after the other).
#
#   sh pack-scstj.sh CACHE_ROOT OUT.cpio.gz CLASSPATH
#
# CLASSPATH is a Java class path (jars and class directories, ':' between them), in the guest
# /opt/scstj/cp/NN.jar or /opt/scstj/cp/NN/ in the same order; /opt/scstj/classpath names them.
# The runtime (JAVA_HOME's jlink, `jdeps --print-module-deps` on the class path, with a CDS
# archive for a faster start under TCG) is cached in CACHE_ROOT/jre-<key>, the key derived from
# the JDK's release file, this script and the class path's file names (not contents: a rebuilt
# jar needs the same modules); the archive itself is made anew on every call.
# The last line printed is "PAYLOAD <OUT> <bytes>".
set -eu

CACHE_ROOT=${1:?usage: pack-scstj.sh CACHE_ROOT OUT CLASSPATH}
OUT=${2:?usage: pack-scstj.sh CACHE_ROOT OUT CLASSPATH}
CLASSPATH_ARG=${3:?usage: pack-scstj.sh CACHE_ROOT OUT CLASSPATH}
JDK=${JAVA_HOME:?JAVA_HOME must name a JDK with jlink and jdeps}

die() { echo "pack-scstj: $*" >&2; exit 1; }
[ -x "$JDK/bin/jlink" ] && [ -x "$JDK/bin/jdeps" ] || die "no jlink/jdeps in $JDK"
for tool in busybox ldd sha256sum gzip; do
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

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/root"
mkdir -p "$ROOT/opt/scstj/cp"
cp -a "$JRE" "$ROOT/opt/scstj/jre"
CP=
n=0
for e in $ENTRIES; do
    n=$((n + 1))
    name=$(printf '%02d' $n)
    if [ -d "$e" ]; then
        cp -a "$e" "$ROOT/opt/scstj/cp/$name"
        CP="$CP:/opt/scstj/cp/$name"
    elif [ -f "$e" ]; then
        cp "$e" "$ROOT/opt/scstj/cp/$name.jar"
        CP="$CP:/opt/scstj/cp/$name.jar"
    fi
done
echo "${CP#:}" > "$ROOT/opt/scstj/classpath"

# the libraries java, libjvm and the runtime's own libraries load, from the host (as for
# iscsistart in build-guest.sh); the windowing ones (awt) are never loaded by a server
LIBS=$(for f in "$ROOT/opt/scstj/jre/bin/java" "$ROOT/opt/scstj/jre/lib/server/libjvm.so" \
        "$ROOT/opt/scstj/jre/lib/libjava.so" "$ROOT/opt/scstj/jre/lib/libnet.so" \
        "$ROOT/opt/scstj/jre/lib/libnio.so" "$ROOT/opt/scstj/jre/lib/libzip.so" \
        "$ROOT/opt/scstj/jre/lib/libjli.so"; do
    [ -f "$f" ] && ldd "$f"
done | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | grep -v "^$ROOT" | sort -u)
for lib in $LIBS; do
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
done

( cd "$ROOT" && find . | sort | busybox cpio -o -H newc 2> /dev/null ) | gzip -1 > "$OUT"
echo "PAYLOAD $OUT $(wc -c < "$OUT")"
