# Sourced by init (scstj.mode=passthrough) once the network is up: LinuxPassThroughTest's guest is
# the target. QEMU gives it a virtio-scsi controller (PCI slot 10h) with an emulated disk
# (scsi-hd) and CD-ROM (scsi-cd), and a second controller (slot 11h) with a second disk; with sd
# and sr left out they are only SCSI generic nodes, /dev/sgN. scstj (the jlinked runtime and
# class path pack-scstj.sh appended to the initrd, see there) serves them with its dev_disk and
# dev_cdrom handlers on 0.0.0.0:3260: target TARGET has the first disk (LUN 0) and the CD-ROM
# (LUN 1), target TARGET-data the second disk (LUN 0), so that the host's initiators (libiscsi)
# can run the reservation suites, with their target resets, beside the data suites without
# either seeing the other's resets. QEMU forwards the port to one of the host's 127.0.0.1. Then:
#   1. `scstj serve` starts; once it listens the guest says so on the console (SCSTJ-SG-LISTENING)
#      and asks the host (GET /done on scstj.hport) to answer when its initiators are done;
#   2. the daemon is stopped with SIGTERM; its exit status and its log (each line prefixed
#      "scstj-daemon: ") go to the console before the verdict.
# (`scstj check` is left out: serve validates the same way, and under TCG a JVM start costs 15 s.)
# Uses init's fail, off, HPORT, TARGET; ends with the verdict line and powers off.

say() {
    echo "scstj-guest: [$(cut -d' ' -f1 /proc/uptime)] $*"
}
say "pass-through target: loading virtio_scsi and sg"
[ -n "$HPORT" ] || fail "passthrough mode needs scstj.hport= (the host says when it is done)"
[ -x /opt/scstj/jre/bin/java ] || fail "no /opt/scstj/jre: the initrd lacks pack-scstj.sh's archive"
for m in virtio_scsi sg; do
    modprobe "$m" || fail "modprobe $m"
done

# the SG node of the first device of peripheral type $1 on the virtio-scsi controller in PCI
# slot $2
sg_of_type() {
    for d in /sys/class/scsi_generic/sg*; do
        [ -e "$d/device/type" ] || continue
        case "$(readlink -f "$d/device")" in */0000:00:$2.0/*) ;; *) continue ;; esac
        [ "$(cat "$d/device/type")" = "$1" ] && { echo "${d##*/}"; return; }
    done
}
DISK=
CD=
DISK2=
i=0
while [ $i -lt 150 ]; do
    DISK=$(sg_of_type 0 10)
    CD=$(sg_of_type 5 10)
    DISK2=$(sg_of_type 0 11)
    [ -n "$DISK" ] && [ -n "$CD" ] && [ -n "$DISK2" ] && [ -c "/dev/$DISK" ] && [ -c "/dev/$CD" ] \
        && [ -c "/dev/$DISK2" ] && break
    sleep 0.2
    i=$((i + 1))
done
for d in /sys/class/scsi_generic/sg*; do
    [ -e "$d/device/type" ] && say "${d##*/}: $(readlink -f "$d/device" | cut -d/ -f5,9) type $(cat "$d/device/type")" \
        "vendor '$(cat "$d/device/vendor")' model '$(cat "$d/device/model")'"
done
[ -n "$DISK" ] || fail "no SCSI disk (type 0) among the SG nodes within 30 s"
[ -n "$CD" ] || fail "no SCSI CD-ROM (type 5) among the SG nodes within 30 s"
[ -n "$DISK2" ] || fail "no second SCSI disk (type 0, slot 11h) among the SG nodes within 30 s"

echo "127.0.0.1 localhost scstj-guest" > /etc/hosts
hostname scstj-guest
mkdir -p /var/lib/scstj
cat > /etc/scstj.conf <<EOF
scstj {
  state-dir = "/var/lib/scstj"
  admin.enabled = false
  handlers {
    dev_disk {
      qemu-hd { device = "/dev/$DISK" }
      qemu-hd2 { device = "/dev/$DISK2" }
    }
    dev_cdrom { qemu-cd { device = "/dev/$CD" } }
  }
  target-drivers.iscsi {
    portals = ["0.0.0.0:3260"]
    targets {
      "$TARGET" { luns { 0 = qemu-hd, 1 = qemu-cd } }
      "$TARGET-data" { luns { 0 = qemu-hd2 } }
    }
  }
}
EOF

JAVA=/opt/scstj/jre/bin/java
CP=$(cat /opt/scstj/classpath)
# pack-scstj.sh's JVM options: those of its training run, and its AOT cache when it made one
JOPTS=$(cat /opt/scstj/jopts)

say "scstj serve"
T1=$(cut -d' ' -f1 /proc/uptime)
$JAVA $JOPTS -cp "$CP" org.scstj.mgmt.Main serve -c /etc/scstj.conf > /tmp/daemon.log 2>&1 &
PID=$!
i=0
while ! netstat -ltn 2> /dev/null | grep -q ':3260 '; do
    kill -0 $PID 2> /dev/null || { sed 's/^/scstj-daemon: /' /tmp/daemon.log; fail "scstj serve exited before it listened"; }
    [ $i -lt 900 ] || { sed 's/^/scstj-daemon: /' /tmp/daemon.log; fail "scstj did not listen on 3260 within 180 s"; }
    sleep 0.2
    i=$((i + 1))
done
T2=$(cut -d' ' -f1 /proc/uptime)
say "SCSTJ-SG-LISTENING disk=$DISK cd=$CD disk2=$DISK2"

# the host answers once its initiators are done (its own bound is shorter than ours)
DONE=$(timeout 600 wget -q -O - "http://10.0.2.2:$HPORT/done" 2>&1)
rc=$?
say "host done ($rc): $DONE"
kill -TERM $PID
i=0
while kill -0 $PID 2> /dev/null && [ $i -lt 300 ]; do
    sleep 0.2
    i=$((i + 1))
done
kill -0 $PID 2> /dev/null && { kill -KILL $PID; fail "scstj did not stop within 60 s of SIGTERM"; }
wait $PID
STATUS=$?
sed 's/^/scstj-daemon: /' /tmp/daemon.log
[ "$STATUS" = 0 ] || fail "scstj exited with $STATUS after SIGTERM"

echo
echo "SCSTJ-LINUX-OK mode=passthrough disk=$DISK cd=$CD disk2=$DISK2" \
    "listen_s=$(echo "$T1 $T2" | awk '{print $2 - $1}') exit=$STATUS"
off
