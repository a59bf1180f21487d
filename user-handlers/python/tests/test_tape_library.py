"""examples/tape_library.py against two test cores: its medium changer (SMC-3) and its drive
(SSC-3), two devices of one process."""
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from scstj_user import proto as P
from scstj_user.testcore import TestCore
from tests.harness import PYTHON_DIR

TAPE_LIBRARY = os.path.join(PYTHON_DIR, "examples", "tape_library.py")

TRANSPORT, DRIVE, MAIL, SLOT = 0, 256, 768, 1024        # SLOT + i: storage slot i + 1
MT, ST, IE, DT = 1, 2, 3, 4
FILEMARK = 0x80
CORE_OPCODES = (0x03, 0x12, 0x16, 0x17, 0x56, 0x57, 0x5E, 0x5F, 0xA0)

Element = collections.namedtuple("Element", "type address flags source tag")


def be(b):
    return int.from_bytes(b, "big")


def cdb6(op, byte1=0, count=0, byte4=None):
    if byte4 is not None:
        return bytes([op, byte1, 0, 0, byte4, 0])
    return bytes([op, byte1]) + (count & 0xFFFFFF).to_bytes(3, "big") + b"\0"


def res_cdb(etype=0, start=0, count=0xFFFF, voltag=True, alloc=0xFFFF):
    """READ ELEMENT STATUS (12 bytes)."""
    return (bytes([0xB8, (0x10 if voltag else 0) | etype]) + start.to_bytes(2, "big")
            + count.to_bytes(2, "big") + b"\0" + alloc.to_bytes(3, "big") + bytes(2))


def move_cdb(source, destination, transport=TRANSPORT, invert=False):
    return (bytes([0xA5, 0]) + transport.to_bytes(2, "big") + source.to_bytes(2, "big")
            + destination.to_bytes(2, "big") + bytes([0, 0, int(invert), 0]))


def parse_elements(data):
    """((first address, elements, byte count of the report), [Element]) of element status data."""
    head = (be(data[0:2]), be(data[2:4]), be(data[5:8]))
    out, off = [], 8
    while off + 8 <= len(data):
        etype, pvoltag = data[off], data[off + 1] & 0x80
        dlen, nbytes = be(data[off + 2:off + 4]), be(data[off + 5:off + 8])
        off += 8
        for d in range(off, off + nbytes, dlen):
            desc = data[d:d + dlen]
            source = be(desc[10:12]) if desc[9] & 0x80 else None
            tag = desc[12:48] if pvoltag else None
            out.append(Element(etype, be(desc[0:2]), desc[2], source, tag))
        off += nbytes
    return head, out


class LibraryCase(unittest.TestCase):
    args = ()
    start = True

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scstj-uh-")
        self.changer_path = os.path.join(self.dir, "changer.sock")
        self.drive_path = os.path.join(self.dir, "drive.sock")
        self.changer = TestCore(self.changer_path, device_type=P.TYPE_CHANGER).start()
        self.drive = TestCore(self.drive_path, device_type=P.TYPE_TAPE).start()
        self.procs = []
        if self.start:
            self.start_library()

    def tearDown(self):
        self.changer.close()
        if self.drive is not None:
            self.drive.close()
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def spawn(self, *extra):
        quiet = not os.environ.get("SCSTJ_UH_STDERR")
        p = subprocess.Popen([sys.executable, TAPE_LIBRARY, "--quiet", *self.args, *extra,
                              self.changer_path, self.drive_path],
                             stderr=subprocess.DEVNULL if quiet else None)
        self.procs.append(p)
        return p

    def start_library(self, after=(0, 0)):
        p = self.spawn()
        self.changer.wait_ready(10, after[0])
        self.drive.wait_ready(10, after[1])
        return p

    # ---- the changer ----

    def assertGood(self, c):
        self.assertEqual(c.status, P.GOOD, c)
        return c

    def assertCheck(self, c, kcq):
        self.assertEqual(c.status, P.CHECK_CONDITION, c)
        self.assertEqual((c.sense[0] & 0x7F, len(c.sense)), (0x70, 18))
        self.assertEqual(c.kcq, kcq, c)
        return c

    def elements(self, etype=0, start=0, count=0xFFFF, voltag=True, alloc=0xFFFF):
        c = self.assertGood(self.changer.cdb(res_cdb(etype, start, count, voltag, alloc),
                                             data_in_len=alloc))
        return parse_elements(c.data)

    def contents(self):
        """{address: barcode or None} of every element but the robot."""
        return {e.address: e.tag[:32].rstrip(b" ").decode() if e.flags & 1 else None
                for e in self.elements()[1] if e.type != MT}

    def move(self, source, destination, **kw):
        return self.changer.cdb(move_cdb(source, destination, **kw))

    def mode_sense6(self, page, pc=0, dbd=True, alloc=255, sub=0):
        return self.changer.cdb(bytes([0x1A, 8 if dbd else 0, pc << 6 | page, sub, alloc, 0]),
                                data_in_len=alloc)

    # ---- the drive ----

    def tur(self):
        return self.drive.cdb(cdb6(0x00))

    def write(self, data):
        return self.drive.cdb(cdb6(0x0A, 0, len(data)), data_out=data)

    def read(self, n):
        return self.drive.cdb(cdb6(0x08, 0, n), data_in_len=n)

    def position(self):
        d = self.assertGood(self.drive.cdb(bytes([0x34, 0]) + bytes(8), data_in_len=20)).data
        return be(d[4:8])

    def medium_changed_events(self):
        return [e for e in self.drive.events if e[1] == P.EV_MEDIUM_CHANGED]

    def wait_events(self, n):
        """The drive's handler sent `n` EVENT MEDIUM CHANGED (the core's unit attention)."""
        deadline = time.monotonic() + 5
        while len(self.medium_changed_events()) < n and time.monotonic() < deadline:
            time.sleep(0.005)
        self.assertEqual(len(self.medium_changed_events()), n, self.drive.events)


class TapeLibraryTest(LibraryCase):

    def test_inventory_with_volume_tags_and_the_empty_drive(self):
        (first, n, count), els = self.elements()
        self.assertEqual([(e.type, e.address) for e in els],
                         [(MT, 0), (DT, 256), (IE, 768), (ST, 1024), (ST, 1025), (ST, 1026),
                          (ST, 1027)])
        self.assertEqual((first, n), (0, 7))
        self.assertEqual(count, 4 * 8 + 7 * 48)                 # four pages of 48-byte descriptors
        tags = {e.address: e.tag for e in els}
        for i, code in enumerate((b"A00001L8", b"A00002L8", b"A00003L8")):
            self.assertEqual(tags[SLOT + i], code.ljust(32) + bytes(4))
        for a in (TRANSPORT, DRIVE, MAIL, SLOT + 3):
            self.assertEqual(tags[a], bytes(36))                # an empty element's tag: zeros
        flags = {e.address: e.flags for e in els}
        self.assertEqual([flags[a] for a in (0, 256, 768, 1024, 1025, 1026, 1027)],
                         [0x00, 0x08, 0x38, 0x09, 0x09, 0x09, 0x08])     # FULL, ACCESS, IN/EXENAB
        self.assertTrue(all(e.source is None for e in els))     # none was moved yet
        # without VOLTAG: 12-byte descriptors, PVOLTAG 0
        c = self.assertGood(self.changer.cdb(res_cdb(voltag=False), data_in_len=4096)).data
        self.assertEqual((c[9], be(c[10:12])), (0, 12))
        self.assertEqual(be(c[5:8]), 4 * 8 + 7 * 12)
        self.assertEqual(len(c), 8 + 4 * 8 + 7 * 12)
        self.assertCheck(self.tur(), (2, 0x3A, 0))              # the drive: MEDIUM NOT PRESENT
        self.assertCheck(self.drive.cdb(cdb6(0x1B, byte4=1)), (2, 0x3A, 0))   # nothing to LOAD

    def test_mode_sense_element_address_assignment_matches_read_element_status(self):
        for dbd, alloc in ((True, 136), (False, 255)):      # as mtx, then as Linux's ch, asks
            d = self.assertGood(self.mode_sense6(0x1D, dbd=dbd, alloc=alloc)).data
            self.assertEqual((len(d), d[0], d[3]), (24, 23, 0))  # no block descriptors
            page = d[4:]
            self.assertEqual(page[:2], bytes([0x1D, 0x12]))
            for i, etype in enumerate((MT, ST, IE, DT)):
                first, n = be(page[2 + 4 * i:4 + 4 * i]), be(page[4 + 4 * i:6 + 4 * i])
                addresses = [e.address for e in self.elements(etype, voltag=False)[1]]
                self.assertTrue(all(e == etype for e in [x.type for x in self.elements(etype)[1]]))
                self.assertEqual(addresses, list(range(first, first + n)), etype)
            self.assertEqual((be(page[2:4]), be(page[6:8]), be(page[10:12]), be(page[14:16])),
                             (TRANSPORT, SLOT, MAIL, DRIVE))
            self.assertEqual((be(page[4:6]), be(page[8:10]), be(page[12:14]), be(page[16:18])),
                             (1, 4, 1, 1))
        # all pages with MODE SENSE(10): 1Dh, 1Eh (one robot, no rotation), 1Fh
        d = self.assertGood(self.changer.cdb(bytes([0x5A, 0, 0x3F, 0, 0, 0, 0, 1, 0, 0]),
                                             data_in_len=256)).data
        self.assertEqual((be(d[0:2]) + 2, len(d), be(d[6:8])), (len(d), 8 + 20 + 4 + 20, 0))
        self.assertEqual(d[8:10], bytes([0x1D, 0x12]))
        self.assertEqual(d[28:32], bytes([0x1E, 2, 0, 0]))
        cap = d[32:52]
        self.assertEqual(cap[:8], bytes([0x1F, 0x12, 0x0E, 0, 0, 0x0E, 0x0E, 0x0E]))  # ST, I/E, DT
        self.assertEqual(cap[8:], bytes(12))                    # no exchanges
        sub = self.assertGood(self.mode_sense6(0x3F, sub=0xFF)).data
        self.assertEqual(sub[4:], d[8:])
        changeable = self.assertGood(self.mode_sense6(0x3F, pc=1)).data
        self.assertEqual([changeable[4], changeable[24], changeable[28]], [0x1D, 0x1E, 0x1F])
        self.assertEqual(changeable[6:24] + changeable[26:28] + changeable[30:48], bytes(38))
        self.assertEqual(self.assertGood(self.mode_sense6(0x1F, pc=2)).data,
                         bytes([23, 0, 0, 0]) + cap)                    # default = current
        self.assertEqual(self.assertGood(self.mode_sense6(0x1D, alloc=6)).data,
                         bytes([23, 0, 0, 0, 0x1D, 0x12]))              # cut, the length whole
        self.assertCheck(self.mode_sense6(0x1D, pc=3), (5, 0x39, 0))
        self.assertCheck(self.mode_sense6(0x0A), (5, 0x24, 0))
        self.assertCheck(self.mode_sense6(0x1D, sub=1), (5, 0x24, 0))
        # MODE SELECT: the current values are accepted, nothing can be changed
        current = self.assertGood(self.mode_sense6(0x3F)).data
        params = bytes(4) + current[4:]
        self.assertGood(self.changer.cdb(bytes([0x15, 0x10, 0, 0, len(params), 0]),
                                         data_out=params))
        changed = bytearray(params)
        changed[4 + 9] = 5                                      # five slots
        c = self.assertCheck(self.changer.cdb(bytes([0x15, 0x10, 0, 0, len(changed), 0]),
                                              data_out=bytes(changed)), (5, 0x26, 0))
        self.assertEqual((c.sense[15] & 0xC0, be(c.sense[16:18])), (0x80, 4 + 9))   # the byte
        with_bd = bytes([0, 0, 0, 8]) + bytes(8) + current[4:]
        self.assertCheck(self.changer.cdb(bytes([0x15, 0x10, 0, 0, len(with_bd), 0]),
                                          data_out=with_bd), (5, 0x26, 0))
        self.assertCheck(self.changer.cdb(bytes([0x15, 0x11, 0, 0, len(params), 0]),
                                          data_out=params), (5, 0x24, 0))       # SP
        params10 = bytes(8) + current[4:]
        self.assertGood(self.changer.cdb(bytes([0x55, 0x10, 0, 0, 0, 0, 0, 0, len(params10), 0]),
                                         data_out=params10))

    def test_a_cartridge_goes_to_the_drive_is_written_and_comes_back(self):
        a, b = os.urandom(3000), os.urandom(700)
        self.assertGood(self.move(SLOT, DRIVE))                 # slot 1 -> the drive
        self.wait_events(1)                                     # the core's 28/00 for the drive
        self.assertGood(self.tur())
        self.assertEqual(self.position(), 0)                    # at BOP
        inv = self.contents()
        self.assertEqual((inv[DRIVE], inv[SLOT]), ("A00001L8", None))
        drive = self.elements(DT)[1][0]
        self.assertEqual((drive.flags, drive.source), (0x09, SLOT))      # SVALID: from slot 1
        self.assertGood(self.write(a))
        self.assertGood(self.write(b))
        self.assertGood(self.drive.cdb(cdb6(0x10, 0, 1)))      # a filemark
        self.assertEqual(self.position(), 3)
        # unloaded by the drive first, then moved to slot 4
        self.assertGood(self.drive.cdb(cdb6(0x1B, byte4=0)))   # LOAD UNLOAD: unload
        self.assertCheck(self.tur(), (2, 0x3A, 0))
        self.assertEqual(self.contents()[DRIVE], "A00001L8")    # still in the drive's throat
        self.assertGood(self.move(DRIVE, SLOT + 3))
        self.assertCheck(self.tur(), (2, 0x3A, 0))
        inv = self.contents()
        self.assertEqual((inv[DRIVE], inv[SLOT + 3]), (None, "A00001L8"))
        slot4 = [e for e in self.elements(ST)[1] if e.address == SLOT + 3][0]
        self.assertEqual(slot4.source, SLOT)                    # it came from slot 1
        # another cartridge: blank
        self.assertGood(self.move(SLOT + 1, DRIVE))
        self.wait_events(2)
        self.assertGood(self.tur())
        self.assertEqual(self.position(), 0)
        c = self.assertCheck(self.read(4096), (8, 0x00, 0x05))  # BLANK CHECK, END-OF-DATA
        self.assertEqual(c.data, b"")
        self.assertGood(self.write(b"second"))
        # straight out of the threaded drive, back to slot 2
        self.assertGood(self.move(DRIVE, SLOT + 1))
        self.assertCheck(self.tur(), (2, 0x3A, 0))
        self.assertEqual(len(self.medium_changed_events()), 2)  # a move out is no event
        # the first cartridge again: its records read back, from BOP
        self.assertGood(self.move(SLOT + 3, DRIVE))
        self.wait_events(3)
        self.assertEqual(self.elements(DT)[1][0].source, SLOT + 3)
        self.assertEqual(self.position(), 0)
        self.assertEqual(self.assertGood(self.read(3000)).data, a)
        self.assertEqual(self.assertGood(self.read(700)).data, b)
        c = self.assertCheck(self.read(100), (0, 0, 1))
        self.assertEqual(c.sense[2] & FILEMARK, FILEMARK)
        self.assertCheck(self.read(100), (8, 0, 5))
        self.assertGood(self.move(DRIVE, SLOT))
        self.assertGood(self.move(SLOT + 1, DRIVE))
        self.assertEqual(self.assertGood(self.read(6)).data, b"second")
        self.assertEqual(self.contents(), {DRIVE: "A00002L8", MAIL: None, SLOT: "A00001L8",
                                           SLOT + 1: None, SLOT + 2: "A00003L8", SLOT + 3: None})

    def test_moves_that_fail_change_nothing(self):
        before = self.contents()
        cases = [
            (move_cdb(SLOT, SLOT + 1), (5, 0x3B, 0x0D)),        # MEDIUM DESTINATION ELEMENT FULL
            (move_cdb(SLOT + 3, SLOT), (5, 0x3B, 0x0E)),        # MEDIUM SOURCE ELEMENT EMPTY
            (move_cdb(DRIVE, SLOT + 3), (5, 0x3B, 0x0E)),       # the empty drive
            (move_cdb(MAIL, DRIVE), (5, 0x3B, 0x0E)),
            (move_cdb(SLOT + 4, DRIVE), (5, 0x21, 0x01)),       # no fifth slot
            (move_cdb(SLOT, SLOT + 4), (5, 0x21, 0x01)),
            (move_cdb(SLOT, DRIVE + 1), (5, 0x21, 0x01)),       # no second drive
            (move_cdb(SLOT, MAIL + 1), (5, 0x21, 0x01)),
            (move_cdb(SLOT, 5), (5, 0x21, 0x01)),
            (move_cdb(TRANSPORT, DRIVE), (5, 0x21, 0x01)),      # the robot is no source
            (move_cdb(SLOT, TRANSPORT), (5, 0x21, 0x01)),
            (move_cdb(SLOT, DRIVE, transport=1), (5, 0x21, 0x01)),
            (move_cdb(SLOT, DRIVE, invert=True), (5, 0x24, 0x00)),
        ]
        for c, kcq in cases:
            self.assertCheck(self.changer.cdb(c), kcq)
        self.assertEqual(self.contents(), before)
        self.assertEqual(self.medium_changed_events(), [])
        self.assertCheck(self.tur(), (2, 0x3A, 0))
        # EXCHANGE MEDIUM is not supported
        self.assertCheck(self.changer.cdb(bytes([0xA6, 0, 0, 0, 4, 0, 4, 1, 4, 2, 0, 0])),
                         (5, 0x20, 0))

    def test_prevent_on_the_drive_refuses_a_move_out(self):
        self.assertGood(self.move(SLOT + 2, DRIVE))
        self.assertGood(self.drive.cdb(cdb6(0x1E, byte4=1)))   # PREVENT, as st's open
        self.assertEqual(self.elements(DT)[1][0].flags, 0x01)   # FULL, no ACCESS
        self.assertCheck(self.move(DRIVE, SLOT + 2), (5, 0x53, 0x02))
        self.assertGood(self.tur())                             # still loaded
        self.assertEqual(self.contents()[DRIVE], "A00003L8")
        self.assertGood(self.drive.cdb(cdb6(0x1E, byte4=0)))   # ALLOW, as st's close
        self.assertGood(self.move(DRIVE, SLOT + 2))
        self.assertEqual(self.contents()[SLOT + 2], "A00003L8")

    def test_read_element_status_ranges_types_and_allocation_length(self):
        full = self.assertGood(self.changer.cdb(res_cdb(), data_in_len=4096)).data
        for alloc in (0, 7, 8, 20, 100):                        # cut; the counts are the whole's
            c = self.assertGood(self.changer.cdb(res_cdb(alloc=alloc), data_in_len=alloc))
            self.assertEqual(c.data, full[:alloc])
        (first, n, count), els = self.elements(ST, start=SLOT + 1, count=2)
        self.assertEqual((first, n, count), (SLOT + 1, 2, 8 + 2 * 48))
        self.assertEqual([e.address for e in els], [SLOT + 1, SLOT + 2])
        (first, n, _), els = self.elements(0, start=300, count=2)   # a lowest address only
        self.assertEqual([(e.type, e.address) for e in els], [(IE, MAIL), (ST, SLOT)])
        self.assertEqual((first, n), (MAIL, 2))
        (first, n, count), els = self.elements(ST, count=0)
        self.assertEqual((first, n, count, els), (0, 0, 0, []))
        # Linux's ch: one element at a time, its address at bytes 16-17
        for a in (TRANSPORT, DRIVE, MAIL, SLOT, SLOT + 3):
            etype = {TRANSPORT: MT, DRIVE: DT, MAIL: IE}.get(a, ST)
            c = self.changer.cdb(res_cdb(etype, a, 1, alloc=255), data_in_len=256)
            d = self.assertGood(c).data
            self.assertEqual((be(d[16:18]), d[8]), (a, etype))
        self.assertCheck(self.changer.cdb(res_cdb(ST, SLOT + 4), data_in_len=64), (5, 0x21, 0x01))
        self.assertCheck(self.changer.cdb(res_cdb(DT, DRIVE + 1), data_in_len=64), (5, 0x21, 0x01))
        c = self.assertCheck(self.changer.cdb(res_cdb(5), data_in_len=64), (5, 0x24, 0x00))
        self.assertEqual((c.sense[15], be(c.sense[16:18])), (0xC0 | 0x08 | 3, 1))   # byte 1 bit 3

    def test_import_export_element_and_other_commands(self):
        self.assertGood(self.move(SLOT + 2, MAIL))
        mail = self.elements(IE)[1][0]
        self.assertEqual((mail.flags, mail.source, mail.tag[:8]), (0x39, SLOT + 2, b"A00003L8"))
        self.assertGood(self.move(MAIL, DRIVE))
        self.assertEqual(self.elements(DT)[1][0].source, MAIL)
        self.assertGood(self.move(DRIVE, SLOT + 3))
        self.assertEqual(self.elements(ST, SLOT + 3)[1][0].source, MAIL)
        self.assertGood(self.move(SLOT + 3, SLOT + 2))
        self.assertEqual(self.elements(ST, SLOT + 2)[1][0].source, SLOT + 3)
        self.assertGood(self.move(SLOT + 2, DRIVE))
        self.assertGood(self.move(DRIVE, SLOT + 2))             # back where it came from: SVALID 0
        self.assertIsNone(self.elements(ST, SLOT + 2)[1][0].source)
        for c in (cdb6(0x00), cdb6(0x07), cdb6(0x1E, byte4=1), cdb6(0x1E, byte4=0),
                  bytes([0x2B, 0, 0, 0, 4, 0, 0, 0, 0, 0])):      # POSITION TO ELEMENT slot 1
            self.assertGood(self.changer.cdb(c))
        self.assertCheck(self.changer.cdb(cdb6(0x1E, byte4=2)), (5, 0x24, 0))
        self.assertCheck(self.changer.cdb(bytes([0x2B, 0, 0, 0, 4, 4, 0, 0, 0, 0])), (5, 0x21, 1))
        log = self.changer.cdb(bytes([0x4D, 0, 0x40, 0, 0, 0, 0, 0, 64, 0]), data_in_len=64)
        self.assertEqual(self.assertGood(log).data, bytes([0, 0, 0, 1, 0]))
        self.assertCheck(self.changer.cdb(bytes([0x4D, 0, 0x40 | 0x07, 0, 0, 0, 0, 0, 64, 0]),
                                          data_in_len=64), (5, 0x24, 0))
        for op in (0x08, 0x0A, 0x37, 0xA6, 0xB5, 0xB6, 0x9E):
            self.assertCheck(self.changer.cdb(bytes([op]) + bytes(15)), (5, 0x20, 0))

    def test_hellos_name_the_devices_and_their_opcodes(self):
        ch, dr = self.changer.epoch.hello, self.drive.epoch.hello
        self.assertEqual((ch["name"], ch["type"], dr["name"], dr["type"]),
                         ("python-changer", P.TYPE_CHANGER, "python-tape", P.TYPE_TAPE))
        self.assertTrue(ch["features"] & P.F_CDB)
        self.assertEqual(dr["features"] & (P.F_CDB | P.F_EVENTS), P.F_CDB | P.F_EVENTS)

        def ops(bitmap):
            return {op for op in range(256) if bitmap[op // 8] >> (op % 8) & 1}
        self.assertEqual(ops(ch["opcodes"]), {0x00, 0x07, 0x15, 0x1A, 0x1E, 0x2B, 0x4D, 0x55,
                                              0x5A, 0xA5, 0xB8})
        self.assertIn(0x08, ops(dr["opcodes"]))
        self.assertFalse((ops(ch["opcodes"]) | ops(dr["opcodes"])) & set(CORE_OPCODES))

    def test_sigterm_says_goodbye_on_both_sockets(self):
        p = self.procs[0]
        e1, e2 = self.changer.epoch.number, self.drive.epoch.number
        p.terminate()
        self.assertEqual(p.wait(10), 0)
        self.assertEqual(self.changer.wait_epoch_end(e1), "GOODBYE from the handler")
        self.assertEqual(self.drive.wait_epoch_end(e2), "GOODBYE from the handler")

    def test_goodbye_from_both_cores_exits_zero(self):
        self.changer.close()
        self.assertIsNone(self.procs[0].poll())                 # the drive still serves
        self.assertCheck(self.tur(), (2, 0x3A, 0))
        self.drive.close()
        self.assertEqual(self.procs[0].wait(10), 0)

    def test_a_second_library_is_refused_and_exits_1(self):
        extra = self.spawn()
        self.assertEqual(extra.wait(10), 1)
        self.assertIn(P.REFUSE_ATTACHED, [r for r, _ in self.changer.refused + self.drive.refused])
        self.assertGood(self.move(SLOT, DRIVE))                 # the first serves on
        self.assertGood(self.tur())

    def test_the_commands_of_mtx_and_st_in_the_guest_script(self):
        """mgmt/src/test/resources/linux-guest/changer.sh: mtx status/load/unload/transfer (mtx
        reads the element status first) and st's commands for dd, mt offline, mt eod."""
        def mtx_status():
            # mtx: MODE SENSE(6) DBD page 1Dh (136 bytes), then READ ELEMENT STATUS with VOLTAG of
            # the slots, the import/export elements, the drives, the robot; asked again when the
            # byte count says the allocation length was short
            page = self.assertGood(self.mode_sense6(0x1D, alloc=136)).data[4:]
            st_first, st_n, ie_first, ie_n = (be(page[6:8]), be(page[8:10]), be(page[10:12]),
                                              be(page[12:14]))
            dt_first, dt_n = be(page[14:16]), be(page[16:18])

            def ask(etype, first, n):
                alloc = 64
                data = self.assertGood(self.changer.cdb(res_cdb(etype, first, n, alloc=alloc),
                                                        data_in_len=alloc)).data
                if be(data[5:8]) + 8 > alloc:
                    alloc = be(data[5:8]) + 8
                    data = self.assertGood(self.changer.cdb(res_cdb(etype, first, n, alloc=alloc),
                                                            data_in_len=alloc)).data
                return parse_elements(data)[1]
            slots = ask(ST, st_first, st_n) + ask(IE, ie_first, ie_n)  # mtx numbers I/E last
            drives = ask(DT, dt_first, dt_n)
            robot = ask(MT, 0, 1)
            self.assertEqual([e.address for e in robot], [0])

            def tag(e):
                return e.tag[:32].rstrip(b" ").decode()
            words = []
            for i, d in enumerate(drives):
                if not d.flags & 1:
                    words.append(f"d{i}:-")
                    continue
                number = [j for j, s in enumerate(slots)
                          if s.address == d.source and not s.flags & 1]
                words.append(f"d{i}:{tag(d)}@{number[0] + 1 if number else 0}")
            words += [f"s{j + 1}:{tag(s) if s.flags & 1 else '-'}" for j, s in enumerate(slots)]
            return ",".join(words), slots, drives

        def mtx_move(source, destination):
            # like mtx: refused by mtx itself when the status says so, else MOVE MEDIUM
            _, slots, drives = mtx_status()
            src = drives[0] if source == "d" else slots[source - 1]
            dst = drives[0] if destination == "d" else slots[destination - 1]
            if not src.flags & 1 or dst.flags & 1:
                return False
            self.assertGood(self.move(src.address, dst.address))
            return True

        def mtx_unload():
            # no slot: where the drive's cartridge came from (its source element)
            _, slots, drives = mtx_status()
            home = [s for s in slots if s.address == drives[0].source]
            return mtx_move("d", slots.index(home[0]) + 1)

        def st_open():
            self.assertGood(self.tur())
            self.assertGood(self.drive.cdb(cdb6(0x05), data_in_len=6))
            self.assertGood(self.drive.cdb(bytes([0x1A, 0, 0, 0, 12, 0]), data_in_len=12))
            self.assertGood(self.drive.cdb(cdb6(0x1E, byte4=1)))

        def st_close():
            self.assertGood(self.drive.cdb(cdb6(0x1E, byte4=0)))

        inv0 = mtx_status()[0]
        self.assertEqual(inv0, "d0:-,s1:A00001L8,s2:A00002L8,s3:A00003L8,s4:-,s5:-")
        self.assertCheck(self.tur(), (2, 0x3A, 0))              # mt status: DR_OPEN
        self.assertTrue(mtx_move(1, "d"))                       # mtx load 1 0
        self.wait_events(1)
        self.assertEqual(mtx_status()[0], "d0:A00001L8@1,s1:-,s2:A00002L8,s3:A00003L8,s4:-,s5:-")
        file = os.urandom(3 * 4096)
        st_open()                                               # dd of=/dev/nst0 bs=4096
        for i in range(3):
            self.assertGood(self.write(file[i * 4096:(i + 1) * 4096]))
        self.assertGood(self.drive.cdb(cdb6(0x10, 0, 1)))      # the filemark at close
        st_close()
        self.assertEqual(self.position(), 4)                    # mt tell
        st_open()                                               # mt offline
        st_close()                                              # st unlocks before unloading
        self.assertGood(self.drive.cdb(cdb6(0x1B, byte4=0)))
        self.assertTrue(mtx_move("d", 1))                       # mtx unload 1 0
        self.assertTrue(mtx_move(1, 4))                         # mtx transfer 1 4
        self.assertTrue(mtx_move(2, "d"))                       # mtx load 2 0
        self.wait_events(2)
        st_open()                                               # mt eod
        self.assertCheck(self.drive.cdb(cdb6(0x11, 1, 0x7FFFFF)), (8, 0, 5))
        st_close()
        self.assertEqual(self.position(), 0)                    # blank
        self.assertTrue(mtx_move("d", 2))                       # mtx unload 2 0, threaded
        self.assertTrue(mtx_move(4, "d"))                       # mtx load 4 0
        self.wait_events(3)
        st_open()                                               # dd if=/dev/nst0 bs=4096
        got = b"".join(self.assertGood(self.read(4096)).data for _ in range(3))
        self.assertCheck(self.read(4096), (0, 0, 1))
        st_close()
        self.assertEqual(got, file)
        self.assertEqual(self.position(), 4)
        self.assertEqual(mtx_status()[0], "d0:A00001L8@4,s1:-,s2:A00002L8,s3:A00003L8,s4:-,s5:-")
        self.assertTrue(mtx_unload())                           # mtx unload: back to slot 4
        self.assertFalse(mtx_move(2, 3))                        # mtx transfer 2 3: Already Full
        self.assertEqual(mtx_status()[0], "d0:-,s1:-,s2:A00002L8,s3:A00003L8,s4:A00001L8,s5:-")


class TapeLibraryOptionsTest(LibraryCase):
    args = ("--slots", "6", "--import-export", "2", "--cartridges", "CLN001L1,X1")

    def test_slots_import_export_elements_and_cartridges(self):
        self.assertEqual(self.contents(), {DRIVE: None, MAIL: None, MAIL + 1: None,
                                           SLOT: "CLN001L1", SLOT + 1: "X1", SLOT + 2: None,
                                           SLOT + 3: None, SLOT + 4: None, SLOT + 5: None})
        page = self.assertGood(self.mode_sense6(0x1D)).data[4:]
        self.assertEqual([be(page[i:i + 2]) for i in range(2, 18, 2)],
                         [TRANSPORT, 1, SLOT, 6, MAIL, 2, DRIVE, 1])
        self.assertGood(self.move(SLOT + 1, MAIL + 1))
        self.assertGood(self.move(MAIL + 1, SLOT + 5))
        self.assertEqual(self.contents()[SLOT + 5], "X1")

    def test_bad_command_lines_exit_2(self):
        for extra in (("--cartridges", "A,B,C,D,E,F,G"), ("--cartridges", "A,A"),
                      ("--cartridges", "has space"), ("--cartridges", "../x"), ("--slots", "0"),
                      ("--import-export", "300")):
            p = self.spawn(*extra)
            self.assertEqual(p.wait(10), 2, extra)


class TapeLibraryDirTest(LibraryCase):
    """--dir: each cartridge in a file, so its records outlive the process."""
    start = False

    def test_records_outlive_the_process(self):
        self.args = ("--dir", os.path.join(self.dir, "carts"))
        p = self.start_library()
        self.assertGood(self.move(SLOT + 1, DRIVE))
        self.assertGood(self.write(b"kept on disk"))
        self.assertGood(self.drive.cdb(cdb6(0x10, 0, 1)))
        self.assertGood(self.move(DRIVE, SLOT + 1))
        self.assertEqual(sorted(os.listdir(os.path.join(self.dir, "carts"))),
                         ["A00001L8.tape", "A00002L8.tape", "A00003L8.tape"])
        e1, e2 = self.changer.epoch.number, self.drive.epoch.number
        p.terminate()
        self.assertEqual(p.wait(10), 0)
        self.start_library(after=(e1, e2))
        self.assertEqual(self.contents()[SLOT + 1], "A00002L8")     # in its slot again
        self.assertGood(self.move(SLOT + 1, DRIVE))
        self.assertEqual(self.assertGood(self.read(12)).data, b"kept on disk")
        self.assertGood(self.move(DRIVE, SLOT + 1))
        self.assertGood(self.move(SLOT, DRIVE))                 # the others are still blank
        self.assertCheck(self.read(10), (8, 0, 5))

    def test_a_drive_socket_that_appears_later_is_attached(self):
        self.drive.close()
        self.drive = None
        self.spawn()
        self.changer.wait_ready(10)
        self.assertGood(self.move(SLOT, DRIVE))                 # the changer works meanwhile
        time.sleep(0.3)                                         # the drive's handler retries
        self.drive = TestCore(self.drive_path, device_type=P.TYPE_TAPE).start()
        self.drive.wait_ready(10)
        self.assertGood(self.tur())                             # the cartridge is in the drive
        self.assertEqual(self.position(), 0)


if __name__ == "__main__":
    unittest.main()
