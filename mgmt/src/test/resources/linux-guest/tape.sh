# Sourced by init (scstj.mode=tape) once iscsistart has logged in: LinuxTapeTest's checks of a
# tape drive (scstj's vtape handler) with Linux's own st driver, mt-st's mt and GNU tar, on the
# no-rewind device /dev/nstN. Positions are logical object identifiers (records and filemarks
# count alike, SSC-3 4.2.6); mt tell reports READ POSITION's first block location.
#
# scstj.step=write (the first boot, on a blank cartridge):
#   1. st attaches the LUN (peripheral type 01h); mt status;
#   2. variable-block mode (setblk 0): a tar archive (-b 20, 10240-byte records) of the files the
#      host serves (GET /tape/manifest answers "NAME SHA256 SIZE" lines, GET /tape/file/NAME the
#      bytes), closed with a filemark (TR records + 1); a second file of five 4096-byte records
#      (dd) and its filemark; mt weof 1. End of data is then at TR + 8;
#   3. rewind, fsf 1, tell; read the second file back (positioned past its filemark), bsf 1,
#      tell; eod, tell; seek to the second file, tell, read it again; fsr, bsr; bsr stopped by
#      a filemark, fsf by end of data, bsf by the beginning of the tape; rewind and extract the
#      archive, checking every file's sha256 against the host's manifest;
#   4. a read shorter than the record (dd bs=512 of a 10240-byte record): st fails it with ENOMEM
#      and names the record's length (ILI with a negative INFORMATION, SSC-3 READ(6)), the drive
#      past the record;
#   5. fixed-block mode (setblk 512): mt status shows the block size, 23 blocks written at end of
#      data (WRITEs of st's 4096-byte buffer, FIXED 1), sought and read back;
#   6. erase from the fixed-block file's start (end of data there again, the archive intact);
#   7. mtx's tapeinfo (INQUIRY, READ BLOCK LIMITS, MODE SENSE, READ POSITION through SG_IO) reads
#      the drive;
#   8. offline (LOAD UNLOAD): mt status shows no tape (DR_OPEN), mt load threads it again;
#   9. the second drive's small cartridge (LUN 1) filled to early warning: ENOSPC, the filemark
#      st writes on close and one more (weof) after it, the records written read back.
# scstj.step=verify (the second boot, the daemon restarted on the same library): mt load, rewind,
# the archive extracts with the manifest's checksums, the second file reads as before, end of
# data is where the erase left it.
# scstj.step=gateway (LinuxGatewayTapeTest: the drive is another scstj's, behind a dev_iscsi
# gateway; one boot, a blank cartridge): mt status; in variable-block mode the tar archive of the
# host's files (TR records and tar's filemark), weof 1; rewind, fsf 1, bsf 1, eod, seek and tell
# land where those objects put them; the archive extracts with the manifest's checksums.
# scstj.step=user (LinuxUserTapeTest: the drive is a handler in another process, the Python
# examples/tape_drive.py, which executes st's commands as CDB operations): the same as gateway.
# mt and tar are called by path: busybox's shell runs its own applets of those names first.
# Uses init's fail, off, HPORT, STEP; ends with the verdict line and powers off:
#   SCSTJ-LINUX-OK mode=tape step=... key=value...

# a console line with the guest's uptime, to see where the time goes
say() {
    echo "scstj-guest: [$(cut -d' ' -f1 /proc/uptime)] $*"
}
say "tape checks start, step $STEP"
# the SCSI midlayer's error recovery logs (abort scheduled / aborting command ...): no command may
# time out, which the end checks
echo 63 > /proc/sys/dev/scsi/logging_level
# st's own account of each command (the console stays quiet: shown by fail's dmesg)
[ -w /sys/bus/scsi/drivers/st/debug_flag ] && echo 1 > /sys/bus/scsi/drivers/st/debug_flag

[ -n "$HPORT" ] || fail "tape mode needs scstj.hport= (the host serves the files)"
case "$STEP" in
    write|verify|gateway|user) ;;
    *) fail "tape mode needs scstj.step=write, verify, gateway or user, not '$STEP'" ;;
esac

# GET http://10.0.2.2:HPORT$1 (bounded) into the file $2; fails the run on an error
host_get() {
    timeout 90 wget -q -O "$2" "http://10.0.2.2:$HPORT$1" > /tmp/wget.log 2>&1 \
        || { cat /tmp/wget.log; fail "host request $1 failed"; }
}

# the session's SCSI tape at LUN $1 (H:C:T:L ends with :$1): st names it stN (and nstN),
# devtmpfs makes the nodes; its name in FOUND
tape_of_lun() {
    FOUND=
    i=0
    while [ $i -lt 150 ]; do
        for c in /sys/class/scsi_tape/nst*; do
            [ -e "$c/device" ] || continue
            n="${c##*/}"
            case "$n" in *[!0-9]) continue ;; esac # nst0, not nst0a/l/m
            hctl=$(basename "$(readlink "$c/device")")
            if [ "${hctl##*:}" = "$1" ] && [ -c "/dev/$n" ]; then
                FOUND="$n"
                return 0
            fi
        done
        sleep 0.2
        i=$((i + 1))
    done
    for d in /sys/bus/scsi/devices/*/type; do
        [ -e "$d" ] && say "${d%/type}: type $(cat "$d") vendor $(cat "${d%/type}/vendor" 2>/dev/null)"
    done
    fail "no SCSI tape (nstN) at LUN $1 appeared within 30 s after login"
}
tape_of_lun 0
NAME=$FOUND
T=/dev/$NAME
SYSDEV=/sys/class/scsi_tape/$NAME/device
TYPE=$(cat $SYSDEV/type)
VENDOR=$(sed 's/ *$//' $SYSDEV/vendor)
MODEL=$(sed 's/ *$//; s/ /_/g' $SYSDEV/model)
say "$T type=$TYPE vendor=$VENDOR model=$MODEL"

# mt -f $T "$@", bounded; its output in /tmp/mt.log and on the console; fails the run on an error
mtc() {
    timeout 120 /sbin/mt -f "$T" "$@" > /tmp/mt.log 2>&1
    rc=$?
    sed 's/^/    /' /tmp/mt.log
    [ "$rc" = 0 ] || fail "mt $* exited with $rc: $(tr '\n' ' ' < /tmp/mt.log)"
}
# mt "$@" must fail: the drive ended it with a condition (filemark, end of data, beginning of
# the tape) that st turns into an error
mt_fails() {
    timeout 120 /sbin/mt -f "$T" "$@" > /tmp/mt.log 2>&1 && { cat /tmp/mt.log; fail "mt $* did not fail"; }
    sed 's/^/    /' /tmp/mt.log
}
# the position mt tell reports (READ POSITION), in POS
tell() {
    mtc tell
    POS=$(sed -n 's/^At block \([0-9][0-9]*\)\..*/\1/p' /tmp/mt.log)
    [ -n "$POS" ] || fail "mt tell printed no block: $(cat /tmp/mt.log)"
    say "at $POS ($1)"
}
# the block size mt status shows ("Tape block size N bytes"), in BS
status() {
    mtc status
    BS=$(sed -n 's/^Tape block size \([0-9][0-9]*\) bytes.*/\1/p' /tmp/mt.log)
    [ -n "$BS" ] || fail "mt status showed no block size"
}
# reads the file at the position with dd (bs $1) into $2, bounded; its sha256 in GOT
read_file() {
    timeout 120 dd if="$T" of="$2" bs="$1" > /tmp/dd.log 2>&1 || { cat /tmp/dd.log; fail "dd from $T into $2"; }
    GOT=$(sha256sum "$2" | cut -d' ' -f1)
}
# extracts the archive at the beginning of the tape and checks it against the manifest; in FILES
# the number of files checked
check_archive() {
    mtc rewind
    rm -rf /tmp/out
    mkdir -p /tmp/out
    say "extracting the archive ($1)"
    timeout 120 /sbin/tar -xf "$T" -b 20 -C /tmp/out > /tmp/tar.log 2>&1 || { cat /tmp/tar.log; fail "tar -xf $T ($1)"; }
    FILES=0
    while read -r f sum size; do
        [ -f "/tmp/out/$f" ] || { ls -la /tmp/out; fail "no $f in the archive ($1)"; }
        got=$(sha256sum "/tmp/out/$f" | cut -d' ' -f1)
        [ "$got" = "$sum" ] || fail "$f from the archive has sha256 $got, the host wrote $sum ($1)"
        [ "$(stat -c %s "/tmp/out/$f")" = "$size" ] || fail "$f from the archive is not $size bytes ($1)"
        FILES=$((FILES + 1))
    done < /tmp/manifest
    say "archive ok ($1): $FILES files"
}

host_get /tape/manifest /tmp/manifest
NAMES=$(cut -d' ' -f1 /tmp/manifest | tr '\n' ' ')

# the records of a tar archive (-b 20) of the host's files, fetched into /tmp/src: in TR
fetch_files() {
    mkdir -p /tmp/src
    for f in $NAMES; do
        host_get "/tape/file/$f" "/tmp/src/$f"
    done
    ( cd /tmp/src && /sbin/tar -cf /tmp/archive.tar -b 20 $NAMES ) || fail "tar into a file"
    TR=$(($(stat -c %s /tmp/archive.tar) / 10240))
}

if [ "$STEP" = gateway ] || [ "$STEP" = user ]; then
    status
    BS0=$BS
    fetch_files
    mtc setblk 0
    mtc rewind
    say "writing the archive ($TR records) through the $STEP drive"
    ( cd /tmp/src && timeout 120 /sbin/tar -cf "$T" -b 20 $NAMES ) > /tmp/tar.log 2>&1 || { cat /tmp/tar.log; fail "tar -cf $T"; }
    tell "after the archive"
    WROTE=$POS
    mtc weof 1
    tell "after weof"
    WEOF=$POS
    mtc rewind
    mtc fsf 1
    tell "after fsf 1"
    FSF=$POS
    mtc bsf 1
    tell "after bsf 1"
    BSF=$POS
    mtc eod
    tell "at end of data"
    EOD=$POS
    mtc seek "$FSF"
    tell "after seek $FSF"
    SEEK=$POS
    check_archive "$STEP"
    FIGURES="bs0=$BS0 tr=$TR wrote=$WROTE weof=$WEOF fsf=$FSF bsf=$BSF eod=$EOD seek=$SEEK files=$FILES"
elif [ "$STEP" = write ]; then
    status
    BS0=$BS
    say "block size at start: $BS0"
    fetch_files

    mtc setblk 0
    mtc rewind
    say "writing the archive ($TR records)"
    ( cd /tmp/src && timeout 120 /sbin/tar -cf "$T" -b 20 $NAMES ) > /tmp/tar.log 2>&1 || { cat /tmp/tar.log; fail "tar -cf $T"; }
    tell "after the archive"
    WROTE=$POS
    head -c 20480 /dev/urandom > /tmp/second
    SUM2=$(sha256sum /tmp/second | cut -d' ' -f1)
    timeout 60 dd if=/tmp/second of="$T" bs=4096 > /tmp/dd.log 2>&1 || { cat /tmp/dd.log; fail "dd into $T"; }
    mtc weof 1
    tell "after weof"
    WEOF=$POS

    mtc rewind
    mtc fsf 1
    tell "after fsf 1"
    FSF=$POS
    read_file 4096 /tmp/second.back
    [ "$GOT" = "$SUM2" ] || fail "the second file reads back with sha256 $GOT, not $SUM2"
    [ "$(stat -c %s /tmp/second.back)" = 20480 ] || fail "the second file reads back $(stat -c %s /tmp/second.back) bytes"
    tell "after reading the second file"
    READ2=$POS
    mtc bsf 1
    tell "after bsf 1"
    BSF=$POS
    mtc eod
    tell "at end of data"
    EOD=$POS
    mtc seek "$FSF"
    tell "after seek $FSF"
    SEEK=$POS
    read_file 4096 /tmp/second.again
    [ "$GOT" = "$SUM2" ] || fail "after seek the second file reads with sha256 $GOT, not $SUM2"

    # records: fsr and bsr within the second file, then stopped by a condition: bsr by the
    # filemark before the file (on its BOP side), fsf by end of data, bsf by the beginning
    mtc seek "$FSF"
    mtc fsr 2
    tell "after fsr 2"
    FSR=$POS
    mtc bsr 1
    tell "after bsr 1"
    BSR=$POS
    mt_fails bsr 5
    tell "after bsr 5 met the filemark"
    BSR_MARK=$POS
    mt_fails fsf 10
    tell "after fsf 10 met end of data"
    FSF_EOD=$POS
    mt_fails bsf 10
    tell "after bsf 10 met the beginning"
    BSF_BOP=$POS

    check_archive written

    # a record longer than the read: st refuses it (ENOMEM) and says how long the record was
    mtc rewind
    timeout 60 dd if="$T" of=/tmp/short bs=512 count=1 > /tmp/dd.log 2>&1 && { cat /tmp/dd.log; fail "dd bs=512 read a 10240-byte record"; }
    cat /tmp/dd.log
    grep -q "Cannot allocate memory" /tmp/dd.log || fail "dd bs=512 of a 10240-byte record failed, but not with ENOMEM"
    OVERLONG=$(dmesg | sed -n 's/.*Failed to read \([0-9][0-9]*\) byte block with 512 byte transfer.*/\1/p' | tail -n 1)
    tell "after the short read"
    SHORT=$POS

    # fixed-block mode: MODE SELECT's block descriptor, then READ/WRITE with FIXED 1
    mtc setblk 512
    status
    FIXED_BS=$BS
    mtc eod
    tell "end of data before the fixed-block file"
    FIXED_AT=$POS
    head -c 11776 /dev/urandom > /tmp/fixed
    SUMF=$(sha256sum /tmp/fixed | cut -d' ' -f1)
    timeout 60 dd if=/tmp/fixed of="$T" bs=4096 > /tmp/dd.log 2>&1 || { cat /tmp/dd.log; fail "dd (fixed) into $T"; }
    tell "after the fixed-block file"
    FIXED_END=$POS
    mtc seek "$FIXED_AT"
    read_file 4096 /tmp/fixed.back
    [ "$GOT" = "$SUMF" ] || fail "the fixed-block file reads back with sha256 $GOT, not $SUMF"

    # erase from the fixed-block file on: end of data is there again
    mtc seek "$FIXED_AT"
    mtc erase
    mtc eod
    tell "end of data after the erase"
    ERASED=$POS
    mtc setblk 0
    check_archive "after the erase"

    # mtx's tapeinfo: the drive's INQUIRY, block limits, mode and position through st's SG_IO
    timeout 60 /sbin/tapeinfo -f "$T" > /tmp/tapeinfo.log 2>&1
    rc=$?
    sed 's/^/    /' /tmp/tapeinfo.log
    [ "$rc" = 0 ] || fail "tapeinfo -f $T exited with $rc"
    TI_TYPE=$(sed -n "s/^Product Type: *//p" /tmp/tapeinfo.log | tr ' ' _)
    TI_MAXBLOCK=$(sed -n "s/^MaxBlock: *//p" /tmp/tapeinfo.log)
    TI_BLOCK=$(sed -n "s/^Block Position: *//p" /tmp/tapeinfo.log)

    # unload: no tape in the drive for st, until mt load
    mtc offline
    mtc status
    OFFLINE=online
    grep -q DR_OPEN /tmp/mt.log && OFFLINE=dr_open
    mtc load
    status
    ONLINE=no
    grep -q ONLINE /tmp/mt.log && ONLINE=yes
    tell "after load"
    LOADED=$POS

    # early warning and end of medium: the second drive (LUN 1) holds a 4 MiB cartridge, whose
    # last MiB is the early-warning zone; 64 KiB records are written until st says ENOSPC (the
    # write that entered the zone was told EOM with nothing unwritten: st ends the next one with
    # ENOSPC without sending it), filemarks still go on after early warning (st's on close, then
    # weof's), and the records read back are those dd was told were written
    tape_of_lun 1
    T1=$T
    T=/dev/$FOUND
    mtc setblk 0
    say "filling $T"
    timeout 120 dd if=/dev/zero of="$T" bs=65536 count=80 > /tmp/fill.log 2>&1 && { cat /tmp/fill.log; fail "80 records of 64 KiB fit on a 4 MiB cartridge"; }
    cat /tmp/fill.log
    grep -q "No space left on device" /tmp/fill.log || fail "filling $T failed, but not with ENOSPC"
    FILLED=$(sed -n 's/^\([0-9][0-9]*\)+0 records out.*/\1/p' /tmp/fill.log)
    mtc weof 1
    tell "after the filemark past early warning"
    EOM_TELL=$POS
    mtc rewind
    timeout 120 dd if="$T" of=/dev/null bs=65536 > /tmp/dd.log 2>&1 || { cat /tmp/dd.log; fail "reading $T back"; }
    cat /tmp/dd.log
    READBACK=$(sed -n 's/^\([0-9][0-9]*\)+0 records in.*/\1/p' /tmp/dd.log)
    T=$T1
    FIGURES="bs0=$BS0 tr=$TR wrote=$WROTE weof=$WEOF fsf=$FSF read2=$READ2 bsf=$BSF eod=$EOD seek=$SEEK"
    FIGURES="$FIGURES fsr=$FSR bsr=$BSR bsr_mark=$BSR_MARK fsf_eod=$FSF_EOD bsf_bop=$BSF_BOP"
    FIGURES="$FIGURES files=$FILES overlong=$OVERLONG short=$SHORT fixed_bs=$FIXED_BS fixed_at=$FIXED_AT fixed_end=$FIXED_END erased=$ERASED"
    FIGURES="$FIGURES ti_type=$TI_TYPE ti_maxblock=$TI_MAXBLOCK ti_block=$TI_BLOCK"
    FIGURES="$FIGURES offline=$OFFLINE online=$ONLINE loaded=$LOADED sum2=$SUM2"
    FIGURES="$FIGURES filled=$FILLED eom_tell=$EOM_TELL readback=$READBACK"
else
    mtc load
    status
    mtc rewind
    tell "after rewind"
    REWOUND=$POS
    check_archive "after the restart"
    mtc fsf 1
    tell "after fsf 1"
    FSF=$POS
    read_file 4096 /tmp/second.back
    SUM2=$GOT
    mtc eod
    tell "at end of data"
    EOD=$POS
    FIGURES="bs=$BS rewound=$REWOUND files=$FILES fsf=$FSF eod=$EOD sum2=$SUM2"
fi

# what the kernel said about the drive (errors, aborts and resets would show here)
dmesg | grep -iE 'st[0-9]|scsi|iscsi|abort|reset|timed? ?out' | tail -n 30 | sed 's/^/scstj-guest: dmesg: /'
# st's whole account (debug_flag): in the console only, for the test's failure messages
dmesg | grep -E 'st[0-9]|scsi' | sed 's/^/scstj-dmesg: /'
# Every command was answered in time: a command st timed out shows as an abort by the error
# handler and perhaps a LOGICAL UNIT RESET (a second "Power-on or device reset occurred" for a
# drive, after the power-on unit attention each LU reports once).
ABORTS=$(dmesg | grep -ciE 'abort')
RESET=$(dmesg | sed -n 's/.* \([0-9]*:[0-9]*:[0-9]*:[0-9]*\): Power-on or device reset occurred.*/\1/p' | sort | uniq -d)
[ "$ABORTS" = 0 ] || fail "Linux's SCSI error handler logged $ABORTS abort line(s): a command was not answered in time"
[ -z "$RESET" ] || fail "the drive $RESET was reset (Linux's error handler)"

echo
echo "SCSTJ-LINUX-OK mode=tape step=$STEP tape=$NAME type=$TYPE vendor=$VENDOR model=$MODEL $FIGURES"
off
