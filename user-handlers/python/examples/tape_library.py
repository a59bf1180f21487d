#!/usr/bin/env python3
"""A virtual tape library: a medium changer (SMC-3, peripheral device type 8) and one tape drive
(SSC-3, type 1), two devices served by one process over two control sockets.

    tape_library.py [--slots 4] [--import-export 1] [--cartridges A00001L8,A00002L8,A00003L8]
                    [--size 64M] [--dir PATH] [--quiet] CHANGER_SOCKET DRIVE_SOCKET

The changer ("python-changer") and the drive ("python-tape", tape_drive.py's TapeDrive) are two
Handler loops in two threads of this process; the library's state (which cartridge is in which
element, the drive's cartridge and position) is shared under one lock, taken by every command of
either device.  Every command of both is a CDB operation (feature CDB); the core keeps INQUIRY,
REPORT LUNS, REQUEST SENSE, the reservations and the unit attentions.

Elements and their addresses, numbered as real libraries do (SMC-3 gives every element of a
changer its own 16-bit address, whatever the scheme):

    medium transport (the robot)    0
    data transfer (the drive)       256
    import/export (the mail slots)  768 ..   (--import-export, 0 to 256 of them)
    storage (the slots)             1024 ..  (--slots, 1 or more)

The cartridges (--cartridges, barcodes of up to 32 letters, digits, "-" or "_") fill the storage
slots 1.. in order; the drive starts empty.  Each holds --size bytes of records (0: no limit).  In
memory by default; with --dir, each is the file PATH/BARCODE.tape in tape_drive.py's cartridge
format (created when missing), so its records outlive the process (where each cartridge is does
not: at start they are in the slots again).

A MOVE MEDIUM into the drive loads the cartridge at the beginning of the tape, ready, and the
drive's handler sends EVENT MEDIUM CHANGED, so the core gives the drive's initiators NOT READY TO
READY CHANGE, MEDIUM MAY HAVE CHANGED (06/28/00).  A move out of the drive takes the cartridge
whether the drive unloaded it (LOAD UNLOAD) or it is still threaded; the drive is then empty
(02/3A/00 MEDIUM NOT PRESENT), and the records stay with the cartridge.  While an initiator has
prevented medium removal on the drive (PREVENT ALLOW MEDIUM REMOVAL, as Linux's st does while the
device is open), a move out of it ends 05/53/02 MEDIUM REMOVAL PREVENTED.

A device whose attachment ends without GOODBYE (the core closed the socket, a protocol error, a
hung handler) attaches again after a short pause, the library's state intact, and a socket that
nobody listens on yet is tried again; the process ends when both devices ended with GOODBYE (from
the core, or its own at SIGTERM or SIGINT): exit 0; a core that refuses a HELLO ends it with 1
(and bad arguments with 2).  Standard library only.
"""
import argparse
import itertools
import os
import re
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tape_drive  # noqa: E402  (it puts the library's directory on the path too)
from scstj_user import Device, Handler  # noqa: E402
from scstj_user import proto as P  # noqa: E402
from scstj_user.handler import Ended  # noqa: E402

# Element type codes (SMC-3 READ ELEMENT STATUS, ELEMENT TYPE CODE) and the addresses.
ALL, TRANSPORT, STORAGE, IMPORT_EXPORT, DATA_TRANSFER = 0, 1, 2, 3, 4
TRANSPORT_ADDRESS = 0
FIRST_DRIVE = 0x100             # 256
FIRST_IMPORT_EXPORT = 0x300     # 768
FIRST_STORAGE = 0x400           # 1024
MAX_IMPORT_EXPORT = FIRST_STORAGE - FIRST_IMPORT_EXPORT
MAX_SLOTS = 0x10000 - FIRST_STORAGE

# Sense (SPC-5 4.4): (key, ASC, ASCQ); the drive's vocabulary, and the changer's own.
from tape_drive import (ILLEGAL_REQUEST, INVALID_OPCODE, INVALID_FIELD_IN_CDB,  # noqa: E402
                        INVALID_FIELD_IN_PARAMETERS, PARAMETER_LIST_LENGTH, SAVING_NOT_SUPPORTED,
                        REMOVAL_PREVENTED)
INVALID_ELEMENT_ADDRESS = (ILLEGAL_REQUEST, 0x21, 0x01)
DESTINATION_FULL = (ILLEGAL_REQUEST, 0x3B, 0x0D)       # MEDIUM DESTINATION ELEMENT FULL
SOURCE_EMPTY = (ILLEGAL_REQUEST, 0x3B, 0x0E)           # MEDIUM SOURCE ELEMENT EMPTY

BARCODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def be(b):
    return int.from_bytes(b, "big")


class Refused(Exception):
    """Ends a changer command with CHECK CONDITION and fixed sense (SPC-5 4.4.3).  For an
    invalid field, `field` = (byte, bit or None) fills the sense-key specific FIELD POINTER
    (SKSV, C/D: in the CDB when `in_cdb`, else in the parameter list; BPV with the bit)."""

    def __init__(self, kcq, field=None, in_cdb=True):
        super().__init__(kcq)
        s = bytearray(P.fixed_sense(*kcq))
        if field is not None:
            byte, bit = field
            s[15] = 0x80 | (0x40 if in_cdb else 0) | (0x08 | bit if bit is not None else 0)
            s[16:18] = byte.to_bytes(2, "big")
        self.sense = bytes(s)


class Volume:
    """A cartridge of the library: its barcode, its records (a tape_drive.Cartridge) and the
    address of the element it was last moved from, the drive aside (None before its first move):
    SMC-3's SOURCE STORAGE ELEMENT ADDRESS, the last storage element the medium was moved from
    (reported with SVALID wherever the cartridge is now, unless that is the same element)."""

    def __init__(self, barcode, tape):
        self.barcode, self.tape, self.source = barcode, tape, None


class Served:
    """The attachment that serves a device, told by serve_device under the library's lock."""

    handler = None

    def ready(self, handler):
        self.handler = handler      # READY is sent

    def gone(self):
        self.handler = None         # the attachment ended


class LibraryDrive(Served, tape_drive.TapeDrive):
    """tape_drive.py's drive, empty at first, in the library: its commands take the library's
    lock, and a cartridge the robot puts in is announced with EVENT MEDIUM CHANGED (feature
    EVENTS, docs/user-handlers.md "EVENT")."""

    def __init__(self, lock, capacity):
        super().__init__(None, capacity)
        self.lock = lock
        self.waiting = None     # events of a move between WELCOME and READY

    def features(self):
        return super().features() | P.F_EVENTS

    def attached(self, handler):
        super().attached(handler)
        with self.lock:
            self.waiting = []       # an EVENT before READY would be a protocol error: wait

    def ready(self, handler):
        super().ready(handler)
        waiting, self.waiting = self.waiting or [], None
        for event in waiting:
            self._send(event)

    def cdb(self, cdb, data_out):
        with self.lock:
            return super().cdb(cdb, data_out)

    def medium_changed(self):
        """Called under the lock, so the attachment does not end meanwhile."""
        if self.handler is not None:
            self._send(P.EV_MEDIUM_CHANGED)
        elif self.waiting is not None:
            self.waiting.append(P.EV_MEDIUM_CHANGED)
        # else not attached: the next attachment starts with 29/00 for every initiator anyway

    def _send(self, event):
        if self.handler.features & P.F_EVENTS:
            try:
                self.handler.send_event(event)
            except OSError:
                pass        # the epoch is ending: the next one starts with 29/00


class Library:
    """The elements, what is in them, and the robot's moves (SMC-3 MOVE MEDIUM)."""

    def __init__(self, drive, slots, import_export, volumes):
        if not 1 <= slots <= MAX_SLOTS or not 0 <= import_export <= MAX_IMPORT_EXPORT:
            raise ValueError(f"1 to {MAX_SLOTS} slots and 0 to {MAX_IMPORT_EXPORT} "
                             "import/export elements")
        if len(volumes) > slots:
            raise ValueError(f"{len(volumes)} cartridges but {slots} slots")
        self.lock, self.drive = drive.lock, drive
        self.slots, self.import_export = slots, import_export
        self.type_of = {TRANSPORT_ADDRESS: TRANSPORT, FIRST_DRIVE: DATA_TRANSFER}
        self.type_of.update((FIRST_IMPORT_EXPORT + i, IMPORT_EXPORT) for i in range(import_export))
        self.type_of.update((FIRST_STORAGE + i, STORAGE) for i in range(slots))
        self.addresses = sorted(self.type_of)
        self.content = {FIRST_STORAGE + i: v for i, v in enumerate(volumes)}   # address: Volume
        self.prevent = False    # PREVENT ALLOW MEDIUM REMOVAL on the changer (the mail slots)

    def first_and_count(self, etype):
        found = [a for a in self.addresses if self.type_of[a] == etype]
        return (found[0] if found else 0), len(found)

    def move(self, source, destination):
        """Move the cartridge in `source` to `destination`: checks as SMC-3 MOVE MEDIUM has them,
        the element addresses first, then the source's and the destination's contents."""
        for a in (source, destination):
            if self.type_of.get(a, TRANSPORT) == TRANSPORT:     # the robot holds nothing
                raise Refused(INVALID_ELEMENT_ADDRESS)
        vol = self.content.get(source)
        if vol is None:
            raise Refused(SOURCE_EMPTY)
        if destination in self.content:
            raise Refused(DESTINATION_FULL)
        if source == FIRST_DRIVE:
            if self.drive.prevent:
                raise Refused(REMOVAL_PREVENTED)
            self.drive.eject()      # unloaded or still threaded: the robot takes it
        else:
            vol.source = source
        del self.content[source]
        self.content[destination] = vol
        if destination == FIRST_DRIVE:
            self.drive.insert(vol.tape)     # loaded at BOP and ready
            self.drive.medium_changed()

    def descriptor(self, address, voltag):
        """One element descriptor (SMC-3 READ ELEMENT STATUS): the base 12 bytes, then with
        VOLTAG the primary volume tag (36 bytes)."""
        etype, vol = self.type_of[address], self.content.get(address)
        d = bytearray(12 + (36 if voltag else 0))
        d[0:2] = address.to_bytes(2, "big")
        flags = 0x01 if vol else 0                              # FULL
        if etype == STORAGE:
            flags |= 0x08                                       # ACCESS
        elif etype == IMPORT_EXPORT:
            flags |= 0x08 | 0x20 | 0x10                         # ACCESS, INENAB, EXENAB
        elif etype == DATA_TRANSFER and not self.drive.prevent:
            flags |= 0x08                                       # ACCESS: the robot may take it
        d[2] = flags                                            # EXCEPT 0: ASC, ASCQ 0
        if vol is not None and vol.source is not None and vol.source != address:
            d[9] = 0x80                                         # SVALID (INVERT 0)
            d[10:12] = vol.source.to_bytes(2, "big")            # SOURCE STORAGE ELEMENT ADDRESS
        if voltag and vol is not None:
            # VOLUME IDENTIFIER: left-aligned, padded with spaces; VOLUME SEQUENCE NUMBER 0.
            # An empty element's volume tag stays all zeros.
            d[12:44] = vol.barcode.encode("ascii").ljust(32)
        return bytes(d)


class Changer(Served, Device):
    """The medium changer: SMC-3 commands as CDB operations."""

    name = "python-changer"
    device_type = P.TYPE_CHANGER

    def __init__(self, library):
        super().__init__(0)         # the core addresses no blocks of a changer
        self.lib = library

    def cdb(self, cdb, data_out):
        op = cdb[0]
        name = CHANGER_COMMANDS.get(op)
        try:
            if name is None:
                raise Refused(INVALID_OPCODE)
            # the CDB's length by its group code (SPC-5 4.2.5.1): 6, 10, 10, -, 16, 12 bytes
            if len(cdb) < {0: 6, 1: 10, 2: 10, 4: 16, 5: 12}.get(op >> 5, 6):
                raise Refused(INVALID_FIELD_IN_CDB)
            with self.lib.lock:
                return P.GOOD, b"", getattr(self, name)(cdb, data_out or b"") or b""
        except Refused as r:
            return P.CHECK_CONDITION, r.sense, b""

    # ---- the simple ones ----

    def test_unit_ready(self, cdb, _):
        pass                        # no door to open, no robot to fail: always ready

    def initialize_element_status(self, cdb, _):
        pass                        # SMC-3 INITIALIZE ELEMENT STATUS: the inventory is always known

    def prevent_allow(self, cdb, _):
        # SMC-3 PREVENT ALLOW MEDIUM REMOVAL: 00b allow, 01b prevent an operator's removal
        # through the import/export elements; the robot's moves are not affected.
        if cdb[4] & 3 > 1:
            raise Refused(INVALID_FIELD_IN_CDB, (4, 1))
        self.lib.prevent = bool(cdb[4] & 1)

    def position_to_element(self, cdb, _):
        # SMC-3 POSITION TO ELEMENT: a virtual robot is wherever it is asked to be.
        self._transport(be(cdb[2:4]))
        if self.lib.type_of.get(be(cdb[4:6]), TRANSPORT) == TRANSPORT:
            raise Refused(INVALID_ELEMENT_ADDRESS)
        if cdb[8] & 1:
            raise Refused(INVALID_FIELD_IN_CDB, (8, 0))     # INVERT: no two-sided media

    def log_sense(self, cdb, _):
        # SPC-5 LOG SENSE: only the Supported Log Pages page (00h), without subpages.
        if cdb[2] & 0x3F or cdb[3]:
            raise Refused(INVALID_FIELD_IN_CDB, (2 if cdb[2] & 0x3F else 3, None))
        if cdb[1] & 3:
            raise Refused(INVALID_FIELD_IN_CDB, (1, 0 if cdb[1] & 1 else 1))   # SP, PPC
        return bytes([0, 0, 0, 1, 0])[:be(cdb[7:9])]

    def _transport(self, address):
        # a MEDIUM TRANSPORT ADDRESS of 0 is the default transport (SMC-3 MOVE MEDIUM): the robot's
        if address != TRANSPORT_ADDRESS:
            raise Refused(INVALID_ELEMENT_ADDRESS)

    # ---- the robot (SMC-3 MOVE MEDIUM, EXCHANGE MEDIUM) ----

    def move_medium(self, cdb, _):
        self._transport(be(cdb[2:4]))
        if cdb[10] & 1:
            raise Refused(INVALID_FIELD_IN_CDB, (10, 0))    # INVERT
        self.lib.move(be(cdb[4:6]), be(cdb[6:8]))

    # ---- the inventory (SMC-3 READ ELEMENT STATUS) ----

    def read_element_status(self, cdb, _):
        voltag, etype = bool(cdb[1] & 0x10), cdb[1] & 0x0F
        start, count, alloc = be(cdb[2:4]), be(cdb[4:6]), be(cdb[7:10])
        # CURDATA and DVCID (byte 6) change nothing: the inventory is always current, and the
        # descriptors carry no device identifier.
        if etype > DATA_TRANSFER:
            raise Refused(INVALID_FIELD_IN_CDB, (1, 3))
        lib = self.lib
        of_type = [a for a in lib.addresses if etype in (ALL, lib.type_of[a])]
        if not of_type or start > of_type[-1]:
            raise Refused(INVALID_ELEMENT_ADDRESS)      # no element of the type from there on
        # STARTING ELEMENT ADDRESS is the lowest to report; at most NUMBER OF ELEMENTS of them,
        # in address order, one element status page per run of one type
        chosen = [a for a in of_type if a >= start][:count]
        pages = bytearray()
        for t, run in itertools.groupby(chosen, key=lib.type_of.get):
            descriptors = b"".join(lib.descriptor(a, voltag) for a in run)
            length = 12 + (36 if voltag else 0)
            pages += bytes([t, 0x80 if voltag else 0])          # ELEMENT TYPE CODE, PVOLTAG
            pages += length.to_bytes(2, "big") + b"\0"          # ELEMENT DESCRIPTOR LENGTH
            pages += len(descriptors).to_bytes(3, "big")        # BYTE COUNT OF DESCRIPTOR DATA
            pages += descriptors
        header = ((chosen[0] if chosen else 0).to_bytes(2, "big")  # FIRST ELEMENT ADDRESS REPORTED
                  + len(chosen).to_bytes(2, "big") + b"\0"          # NUMBER OF ELEMENTS AVAILABLE
                  + len(pages).to_bytes(3, "big"))                  # BYTE COUNT OF REPORT AVAILABLE
        # the allocation length cuts the data, never the counts (SPC-5's ALLOCATION LENGTH)
        return (header + bytes(pages))[:alloc]

    # ---- mode parameters (SPC-5 MODE SENSE/SELECT; SMC-3 7.3 mode pages) ----

    def _page(self, code, pc):
        """Page `code`, current (= default) values, or with PC 1 the changeable mask: none."""
        lib = self.lib
        if code == 0x1D:            # SMC-3 7.3.3 Element Address Assignment
            body = bytearray()
            for etype in (TRANSPORT, STORAGE, IMPORT_EXPORT, DATA_TRANSFER):
                first, n = lib.first_and_count(etype)
                body += first.to_bytes(2, "big") + n.to_bytes(2, "big")
            body += bytes(2)
        elif code == 0x1E:          # SMC-3 7.3.4 Transport Geometry Parameters: one robot,
            body = bytearray(2)     # ROTATE 0 (no two-sided media), member 0 of its set
        else:                       # SMC-3 7.3.2 Device Capabilities
            # the elements that hold cartridges (StorST, StorI/E, StorDT; the robot does not),
            # and the moves between them (MOVE MEDIUM from ST, I/E and DT to ST, I/E and DT);
            # no exchanges (EXCHANGE MEDIUM is not supported)
            kinds = 0x02 | 0x08 | (0x04 if lib.import_export else 0)
            body = bytearray(18)
            body[0] = kinds
            body[3] = kinds                                     # ST ->
            body[4] = kinds if lib.import_export else 0         # I/E ->
            body[5] = kinds                                     # DT ->
        if pc == 1:
            body = bytearray(len(body))
        return bytes([code, len(body)]) + bytes(body)

    PAGES = {0x1D: (0x1D,), 0x1E: (0x1E,), 0x1F: (0x1F,), 0x3F: (0x1D, 0x1E, 0x1F)}

    def mode_sense(self, cdb, _, ten=False):
        # DBD (byte 1 bit 3) is honoured trivially: a changer has no block descriptors
        pc, page, sub = cdb[2] >> 6, cdb[2] & 0x3F, cdb[3]
        if pc == 3:
            raise Refused(SAVING_NOT_SUPPORTED)
        if page not in self.PAGES:
            raise Refused(INVALID_FIELD_IN_CDB, (2, 5))
        if sub and (page, sub) != (0x3F, 0xFF):
            raise Refused(INVALID_FIELD_IN_CDB, (3, None))     # no subpages
        body = b"".join(self._page(c, pc) for c in self.PAGES[page])
        if ten:     # MODE DATA LENGTH, MEDIUM TYPE, DEVICE-SPECIFIC, LONGLBA, BLOCK DESC. LENGTH 0
            data = (6 + len(body)).to_bytes(2, "big") + bytes(6) + body
            return data[:be(cdb[7:9])]
        return (bytes([3 + len(body), 0, 0, 0]) + body)[:cdb[4]]

    def mode_sense10(self, cdb, data):
        return self.mode_sense(cdb, data, ten=True)

    def mode_select(self, cdb, data, ten=False):
        # Nothing is changeable: pages that repeat the current values are accepted, any other
        # value is INVALID FIELD IN PARAMETER LIST.
        if cdb[1] & 1:
            raise Refused(INVALID_FIELD_IN_CDB, (1, 0))        # SP: nothing can be saved
        data = data[:be(cdb[7:9]) if ten else cdb[4]]
        if not data:
            return
        hl = 8 if ten else 4
        if len(data) < hl:
            raise Refused(PARAMETER_LIST_LENGTH)
        bdl = be(data[6:8]) if ten else data[3]
        if bdl:
            raise Refused(INVALID_FIELD_IN_PARAMETERS, (6 if ten else 3, None), in_cdb=False)
        off = hl
        while off < len(data):
            if off + 2 > len(data) or off + 2 + data[off + 1] > len(data):
                raise Refused(PARAMETER_LIST_LENGTH)
            code = data[off] & 0x7F     # PS is reserved in MODE SELECT
            if code & 0x40 or code not in (0x1D, 0x1E, 0x1F):      # SPF: no subpages
                raise Refused(INVALID_FIELD_IN_PARAMETERS, (off, None), in_cdb=False)
            current = self._page(code, 0)
            given = bytes([code]) + data[off + 1:off + 2 + data[off + 1]]
            if given != current:
                at = next((i for i, (x, y) in enumerate(zip(given, current)) if x != y), 1)
                raise Refused(INVALID_FIELD_IN_PARAMETERS, (off + at, None), in_cdb=False)
            off += 2 + data[off + 1]

    def mode_select10(self, cdb, data):
        return self.mode_select(cdb, data, ten=True)


# opcode: method.  Never the core's: 03h, 12h, 16h, 17h, 56h, 57h, 5Eh, 5Fh, A0h.  EXCHANGE
# MEDIUM (A6h) and the rest are not named: the core answers them 05/20/00.
CHANGER_COMMANDS = {
    0x00: "test_unit_ready", 0x07: "initialize_element_status", 0x15: "mode_select",
    0x1A: "mode_sense", 0x1E: "prevent_allow", 0x2B: "position_to_element", 0x4D: "log_sense",
    0x55: "mode_select10", 0x5A: "mode_sense10", 0xA5: "move_medium",
    0xB8: "read_element_status",
}
Changer.cdb_opcodes = tuple(CHANGER_COMMANDS)


def serve_device(what, path, device, lock, stopping, fatal, log):
    """Attach `device` at `path` and serve it until the core says GOODBYE or the process stops
    (then it says GOODBYE itself).  An attachment that ends otherwise is followed by another
    after a pause; a socket nobody listens on is tried again; a core that refuses the HELLO
    stops the process (`fatal`)."""
    pause = 0.1
    while not stopping.is_set():
        try:
            h = Handler(path, device, log=log)
        except (FileNotFoundError, ConnectionRefusedError) as e:
            if pause == 0.1:
                log(f"{what}: no core at {path} (yet), trying again: {e}")    # said once
            stopping.wait(pause)
            pause = min(pause * 2, 2.0)
            continue
        except (Ended, OSError, P.ProtocolError) as e:
            # REFUSE, or a socket closed before the WELCOME: a core that refused the HELLO
            # (perhaps before it was even sent: then the send fails with EPIPE or ECONNRESET)
            log(f"{what}: {e}")
            fatal.append(what)
            stopping.set()
            return
        pause = 0.1
        with lock:
            device.ready(h)         # READY is sent: EVENTs may go from now on
        try:
            h.run(stopping.is_set)
            h.goodbye()
            return
        except Ended as e:
            log(f"{what}: {e}")
            if e.goodbye:
                return
        except P.ProtocolError as e:
            log(f"{what}: protocol error: {e}")
        finally:
            with lock:
                device.gone()
            h.close()
        stopping.wait(pause)        # then a new attachment: a new epoch


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slots", type=int, default=4, help="storage elements (default 4)")
    ap.add_argument("--import-export", type=int, default=1,
                    help="import/export elements, after the slots in mtx's numbering (default 1)")
    ap.add_argument("--cartridges", default="A00001L8,A00002L8,A00003L8",
                    help="barcodes, comma-separated, in slots 1.. (default %(default)s)")
    ap.add_argument("--size", default="64M", type=P.parse_size,
                    help="capacity of each cartridge in bytes of records (K, M, G; 0: no limit)")
    ap.add_argument("--dir", metavar="PATH",
                    help="keep each cartridge in PATH/BARCODE.tape (created when missing)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("changer_socket")
    ap.add_argument("drive_socket")
    args = ap.parse_args(argv)

    def err(msg):
        print("tape_library:", msg, file=sys.stderr)

    log = (lambda m: None) if args.quiet else err
    barcodes = [b for b in args.cartridges.split(",") if b]
    bad = [b for b in barcodes if not BARCODE.fullmatch(b)]
    if bad or len(set(barcodes)) != len(barcodes):
        err(f"barcodes must be unique, 1 to 32 of A-Z a-z 0-9 - _: {args.cartridges!r}")
        return 2
    try:
        if args.dir:
            os.makedirs(args.dir, exist_ok=True)
        volumes = [tape_drive.Cartridge(os.path.join(args.dir, b + ".tape") if args.dir else None)
                   for b in barcodes]
        drive = LibraryDrive(threading.Lock(), args.size)
        library = Library(drive, args.slots, args.import_export,
                          [Volume(b, t) for b, t in zip(barcodes, volumes)])
    except (OSError, ValueError) as e:
        err(e)
        return 2
    changer = Changer(library)
    stopping, fatal = threading.Event(), []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    threads = [threading.Thread(target=serve_device, name=what, daemon=True,
                                args=(what, path, dev, library.lock, stopping, fatal, log))
               for what, path, dev in (("changer", args.changer_socket, changer),
                                       ("drive", args.drive_socket, drive))]
    for t in threads:
        t.start()
    try:
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(0.2)
    finally:
        with library.lock:
            for v in volumes:
                v.sync()
    return 1 if fatal else 0


if __name__ == "__main__":
    sys.exit(main())
