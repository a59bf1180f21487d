# Sourced by init (scstj.mode=changer) once iscsistart has logged in: LinuxChangerTest's checks of
# a medium changer (scstj's vchanger handler, LUN 0) over a tape drive (vtape, LUN 1) with Linux's
# ch and st drivers, mtx on /dev/schN and mt-st's mt on the no-rewind /dev/nstN:
#   1. ch attaches the changer (peripheral type 08h), st the drive; mtx inquiry; mtx status with
#      the cartridges' barcodes and the drive empty (mt status: DR_OPEN);
#   2. mtx load 1 0: the drive comes online at the beginning of the tape; a file of three
#      4096-byte records written with dd (st closes it with a filemark); mt offline; mtx unload 1 0;
#   3. mtx transfer 1 4 (storage to storage); mtx load 2 0: another cartridge, blank (end of data
#      at 0); mtx unload 2 0 straight from the threaded drive;
#   4. mtx load 4 0: the first cartridge again, the file reads back; mtx unload with no slot
#      (back where it came from: READ ELEMENT STATUS's source element);
#   5. mtx transfer 2 3 into a full slot is refused (mtx exits non-zero: it reads the element
#      status first and sends no MOVE MEDIUM to a full destination); the final mtx status.
# An inventory is reported as elements joined by commas: dN:BARCODE@SLOT (a full drive and the slot
# it was loaded from), dN:- (an empty drive), sN:BARCODE or sN:- (slots, import/export ones last).
# mt is called by path: busybox's shell runs its own applet of that name first.
# Uses init's fail and off; ends with the verdict line and powers off:
#   SCSTJ-LINUX-OK mode=changer key=value...

say() {
    echo "scstj-guest: [$(cut -d' ' -f1 /proc/uptime)] $*"
}
say "changer checks start"
# the SCSI midlayer's error recovery logs: no command may time out, which the end checks
echo 63 > /proc/sys/dev/scsi/logging_level

# the session's device of class $1 (scsi_changer or scsi_tape) whose name matches $2 at LUN $3,
# within 30 s; its name in FOUND
device_of_lun() {
    FOUND=
    i=0
    while [ $i -lt 150 ]; do
        for c in /sys/class/$1/$2; do
            [ -e "$c/device" ] || continue
            n="${c##*/}"
            hctl=$(basename "$(readlink "$c/device")")
            if [ "${hctl##*:}" = "$3" ] && [ -c "/dev/$n" ]; then
                FOUND="$n"
                return 0
            fi
        done
        sleep 0.2
        i=$((i + 1))
    done
    for d in /sys/bus/scsi/devices/*/type; do
        [ -e "$d" ] && say "${d%/type}: type $(cat "$d")"
    done
    fail "no $1 device at LUN $3 appeared within 30 s after login"
}
device_of_lun scsi_changer 'sch[0-9]*' 0
CH=/dev/$FOUND
TYPE=$(cat /sys/class/scsi_changer/$FOUND/device/type)
device_of_lun scsi_tape 'nst[0-9]' 1
T=/dev/$FOUND
say "changer $CH (type $TYPE), drive $T"

# mtx -f $CH "$@", bounded; its output in /tmp/mtx.log and on the console; fails the run on an error
mtxc() {
    timeout 120 /sbin/mtx -f "$CH" "$@" > /tmp/mtx.log 2>&1
    rc=$?
    sed 's/^/    /' /tmp/mtx.log
    [ "$rc" = 0 ] || fail "mtx $* exited with $rc: $(tr '\n' ' ' < /tmp/mtx.log)"
}
# mt -f $T "$@", the same way, in /tmp/mt.log
mtc() {
    timeout 120 /sbin/mt -f "$T" "$@" > /tmp/mt.log 2>&1
    rc=$?
    sed 's/^/    /' /tmp/mt.log
    [ "$rc" = 0 ] || fail "mt $* exited with $rc: $(tr '\n' ' ' < /tmp/mt.log)"
}
# mtx status as one word (see above), in INV
inventory() {
    mtxc status
    INV=$(sed -n -e 's/^Data Transfer Element \([0-9]*\):Empty.*/d\1:-/p' \
        -e 's/^Data Transfer Element \([0-9]*\):Full (Storage Element \([0-9]*\) Loaded):VolumeTag *= *\([^ ]*\).*/d\1:\3@\2/p' \
        -e 's/^ *Storage Element \([0-9]*\)[^:]*:Empty.*/s\1:-/p' \
        -e 's/^ *Storage Element \([0-9]*\)[^:]*:Full.*VolumeTag *= *\([^ ]*\).*/s\1:\2/p' /tmp/mtx.log \
        | tr '\n' ',' | sed 's/,$//')
    say "inventory ($1): $INV"
}
# the drive's state as mt status shows it: online, dr_open or other, in DRIVE (BOT appended as +bot)
drive() {
    mtc status
    DRIVE=other
    grep -q DR_OPEN /tmp/mt.log && DRIVE=dr_open
    grep -q ONLINE /tmp/mt.log && DRIVE=online
    grep -q BOT /tmp/mt.log && DRIVE="$DRIVE+bot"
    say "drive ($1): $DRIVE"
}
# the position mt tell reports (READ POSITION), in POS
tell() {
    mtc tell
    POS=$(sed -n 's/^At block \([0-9][0-9]*\)\..*/\1/p' /tmp/mt.log)
    [ -n "$POS" ] || fail "mt tell printed no block: $(cat /tmp/mt.log)"
    say "at $POS ($1)"
}

mtxc inquiry
PRODUCT=$(sed -n 's/^Product Type: *//p' /tmp/mtx.log | tr ' ' _)
inventory start
INV0=$INV
drive "before any load"
EMPTY=$DRIVE

mtxc load 1 0
inventory "after load 1 0"
INV1=$INV
drive "after load 1 0"
LOADED=$DRIVE
mtc setblk 0
head -c 12288 /dev/urandom > /tmp/file
SUM=$(sha256sum /tmp/file | cut -d' ' -f1)
timeout 60 dd if=/tmp/file of="$T" bs=4096 > /tmp/dd.log 2>&1 || { cat /tmp/dd.log; fail "dd into $T"; }
tell "after the file and its filemark"
WROTE=$POS
mtc offline
mtxc unload 1 0

mtxc transfer 1 4
mtxc load 2 0
mtc eod
tell "end of data of the second cartridge"
BLANK=$POS
mtxc unload 2 0

mtxc load 4 0
drive "after load 4 0"
RELOADED=$DRIVE
timeout 60 dd if="$T" of=/tmp/file.back bs=4096 > /tmp/dd.log 2>&1 || { cat /tmp/dd.log; fail "dd from $T"; }
READ=$(sha256sum /tmp/file.back | cut -d' ' -f1)
[ "$READ" = "$SUM" ] || fail "the file reads back with sha256 $READ, not $SUM"
tell "after reading the file back"
READ_AT=$POS
inventory "after load 4 0"
INV2=$INV
mtxc unload

timeout 120 /sbin/mtx -f "$CH" transfer 2 3 > /tmp/mtx.log 2>&1
REFUSED=$?
sed 's/^/    /' /tmp/mtx.log
[ "$REFUSED" != 0 ] || fail "mtx transfer 2 3 into a full slot succeeded"
grep -q "Already Full" /tmp/mtx.log || fail "mtx transfer 2 3 failed, but not for the full slot"
inventory end
INV3=$INV

# what the kernel said (errors, aborts and resets would show here)
dmesg | grep -iE 'ch[0-9]|st[0-9]|scsi|abort|reset|timed? ?out' | tail -n 30 | sed 's/^/scstj-guest: dmesg: /'
# Every command was answered in time: a timed-out command shows as an abort by the error handler
# and perhaps a LOGICAL UNIT RESET (a second "Power-on or device reset occurred" for an LU, after
# the power-on unit attention each LU reports once).
ABORTS=$(dmesg | grep -ciE 'abort')
RESET=$(dmesg | sed -n 's/.* \([0-9]*:[0-9]*:[0-9]*:[0-9]*\): Power-on or device reset occurred.*/\1/p' | sort | uniq -d)
[ "$ABORTS" = 0 ] || fail "Linux's SCSI error handler logged $ABORTS abort line(s): a command was not answered in time"
[ -z "$RESET" ] || fail "the LU $RESET was reset (Linux's error handler)"

echo
echo "SCSTJ-LINUX-OK mode=changer type=$TYPE product=$PRODUCT empty=$EMPTY loaded=$LOADED reloaded=$RELOADED wrote=$WROTE blank=$BLANK read_at=$READ_AT refused=$REFUSED inv0=$INV0 inv1=$INV1 inv2=$INV2 inv3=$INV3"
off
