# Sourced by init (scstj.mode=cdrom) once iscsistart has logged in: LinuxCdromTest's checks of a
# virtual CD-ROM (scstj's vcdrom handler) with Linux's own sr driver and isofs.
#   1. sr attaches the LUN (peripheral type 5, removable) as srN with 2048-byte blocks;
#   2. the guest mounts the medium (iso9660, read-only) and checks the file the host names against
#      the checksum the host gives (GET /cd/medium?n=1 answers "NAME SHA256 ISO_BYTES");
#   3. while the medium is mounted the cdrom layer holds PREVENT MEDIUM REMOVAL: the host's load
#      without force (GET /cd/locked) must be refused, and the file reads back unchanged with cold
#      caches;
#   4. it unmounts and asks the host to load the second image (GET /cd/swap: the host calls the
#      admin API's load and answers with the new medium's "NAME SHA256 ISO_BYTES"), mounts again
#      and checks that it now reads the second image's file (and no longer the first's): sr must
#      have noticed the media change (unit attention 28/00 / GET EVENT STATUS NOTIFICATION) on
#      its own, nothing here tells the kernel;
#   5. `eject -r` (the CD-ROM ioctl, i.e. sr's START STOP UNIT with LoEj) opens the tray: the
#      drive is empty (the host is asked to look at the device right then, GET /cd/state), and
#      with the cdrom layer's autoclose off, opening the device for data fails with "No medium
#      found";
#   6. with autoclose on (Linux's default) the next open closes the tray (START STOP UNIT with
#      LoEj and Start) and the disc in it reads again;
#   7. the host empties the drive (GET /cd/empty: the admin API's eject): opening the device for
#      data fails with "No medium found" again, now with the tray closed.
# Uses init's fail, off, HPORT; ends with the verdict line and powers off.

# a console line with the guest's uptime, to see where the time goes
say() {
    echo "scstj-guest: [$(cut -d' ' -f1 /proc/uptime)] $*"
}
say "cdrom checks start"
# the SCSI midlayer's error recovery logs (abort scheduled / aborting command ...): no command may
# time out anywhere in this run, which the end checks
echo 63 > /proc/sys/dev/scsi/logging_level

[ -n "$HPORT" ] || fail "cdrom mode needs scstj.hport= (the host names the media)"

# GET http://10.0.2.2:HPORT$1 (bounded); the answer in GOT, fails the run on an error (not called
# in a $(...): fail's verdict must reach the console)
host_get() {
    GOT=$(timeout 90 wget -q -O - "http://10.0.2.2:$HPORT$1" 2>&1) || fail "host request $1 failed: $GOT"
}

# the first SCSI CD-ROM of the session: sr names it srN, devtmpfs makes its node
CD=
i=0
while [ $i -lt 150 ]; do
    for b in /sys/block/sr*; do
        [ -e "$b/device" ] || continue
        n="${b##*/}"
        if [ -b "/dev/$n" ]; then
            CD="$n"
            break 2
        fi
    done
    sleep 0.2
    i=$((i + 1))
done
if [ -z "$CD" ]; then
    for d in /sys/bus/scsi/devices/*/type; do
        [ -e "$d" ] && say "${d%/type}: type $(cat "$d") vendor $(cat "${d%/type}/vendor" 2>/dev/null)"
    done
    fail "no SCSI CD-ROM (srN) appeared within 30 s after login"
fi
DEV=/dev/$CD
SYS=/sys/block/$CD
TYPE=$(cat $SYS/device/type)
VENDOR=$(sed 's/ *$//' $SYS/device/vendor)
MODEL=$(sed 's/ *$//; s/ /_/g' $SYS/device/model)
REMOVABLE=$(cat $SYS/removable)
RO=$(cat $SYS/ro)
say "$DEV type=$TYPE vendor=$VENDOR model=$MODEL removable=$REMOVABLE ro=$RO events=$(cat $SYS/events 2>/dev/null | tr ' ' ,)"

# mounts the medium, checks NAME's checksum, reports the capacity sr read; $1 is the host's answer
# "NAME SHA256 ISO_BYTES", $2 a label for messages. Sets NAME, BYTES (capacity in bytes), BLOCK.
check_medium() {
    set -- $1 "$2"
    NAME=$1
    SUM=$2
    label=$4
    say "mounting the $label medium"
    mount -t iso9660 -o ro "$DEV" /mnt > /tmp/mount.log 2>&1 || { cat /tmp/mount.log; fail "mount $DEV ($label)"; }
    [ -f "/mnt/$NAME" ] || { ls -la /mnt; fail "no /mnt/$NAME on the $label medium"; }
    got=$(sha256sum "/mnt/$NAME" | cut -d' ' -f1)
    [ "$got" = "$SUM" ] || fail "$label medium: /mnt/$NAME has sha256 $got, the host wrote $SUM"
    BLOCK=$(cat $SYS/queue/logical_block_size)
    BYTES=$(($(cat $SYS/size) * 512))
    say "$label medium: /mnt/$NAME sha256 ok, capacity $BYTES bytes, block $BLOCK; files: $(ls /mnt | tr '\n' ' ')"
}

host_get "/cd/medium?n=1"
FIRST=$GOT
check_medium "$FIRST" first
NAME_A=$NAME
BYTES_A=$BYTES
BLOCK_A=$BLOCK
SUM_A=$(echo "$FIRST" | cut -d' ' -f2)

# mounted, so the door is locked: the host's load without force must be refused
host_get "/cd/locked"
LOCKED=$GOT
say "host's load while mounted: $LOCKED"
echo 3 > /proc/sys/vm/drop_caches
got=$(sha256sum "/mnt/$NAME_A" | cut -d' ' -f1)
[ "$got" = "$SUM_A" ] || fail "after the refused load /mnt/$NAME_A has sha256 $got, not $SUM_A"
say "unmounting the first medium"
umount /mnt || fail "umount (first medium)"
say "unmounted; asking the host to load the second image"

# the host swaps the image while the session stays logged in; the drive is closed (unlocked) now
host_get "/cd/swap"
SECOND=$GOT
say "host loaded the second image: $SECOND"
check_medium "$SECOND" second
NAME_B=$NAME
BYTES_B=$BYTES
BLOCK_B=$BLOCK
[ "$NAME_A" = "$NAME_B" ] || [ ! -e "/mnt/$NAME_A" ] || fail "the first medium's /mnt/$NAME_A is still there after the swap"
umount /mnt || fail "umount (second medium)"

# opening the device for data must fail for want of a medium ($1 names the moment)
no_medium() {
    say "opening $DEV for data $1"
    dd if="$DEV" of=/dev/null bs=2048 count=1 > /tmp/dd.log 2>&1 && { cat /tmp/dd.log; fail "$DEV reads $1"; }
    cat /tmp/dd.log
    grep -q "No medium found" /tmp/dd.log || fail "reading $DEV $1 failed, but not with 'No medium found'"
    mount -t iso9660 -o ro "$DEV" /mnt > /tmp/mount.log 2>&1 && fail "$DEV mounts $1"
    cat /tmp/mount.log
}

say "eject -r $DEV"
# eject through sr (-r: the CD-ROM eject ioctl only, no SCSI pass-through fallback)
timeout 60 eject -v -r "$DEV" > /tmp/eject.log 2>&1
rc=$?
cat /tmp/eject.log
[ "$rc" = 0 ] || fail "eject -r $DEV exited with $rc"
grep -q "CD-ROM eject command succeeded" /tmp/eject.log || fail "eject did not use the CD-ROM eject command"
host_get "/cd/state"
EJECTED=$GOT
say "host sees after eject: $EJECTED"
# the tray is open; without autoclose an open for data does not close it (sr's TUR / GET EVENT
# STATUS NOTIFICATION say no medium, tray open)
echo 0 > /proc/sys/dev/cdrom/autoclose || fail "cannot turn the cdrom layer's autoclose off"
no_medium "after eject"
NOMEDIUM=1

# Linux's default: opening a drive whose tray is open closes it, and the disc in it is back
echo 1 > /proc/sys/dev/cdrom/autoclose || fail "cannot turn the cdrom layer's autoclose on"
check_medium "$SECOND" "closed-again"
[ "$NAME" = "$NAME_B" ] || fail "after closing the tray the medium holds $NAME, not $NAME_B"
umount /mnt || fail "umount (after closing the tray)"
RECLOSED=1

# the operator takes the disc out
host_get "/cd/empty"
EMPTIED=$GOT
say "host emptied the drive: $EMPTIED"
no_medium "after the host emptied the drive"
NOMEDIUM2=1

# what the kernel said about the drive (errors, aborts and resets would show here)
dmesg | grep -iE 'sr0|sr [0-9]|cdrom|scsi|iscsi|isofs|abort|reset|timed? ?out' | tail -n 40 | sed 's/^/scstj-guest: dmesg: /'
# Every command was answered in time: a command sr timed out (30 s) shows as an abort by the error
# handler and perhaps a LOGICAL UNIT RESET (a second "Power-on or device reset occurred" after the
# power-on unit attention at login); its retry may well have succeeded, which would hide it.
ABORTS=$(dmesg | grep -ciE 'abort')
RESETS=$(dmesg | grep -c 'Power-on or device reset occurred')
[ "$ABORTS" = 0 ] || fail "Linux's SCSI error handler logged $ABORTS abort line(s): a command was not answered in time"
[ "$RESETS" -le 1 ] || fail "the drive was reset $RESETS times (Linux's error handler)"

echo
echo "SCSTJ-LINUX-OK mode=cdrom cd=$CD type=$TYPE vendor=$VENDOR model=$MODEL removable=$REMOVABLE ro=$RO" \
    "block=$BLOCK_A block2=$BLOCK_B bytes=$BYTES_A bytes2=$BYTES_B file=$NAME_A file2=$NAME_B" \
    "locked=$(echo "$LOCKED" | tr ' ' _) ejected=$(echo "$EJECTED" | tr ' ' _) nomedium=$NOMEDIUM" \
    "reclosed=$RECLOSED emptied=$(echo "$EMPTIED" | tr ' ' _) nomedium2=$NOMEDIUM2"
off
