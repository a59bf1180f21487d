#!/usr/bin/env python3
"""A virtual tape drive: an SSC-3 sequential-access device (peripheral device type 1).

    tape_drive.py [--size 64M] [--file PATH] [--write-protect] SOCKET

Every command of the drive is a CDB operation (feature CDB); the core keeps INQUIRY, REPORT
LUNS, REQUEST SENSE and the reservations.  The cartridge is one partition of logical objects:
records (any length from 1 byte to the largest block) and filemarks.  The position is the
logical object identifier of the next object (SSC-3 4.2, "logical objects"): a filemark counts
as one object, as LOCATE(10) and READ POSITION count them.  Writing anywhere makes that point
the end of data.

The largest block (READ BLOCK LIMITS) is one shared buffer: the WELCOME's buffer size, i.e. the
LU's `max-transfer`; a fixed-block READ or WRITE must fit one buffer too.  With --size the
cartridge holds that many bytes of records, with early warning in the last 1/32 of it.  The
cartridge lives in memory, or with --file in a file that is written record by record (a record
torn by a crash is dropped when the file is loaded) and synced when a filemark is written
without IMMED, at REWIND, ERASE, LOAD UNLOAD and at exit.  Standard library only.
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scstj_user import Device, serve, stderr_log, stop_on_signals  # noqa: E402
from scstj_user import proto as P  # noqa: E402

# Sense keys (SPC-5 4.4) and the (key, ASC, ASCQ) triples the drive reports.
NO_SENSE, NOT_READY, ILLEGAL_REQUEST, DATA_PROTECT = 0x0, 0x2, 0x5, 0x7
BLANK_CHECK, VOLUME_OVERFLOW = 0x8, 0xD
FILEMARK_DETECTED = (NO_SENSE, 0x00, 0x01)
END_OF_PARTITION = (NO_SENSE, 0x00, 0x02)        # early warning, or the medium is full
BEGINNING_OF_PARTITION = (NO_SENSE, 0x00, 0x04)
END_OF_DATA = (BLANK_CHECK, 0x00, 0x05)
OVERFLOW = (VOLUME_OVERFLOW, 0x00, 0x02)
MEDIUM_NOT_PRESENT = (NOT_READY, 0x3A, 0x00)
WRITE_PROTECTED = (DATA_PROTECT, 0x27, 0x00)
INVALID_OPCODE = (ILLEGAL_REQUEST, 0x20, 0x00)
INVALID_FIELD_IN_CDB = (ILLEGAL_REQUEST, 0x24, 0x00)
INVALID_FIELD_IN_PARAMETERS = (ILLEGAL_REQUEST, 0x26, 0x00)
PARAMETER_LIST_LENGTH = (ILLEGAL_REQUEST, 0x1A, 0x00)
SAVING_NOT_SUPPORTED = (ILLEGAL_REQUEST, 0x39, 0x00)
REMOVAL_PREVENTED = (ILLEGAL_REQUEST, 0x53, 0x02)

DENSITY = 0xF0          # a vendor-specific density code (80h-FFh): no real format's


def tape_sense(kcq, info=None, filemark=False, eom=False, ili=False):
    """Fixed-format sense (SPC-5 4.4.3), 18 bytes, with the bits SSC-3 adds for tapes: FILEMARK,
    EOM and ILI in byte 2, and VALID with the signed INFORMATION field (the residue) in 3-6."""
    s = bytearray(P.fixed_sense(*kcq))
    s[2] |= filemark << 7 | eom << 6 | ili << 5
    if info is not None:
        s[0] |= 0x80
        s[3:7] = (info & 0xFFFFFFFF).to_bytes(4, "big")
    return bytes(s)


class Check(Exception):
    """Ends the command with CHECK CONDITION, this sense and whatever Data-In was read."""

    def __init__(self, kcq, data=b"", **bits):
        super().__init__(kcq)
        self.sense, self.data = tape_sense(kcq, **bits), data


FILEMARK = None
MAGIC = b"scstj-tape 1\n"
ENTRY = struct.Struct(">cI")        # b"R" with the record's length, or b"F" and 0


class Cartridge:
    """The logical objects of the medium: records and FILEMARKs, in order.  The bytes of the
    records are in memory, or in a file of entries (ENTRY, then the record) after MAGIC."""

    def __init__(self, path=None):
        self.lengths = []       # per object: the record's length, or FILEMARK
        self.ends = []          # per object: bytes of records up to and including it
        self.blobs = []         # in memory: per object the record's bytes, or FILEMARK
        self.fd = None
        if path:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            self._load(path)

    def __len__(self):
        return len(self.lengths)

    def used(self, upto=None):
        """Bytes of the records before object `upto` (before the end of data by default)."""
        n = len(self.ends) if upto is None else upto
        return self.ends[n - 1] if n else 0

    def is_filemark(self, i):
        return self.lengths[i] is FILEMARK

    def record(self, i):
        if self.fd is None:
            return self.blobs[i]
        return os.pread(self.fd, self.lengths[i], self._offset(i) + ENTRY.size)

    def truncate(self, pos):
        """`pos` becomes the end of data: what was written there and after it is gone."""
        del self.lengths[pos:], self.ends[pos:], self.blobs[pos:]
        if self.fd is not None:
            os.ftruncate(self.fd, self._offset(pos))

    def append(self, record):
        """Add a record (bytes) or a FILEMARK at the end of data."""
        n = 0 if record is FILEMARK else len(record)
        if self.fd is None:
            self.blobs.append(record if record is FILEMARK else bytes(record))
        else:
            kind = b"F" if record is FILEMARK else b"R"
            os.pwrite(self.fd, ENTRY.pack(kind, n) + (record or b""), self._offset(len(self)))
        self.ends.append(self.used() + n)
        self.lengths.append(FILEMARK if record is FILEMARK else n)

    def sync(self):
        if self.fd is not None:
            os.fsync(self.fd)

    def _offset(self, i):
        return len(MAGIC) + i * ENTRY.size + self.used(i)

    def _load(self, path):
        size = os.fstat(self.fd).st_size
        if size == 0:
            os.pwrite(self.fd, MAGIC, 0)
            return
        if os.pread(self.fd, len(MAGIC), 0) != MAGIC:
            raise ValueError(f"{path} is not a tape_drive.py cartridge")
        off = len(MAGIC)
        while off + ENTRY.size <= size:
            kind, n = ENTRY.unpack(os.pread(self.fd, ENTRY.size, off))
            if kind not in (b"R", b"F") or (kind == b"F" and n):
                raise ValueError(f"{path}: bad entry at byte {off}")
            if off + ENTRY.size + n > size:
                break                       # torn by a crash while it was written
            self.lengths.append(n if kind == b"R" else FILEMARK)
            self.ends.append(self.used() + n)
            off += ENTRY.size + n
        os.ftruncate(self.fd, off)


def be(b):
    return int.from_bytes(b, "big")


class TapeDrive(Device):
    name = "python-tape"
    device_type = P.TYPE_TAPE

    def __init__(self, cartridge, capacity=0, write_protect=False):
        super().__init__(0)             # the core addresses no blocks of a tape
        self.tape, self.capacity, self.write_protect = cartridge, capacity, write_protect
        self.early_warning = capacity - capacity // 32
        # no cartridge (a library's empty drive): tape None; loaded: threaded and ready
        self.loaded, self.pos, self.prevent = cartridge is not None, 0, False
        self.block_len = 0              # the mode's block length; 0: variable-block mode
        self.buffered = 1               # buffered mode (device-specific parameter)
        self.max_block = 1 << 20        # until the WELCOME says how large a buffer is

    def attached(self, handler):
        self.max_block = min(handler.buf_size, 0xFFFFFF)   # READ BLOCK LIMITS has 24 bits

    def insert(self, cartridge):
        """A cartridge put into the empty drive (by a library's robot): loaded, at BOP, ready."""
        self.tape, self.loaded, self.pos = cartridge, True, 0

    def eject(self):
        """Take the cartridge out, threaded or unloaded; return it.  Its records stay with it;
        the drive is empty (MEDIUM NOT PRESENT) and its position is reset."""
        tape, self.tape = self.tape, None
        if tape is not None:
            tape.sync()
        self.loaded, self.pos = False, 0
        return tape

    def cdb(self, cdb, data_out):
        op = cdb[0]
        name, media = COMMANDS.get(op, (None, False))
        try:
            if name is None:
                raise Check(INVALID_OPCODE)
            if len(cdb) < (6 if op < 0x20 else 10):
                raise Check(INVALID_FIELD_IN_CDB)
            if media and not self.loaded:
                raise Check(MEDIUM_NOT_PRESENT)
            return P.GOOD, b"", getattr(self, name)(cdb, data_out or b"") or b""
        except Check as c:
            return P.CHECK_CONDITION, c.sense, c.data

    # ---- reading (SSC-3 READ(6)) ----

    def _next(self, residue, data=b""):
        """Take the object at the position for a read; a filemark or the end of data ends the
        command with the residue in INFORMATION and the data read so far."""
        if self.pos == len(self.tape):
            raise Check(END_OF_DATA, bytes(data), info=residue)     # the position stays at EOD
        if self.tape.is_filemark(self.pos):
            self.pos += 1                                           # the EOP side of the filemark
            raise Check(FILEMARK_DETECTED, bytes(data), info=residue, filemark=True)
        self.pos += 1
        return self.tape.record(self.pos - 1)

    def read6(self, cdb, _):
        sili, fixed, n = cdb[1] & 2, cdb[1] & 1, be(cdb[2:5])
        if fixed and (sili or not self.block_len):
            raise Check(INVALID_FIELD_IN_CDB)
        if n == 0:
            return b""
        if fixed:       # n blocks of the mode's length
            out = bytearray()
            for i in range(n):
                rec = self._next(n - i, out)
                if len(rec) != self.block_len:  # INFORMATION: blocks not read, this one included
                    raise Check((NO_SENSE, 0, 0), bytes(out), info=n - i, ili=True)
                out += rec
            return bytes(out)
        rec = self._next(n)     # variable: one record of up to n bytes
        if len(rec) == n or sili and (len(rec) < n or not self.block_len):
            return rec[:n]      # with SILI, no incorrect length (SSC-3 READ(6), the SILI bit)
        # INFORMATION: requested minus actual length, negative for a longer record (SSC-3 READ(6))
        raise Check((NO_SENSE, 0, 0), rec[:n], info=n - len(rec), ili=True)

    # ---- writing (SSC-3 WRITE(6), WRITE FILEMARKS(6), ERASE(6)) ----

    def _writable(self):
        if self.write_protect:
            raise Check(WRITE_PROTECTED)

    def _early_warning(self):
        """Past early warning the data is written, and the command says so (SSC-3 4.2)."""
        if self._in_early_warning():
            raise Check(END_OF_PARTITION, info=0, eom=True)

    def write6(self, cdb, data):
        fixed, n = cdb[1] & 1, be(cdb[2:5])
        if fixed and not self.block_len or not fixed and n > self.max_block:
            raise Check(INVALID_FIELD_IN_CDB)
        self._writable()
        size = n * self.block_len if fixed else n
        if len(data) < size:
            raise Check(INVALID_FIELD_IN_CDB)       # less Data-Out than the CDB asks for
        if n == 0:
            return
        self.tape.truncate(self.pos)
        bl = self.block_len if fixed else n
        for i in range(0, size, bl):
            if self.capacity and self.tape.used() + bl > self.capacity:
                left = (size - i) // bl if fixed else n     # blocks, or bytes, not written
                raise Check(OVERFLOW, info=left, eom=True)
            self.tape.append(data[i:i + bl])
            self.pos += 1
        self._early_warning()

    def write_filemarks(self, cdb, _):
        if cdb[1] & 2:
            raise Check(INVALID_FIELD_IN_CDB)       # WSMK: no setmarks
        self._writable()
        n = be(cdb[2:5])
        if n:
            self.tape.truncate(self.pos)
            for _mark in range(n):
                self.tape.append(FILEMARK)
            self.pos += n
        if not cdb[1] & 1:
            self.tape.sync()        # without IMMED, buffered data reaches the medium first
        if n:
            self._early_warning()

    def erase(self, cdb, _):
        self._writable()            # short or LONG: the end of data is here, the position stays
        self.tape.truncate(self.pos)
        self.tape.sync()

    # ---- positioning (SSC-3 REWIND, SPACE(6), LOCATE(10), READ POSITION) ----

    def rewind(self, cdb, _):
        self.tape.sync()
        self.pos = 0

    def space(self, cdb, _):
        code, count = cdb[1] & 0x0F, int.from_bytes(cdb[2:5], "big", signed=True)
        if code == 3:           # to the end of data; the count is ignored
            self.pos = len(self.tape)
            return
        if code not in (0, 1):  # sequential filemarks and setmarks are not supported
            raise Check(INVALID_FIELD_IN_CDB)
        done, want = 0, abs(count)
        while done < want:      # INFORMATION: the count not done, as an absolute value
            if count > 0:
                if self.pos == len(self.tape):
                    raise Check(END_OF_DATA, info=want - done)
                self.pos += 1
                mark = self.tape.is_filemark(self.pos - 1)
            else:
                if self.pos == 0:
                    raise Check(BEGINNING_OF_PARTITION, info=want - done, eom=True)
                self.pos -= 1
                mark = self.tape.is_filemark(self.pos)
            if code == 1:
                done += mark
            elif mark:          # blocks: stop past the filemark (EOP side forward, BOP side back)
                raise Check(FILEMARK_DETECTED, info=want - done, filemark=True)
            else:
                done += 1

    def locate10(self, cdb, _):
        if cdb[1] & 2 and cdb[8]:
            raise Check(INVALID_FIELD_IN_CDB)       # CP: there is only partition 0
        target = be(cdb[3:7])       # BT or not: the block address is the logical object identifier
        if target > len(self.tape):
            self.pos = len(self.tape)
            raise Check(END_OF_DATA)
        self.pos = target

    def read_position(self, cdb, _):
        flags = (0x80 if self.pos == 0 else 0) | (0x40 if self._in_early_warning() else 0)
        sa = cdb[1] & 0x1F
        if sa in (0, 1):        # short form (1: "vendor-specific" block ids, st asks it: the same)
            pos = self.pos.to_bytes(4, "big")
            return bytes([flags, 0, 0, 0]) + pos + pos + bytes(8)   # nothing buffered
        if sa == 6:     # long form: partition, object number, file number (filemarks before)
            files = sum(1 for i in range(self.pos) if self.tape.is_filemark(i))
            return (bytes([flags, 0, 0, 0]) + bytes(4) + self.pos.to_bytes(8, "big")
                    + files.to_bytes(8, "big") + bytes(8))
        raise Check(INVALID_FIELD_IN_CDB)

    def _in_early_warning(self):
        return bool(self.capacity) and self.tape.used(self.pos) >= self.early_warning

    # ---- the medium and the drive (SSC-3 LOAD UNLOAD, READ BLOCK LIMITS, REPORT DENSITY) ----

    def test_unit_ready(self, cdb, _):
        pass                        # loaded: GOOD; else the media check answered 02/3A/00

    def load_unload(self, cdb, _):
        hold, eot, load = cdb[4] & 8, cdb[4] & 4, cdb[4] & 1
        if load and eot:
            raise Check(INVALID_FIELD_IN_CDB)
        if self.tape is None:
            raise Check(MEDIUM_NOT_PRESENT)     # no cartridge to load or unload
        self.tape.sync()
        if load:                    # (RETEN changes nothing here) the medium at BOP, ready
            self.loaded, self.pos = True, 0
            return
        if not self.loaded:
            raise Check(MEDIUM_NOT_PRESENT)
        if self.prevent:
            raise Check(REMOVAL_PREVENTED)
        self.pos = 0                # rewound; HOLD keeps the medium in the drive
        self.loaded = bool(hold)

    def prevent_allow(self, cdb, _):
        if cdb[4] & 3 > 1:
            raise Check(INVALID_FIELD_IN_CDB)
        self.prevent = bool(cdb[4] & 1)

    def read_block_limits(self, cdb, _):
        if cdb[1] & 1:
            raise Check(INVALID_FIELD_IN_CDB)       # MLOI: not reported
        # granularity 0 (any length), maximum and minimum block length
        return bytes([0]) + self.max_block.to_bytes(3, "big") + (1).to_bytes(2, "big")

    def report_density_support(self, cdb, _):
        if cdb[1] & 2:
            raise Check(INVALID_FIELD_IN_CDB)       # MEDIUM TYPE: no medium type descriptors
        if cdb[1] & 1 and not self.loaded:
            raise Check(MEDIUM_NOT_PRESENT)
        d = bytearray(52)           # one density support data block descriptor
        d[0] = d[1] = DENSITY       # primary and secondary density code
        d[2] = 0x80 | 0x20 | 0x01   # WRTOK, DEFLT, DLV (the descriptor length is valid)
        d[3:5] = (49).to_bytes(2, "big")
        d[10:12] = (1).to_bytes(2, "big")                       # tracks
        d[12:16] = (self.capacity // 10**6).to_bytes(4, "big")  # capacity in 10^6 bytes
        d[16:24], d[24:32] = b"SCSTJ   ", b"PYTAPE  "
        d[32:52] = b"python virtual tape".ljust(20)
        return (len(d) + 2).to_bytes(2, "big") + bytes(2) + bytes(d)

    def log_sense(self, cdb, _):
        if cdb[2] & 0x3F or cdb[3] or cdb[1] & 3:
            raise Check(INVALID_FIELD_IN_CDB)       # no log pages but the list of them
        return bytes([0, 0, 0, 1, 0])               # SUPPORTED LOG PAGES: page 00h only

    # ---- mode parameters (SPC-5 MODE SENSE/SELECT; SSC-3 block descriptor and mode pages) ----

    def _block_descriptor(self, pc):
        if pc == 1:                 # changeable: the block length
            return bytes([0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF])
        bl = 0 if pc == 2 else self.block_len
        return bytes([DENSITY, 0, 0, 0, 0]) + bl.to_bytes(3, "big")     # no block count

    def _page(self, code, pc):
        p = bytearray(16)
        p[0], p[1] = code, 14
        if pc == 1:
            return bytes(p)         # nothing in either page can be changed
        if code == 0x10:            # Device Configuration: LOIS, EEG and SEW
            p[8], p[10] = 0x40, 0x18
        # 0Fh Data Compression: DCC 0, DCE 0 (records are kept as written), algorithms 0
        return bytes(p)

    def mode_sense(self, cdb, _, ten=False):
        dbd, pc, page, sub = cdb[1] & 8, cdb[2] >> 6, cdb[2] & 0x3F, cdb[3]
        if pc == 3:
            raise Check(SAVING_NOT_SUPPORTED)
        if sub and (page, sub) != (0x3F, 0xFF):
            raise Check(INVALID_FIELD_IN_CDB)
        pages = {0x00: (), 0x0F: (0x0F,), 0x10: (0x10,), 0x3F: (0x0F, 0x10)}.get(page)
        if pages is None:
            raise Check(INVALID_FIELD_IN_CDB)
        bd = b"" if dbd else self._block_descriptor(pc)
        body = bd + b"".join(self._page(c, pc) for c in pages)
        dsp = 0 if pc == 1 else (0x80 if self.write_protect else 0) | self.buffered << 4
        if ten:
            return ((6 + len(body)).to_bytes(2, "big") + bytes([0, dsp, 0, 0])
                    + len(bd).to_bytes(2, "big") + body)
        return bytes([3 + len(body), 0, dsp, len(bd)]) + body

    def mode_select(self, cdb, data, ten=False):
        if cdb[1] & 1:
            raise Check(INVALID_FIELD_IN_CDB)       # SP: nothing can be saved
        data = data[:be(cdb[7:9]) if ten else cdb[4]]
        if not data:
            return
        hl = 8 if ten else 4
        if len(data) < hl:
            raise Check(PARAMETER_LIST_LENGTH)
        dsp, bdl = (data[3], be(data[6:8])) if ten else (data[2], data[3])
        if ten and data[4] & 1 or bdl not in (0, 8) or dsp >> 4 & 7 > 2:
            raise Check(INVALID_FIELD_IN_PARAMETERS)    # long LBA descriptors, reserved modes
        if len(data) < hl + bdl:
            raise Check(PARAMETER_LIST_LENGTH)
        block_len = self.block_len
        if bdl:
            bd = data[hl:hl + 8]    # density 0 or 7Fh: keep it
            block_len = be(bd[5:8])
            if bd[0] not in (0, 0x7F, DENSITY) or block_len > self.max_block:
                raise Check(INVALID_FIELD_IN_PARAMETERS)
        off = hl + bdl
        while off < len(data):
            if off + 2 > len(data) or off + 2 + data[off + 1] > len(data):
                raise Check(PARAMETER_LIST_LENGTH)
            code, length = data[off] & 0x7F, data[off + 1]  # PS ignored; SPF: no subpages
            if code not in (0x0F, 0x10) or length != 14 or code == 0x0F and data[off + 2] & 0x80:
                raise Check(INVALID_FIELD_IN_PARAMETERS)    # DCE: no compression
            off += 2 + length
        self.buffered, self.block_len = dsp >> 4 & 7, block_len

    def mode_sense10(self, cdb, data):
        return self.mode_sense(cdb, data, ten=True)

    def mode_select10(self, cdb, data):
        return self.mode_select(cdb, data, ten=True)


# opcode: (method, needs the medium).  Never the core's: 03h, 12h, 16h, 17h, 56h, 57h, 5Eh,
# 5Fh, A0h.
COMMANDS = {
    0x00: ("test_unit_ready", True), 0x01: ("rewind", True), 0x05: ("read_block_limits", False),
    0x08: ("read6", True), 0x0A: ("write6", True), 0x10: ("write_filemarks", True),
    0x11: ("space", True), 0x15: ("mode_select", False), 0x19: ("erase", True),
    0x1A: ("mode_sense", False), 0x1B: ("load_unload", False), 0x1E: ("prevent_allow", False),
    0x2B: ("locate10", True), 0x34: ("read_position", True),
    0x44: ("report_density_support", False), 0x4D: ("log_sense", False),
    0x55: ("mode_select10", False), 0x5A: ("mode_sense10", False),
}
TapeDrive.cdb_opcodes = tuple(COMMANDS)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="64M", type=P.parse_size,
                    help="capacity in bytes of records (K, M, G suffixes; 0: no limit)")
    ap.add_argument("--file", help="keep the cartridge in this file (created when missing)")
    ap.add_argument("--write-protect", action="store_true", help="the cartridge's tab is set")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("socket")
    args = ap.parse_args(argv)
    stop = stop_on_signals()
    log = stderr_log("tape_drive", args.quiet)
    try:
        tape = Cartridge(args.file)
    except (OSError, ValueError) as e:
        print("tape_drive:", e, file=sys.stderr)
        return 2
    try:
        clean = serve(args.socket, TapeDrive(tape, args.size, args.write_protect),
                      stop=stop, log=log)
    finally:
        tape.sync()
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
