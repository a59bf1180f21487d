"""examples/tape_drive.py against the test core: SSC-3 commands as CDB operations."""
import os
import subprocess
import sys

from scstj_user import proto as P
from tests.harness import PYTHON_DIR, HandlerCase

TAPE_DRIVE = os.path.join(PYTHON_DIR, "examples", "tape_drive.py")

FILEMARK, EOM, ILI = 0x80, 0x40, 0x20


def cdb6(op, byte1=0, count=0, byte4=None):
    """A 6-byte CDB with a 24-bit (two's complement) count in bytes 2-4, or byte 4 alone."""
    if byte4 is not None:
        return bytes([op, byte1, 0, 0, byte4, 0])
    return bytes([op, byte1]) + (count & 0xFFFFFF).to_bytes(3, "big") + b"\0"


class TapeCase(HandlerCase):
    core_options = {"device_type": P.TYPE_TAPE}
    args = ()

    def handler_argv(self, path):
        return [sys.executable, TAPE_DRIVE, "--quiet", *self.args, path]

    # ---- the commands ----

    def write(self, data, fixed=False, blocks=None):
        n = blocks if fixed else len(data)
        return self.core.cdb(cdb6(0x0A, int(fixed), n), data_out=data)

    def read(self, n, fixed=False, sili=False, alloc=None):
        c = cdb6(0x08, int(fixed) | (2 if sili else 0), n)
        return self.core.cdb(c, data_in_len=alloc or max(n * (self.bl if fixed else 1), 1))

    def filemarks(self, n=1, immed=False):
        return self.core.cdb(cdb6(0x10, int(immed), n))

    def rewind(self):
        return self.assertGood(self.core.cdb(cdb6(0x01)))

    def space(self, code, count):
        return self.core.cdb(cdb6(0x11, code, count))

    def locate(self, lba):
        return self.core.cdb(bytes([0x2B, 0, 0]) + lba.to_bytes(4, "big") + bytes(3))

    def position(self, service_action=0):
        """READ POSITION: (BOP, EOP, first, last) of the short form."""
        c = self.assertGood(self.core.cdb(bytes([0x34, service_action]) + bytes(8), data_in_len=20))
        d = c.data
        self.assertEqual(len(d), 20)
        self.assertEqual(d[0] & 0x04, 0, "LOLU must be 0: the position is known")
        first, last = int.from_bytes(d[4:8], "big"), int.from_bytes(d[8:12], "big")
        return bool(d[0] & 0x80), bool(d[0] & 0x40), first, last

    def assertAt(self, pos):
        bop, _, first, last = self.position()
        self.assertEqual((first, last, bop), (pos, pos, pos == 0))

    def mode_select6(self, block_len, density=0):
        params = bytes([0, 0, 0x10, 8, density, 0, 0, 0, 0]) + block_len.to_bytes(3, "big")
        return self.core.cdb(bytes([0x15, 0x10, 0, 0, len(params), 0]), data_out=params)

    def mode_sense6(self, page=0, pc=0, dbd=False, alloc=255):
        c = bytes([0x1A, 8 if dbd else 0, pc << 6 | page, 0, alloc, 0])
        return self.core.cdb(c, data_in_len=alloc)

    def load_unload(self, byte4):
        return self.core.cdb(cdb6(0x1B, byte4=byte4))

    # ---- checks ----

    def assertCheck(self, c, kcq, info=None, flags=0):
        """CHECK CONDITION with fixed sense (70h, 18 bytes), these bits and INFORMATION."""
        self.assertEqual(c.status, P.CHECK_CONDITION, c)
        self.assertEqual((c.sense[0] & 0x7F, len(c.sense)), (0x70, 18))
        self.assertEqual(c.kcq, kcq, c)
        self.assertEqual(c.sense[2] & 0xE0, flags, c.sense.hex())
        if info is None:
            self.assertFalse(c.sense[0] & 0x80, "VALID without INFORMATION")
        else:
            self.assertTrue(c.sense[0] & 0x80, "VALID")
            self.assertEqual(int.from_bytes(c.sense[3:7], "big", signed=True), info)
        return c

    def setUp(self):
        super().setUp()
        self.bl = 0
        self.attach()


class TapeDriveTest(TapeCase):

    def test_two_records_and_a_filemark_read_back(self):
        a, b = os.urandom(1000), os.urandom(3000)
        self.assertAt(0)
        self.assertGood(self.write(a))
        self.assertAt(1)
        self.assertGood(self.write(b))
        self.assertAt(2)
        self.assertGood(self.filemarks(1))
        self.assertAt(3)
        self.rewind()
        self.assertAt(0)
        self.assertEqual(self.assertGood(self.read(1000)).data, a)
        self.assertAt(1)
        self.assertEqual(self.assertGood(self.read(3000)).data, b)
        self.assertAt(2)
        # the filemark: NO SENSE, FILEMARK, 00/01, the whole request as residue; past the mark
        c = self.assertCheck(self.read(4096), (0, 0x00, 0x01), info=4096, flags=FILEMARK)
        self.assertEqual(c.data, b"")
        self.assertAt(3)
        # the end of data: BLANK CHECK, END-OF-DATA DETECTED; the position stays
        self.assertCheck(self.read(4096), (8, 0x00, 0x05), info=4096)
        self.assertAt(3)
        self.assertGood(self.read(0))                   # a zero-length read moves nothing
        self.assertAt(3)

    def test_incorrect_length_reports_ili_with_a_signed_residue(self):
        rec = os.urandom(1000)
        self.assertGood(self.write(rec))
        self.rewind()
        c = self.assertCheck(self.read(4096), (0, 0, 0), info=4096 - 1000, flags=ILI)   # shorter
        self.assertEqual(c.data, rec)
        self.assertAt(1)                                # past the record
        self.rewind()
        c = self.assertCheck(self.read(512), (0, 0, 0), info=512 - 1000, flags=ILI)     # longer
        self.assertEqual(c.data, rec[:512])
        self.assertAt(1)
        self.rewind()                                   # SILI: no incorrect length in variable mode
        self.assertEqual(self.assertGood(self.read(4096, sili=True)).data, rec)
        self.rewind()
        self.assertEqual(self.assertGood(self.read(512, sili=True)).data, rec[:512])
        self.assertAt(1)

    def test_space_over_blocks_and_filemarks_and_to_end_of_data(self):
        # objects: 0 record, 1 record, 2 filemark, 3 record, 4 filemark, 5 record; EOD at 6
        for obj in ("r", "r", "f", "r", "f", "r"):
            self.assertGood(self.write(b"x" * 100) if obj == "r" else self.filemarks(1))
        self.rewind()
        self.assertGood(self.space(0, 0))               # count 0: no motion
        self.assertAt(0)
        self.assertCheck(self.space(0, 5), (0, 0x00, 0x01), info=3, flags=FILEMARK)
        self.assertAt(3)                                # the EOP side of the filemark
        self.assertGood(self.space(1, 1))
        self.assertAt(5)
        self.assertCheck(self.space(1, 1), (8, 0x00, 0x05), info=1)
        self.assertAt(6)
        self.assertGood(self.space(1, -1))
        self.assertAt(4)                                # the BOP side of filemark 4
        self.assertCheck(self.space(0, -5), (0, 0x00, 0x01), info=4, flags=FILEMARK)
        self.assertAt(2)                                # went back over record 3, stopped at mark 2
        self.assertCheck(self.space(1, -2), (0, 0x00, 0x04), info=2, flags=EOM)
        self.assertAt(0)
        self.assertCheck(self.space(0, -1), (0, 0x00, 0x04), info=1, flags=EOM)
        self.assertGood(self.space(3, 0))
        self.assertAt(6)
        self.assertGood(self.space(0, -1))
        self.assertAt(5)
        self.assertCheck(self.space(4, 1), (5, 0x24, 0x00))     # setmarks: not supported

    def test_locate_and_read_position_forms(self):
        for i in range(3):
            self.assertGood(self.write(bytes([i]) * 10))
        self.assertGood(self.filemarks(2))
        self.assertGood(self.write(b"last"))
        self.assertGood(self.locate(2))
        self.assertAt(2)
        self.assertEqual(self.read(10).data, b"\x02" * 10)
        self.assertGood(self.locate(0))
        self.assertAt(0)
        self.assertGood(self.locate(5))
        self.assertEqual(self.read(4).data, b"last")
        self.assertEqual(self.position(service_action=1)[2], 6)    # what st asks for (BT)
        long = self.assertGood(self.core.cdb(bytes([0x34, 6]) + bytes(8), data_in_len=32)).data
        self.assertEqual(len(long), 32)
        self.assertEqual(int.from_bytes(long[8:16], "big"), 6)     # logical object number
        self.assertEqual(int.from_bytes(long[16:24], "big"), 2)    # filemarks before it
        self.assertCheck(self.locate(7), (8, 0x00, 0x05))          # beyond EOD: at EOD
        self.assertAt(6)
        self.assertCheck(self.core.cdb(bytes([0x34, 8]) + bytes(8), data_in_len=32), (5, 0x24, 0))

    def test_fixed_block_mode_set_by_mode_select(self):
        # FIXED without a block length in the mode
        self.assertCheck(self.write(bytes(512), fixed=True, blocks=1), (5, 0x24, 0))
        self.assertGood(self.mode_select6(512))
        self.bl = 512
        d = self.assertGood(self.mode_sense6()).data
        self.assertEqual((d[3], int.from_bytes(d[9:12], "big")), (8, 512))
        blocks = os.urandom(3 * 512)
        self.assertGood(self.write(blocks, fixed=True, blocks=3))
        self.assertAt(3)
        self.assertGood(self.filemarks(1))
        self.assertGood(self.write(b"v" * 100))         # a variable record in between
        self.rewind()
        self.assertEqual(self.assertGood(self.read(2, fixed=True)).data, blocks[:1024])
        c = self.assertCheck(self.read(4, fixed=True), (0, 0x00, 0x01), info=3, flags=FILEMARK)
        self.assertEqual(c.data, blocks[1024:])         # one block, then the filemark
        self.assertAt(4)
        c = self.assertCheck(self.read(2, fixed=True), (0, 0, 0), info=2, flags=ILI)
        self.assertEqual(c.data, b"")                   # the 100-byte record is the wrong length
        self.assertAt(5)
        self.assertCheck(self.read(1, fixed=True, sili=True), (5, 0x24, 0))   # SILI with FIXED
        # back to variable-block mode with MODE SELECT(10)
        params = bytes([0, 0, 0, 0x10, 0, 0, 0, 8]) + bytes(8)
        select10 = bytes([0x55, 0x10, 0, 0, 0, 0, 0, 0, len(params), 0])
        self.assertGood(self.core.cdb(select10, data_out=params))
        sense10 = bytes([0x5A, 0, 0x3F, 0, 0, 0, 0, 1, 0, 0])
        d = self.assertGood(self.core.cdb(sense10, data_in_len=256)).data
        self.assertEqual(int.from_bytes(d[0:2], "big") + 2, len(d))
        self.assertEqual(int.from_bytes(d[6:8], "big"), 8)
        self.assertEqual(int.from_bytes(d[13:16], "big"), 0)           # block length 0: variable
        self.assertEqual([d[16], d[17], d[32], d[33]], [0x0F, 14, 0x10, 14])

    def test_mode_pages_and_parameters(self):
        d = self.assertGood(self.mode_sense6(0x3F)).data
        self.assertEqual(d[0] + 1, len(d))
        self.assertEqual(d[2], 0x10)                    # not write-protected, buffered mode 1
        self.assertEqual(d[4], 0xF0)                    # the density code
        self.assertEqual([d[12], d[28]], [0x0F, 0x10])
        self.assertEqual(d[14] & 0xC0, 0)               # DCC 0, DCE 0: no compression
        d = self.assertGood(self.mode_sense6(0x10, dbd=True)).data
        self.assertEqual((len(d), d[3], d[4]), (20, 0, 0x10))
        self.assertCheck(self.mode_sense6(0x1C), (5, 0x24, 0))
        self.assertCheck(self.mode_sense6(0x0F, pc=3), (5, 0x39, 0))
        page = bytes([0, 0, 0x10, 0, 0x0F, 14, 0x80]) + bytes(13)      # DCE on
        select6 = bytes([0x15, 0x10, 0, 0, len(page), 0])
        self.assertCheck(self.core.cdb(select6, data_out=page), (5, 0x26, 0))
        self.assertCheck(self.mode_select6(512, density=0x42), (5, 0x26, 0))
        saving = bytes([0x15, 0x11, 0, 0, 12, 0])              # SP
        self.assertCheck(self.core.cdb(saving, data_out=bytes(12)), (5, 0x24, 0))

    def test_write_in_the_middle_and_erase_move_end_of_data(self):
        for i in range(4):
            self.assertGood(self.write(bytes([i]) * 50))
        self.assertGood(self.locate(2))
        self.assertGood(self.write(b"new"))             # objects 3.. are gone
        self.assertGood(self.space(3, 0))
        self.assertAt(3)
        self.assertGood(self.locate(1))
        self.assertGood(self.core.cdb(cdb6(0x19)))      # ERASE
        self.assertAt(1)
        self.assertCheck(self.read(50), (8, 0x00, 0x05), info=50)
        self.assertGood(self.space(3, 0))
        self.assertAt(1)
        self.rewind()
        self.assertEqual(self.read(50).data, b"\0" * 50)

    def test_unload_makes_media_commands_not_ready_until_load(self):
        self.assertGood(self.write(b"keep me"))
        self.assertGood(self.core.cdb(cdb6(0x1E, byte4=1)))         # PREVENT
        self.assertCheck(self.load_unload(0), (5, 0x53, 0x02))      # MEDIUM REMOVAL PREVENTED
        self.assertGood(self.core.cdb(cdb6(0x1E, byte4=0)))         # ALLOW
        self.assertGood(self.load_unload(0))
        for c in (cdb6(0x00), cdb6(0x01), cdb6(0x11, 3), bytes([0x34]) + bytes(9)):
            c = self.core.cdb(c, data_in_len=20 if c[0] == 0x34 else 0)
            self.assertCheck(c, (2, 0x3A, 0x00))
        self.assertCheck(self.read(10), (2, 0x3A, 0x00))
        self.assertCheck(self.write(b"no"), (2, 0x3A, 0x00))
        self.assertCheck(self.load_unload(0), (2, 0x3A, 0x00))      # nothing to unload
        self.assertGood(self.mode_sense6())                         # not media commands
        self.assertGood(self.core.cdb(cdb6(0x05), data_in_len=6))
        self.assertGood(self.load_unload(1))                        # LOAD: at BOP
        self.assertGood(self.core.cdb(cdb6(0x00)))
        self.assertAt(0)
        self.assertEqual(self.read(7).data, b"keep me")

    def test_invalid_opcodes_and_fields(self):
        for op in (0x28, 0x2A, 0x88, 0xC0):
            self.assertCheck(self.core.cdb(bytes([op]) + bytes(15)), (5, 0x20, 0x00))
        self.assertCheck(self.core.cdb(cdb6(0x10, 2, 1)), (5, 0x24, 0))          # setmarks
        self.assertCheck(self.core.cdb(cdb6(0x05, 1), data_in_len=20), (5, 0x24, 0))   # MLOI
        self.assertCheck(self.core.cdb(bytes([0x4D, 0, 0x40 | 0x2E]) + bytes(7), data_in_len=64),
                         (5, 0x24, 0))
        supported = self.core.cdb(bytes([0x4D, 0, 0x40]) + bytes(4) + b"\0\x40\0", data_in_len=64)
        self.assertEqual(self.assertGood(supported).data, bytes([0, 0, 0, 1, 0]))

    def test_report_density_support(self):
        c = self.core.cdb(bytes([0x44, 0, 0, 0, 0, 0, 0, 1, 0, 0]), data_in_len=256)
        d = self.assertGood(c).data
        self.assertEqual(int.from_bytes(d[0:2], "big") + 2, len(d))
        self.assertEqual((d[4], d[5], d[6] & 0xA0), (0xF0, 0xF0, 0xA0))       # WRTOK, DEFLT
        self.assertEqual(int.from_bytes(d[16:20], "big"), 67)                 # 64 MiB in 10^6 bytes


    def test_what_st_and_tar_do(self):
        """The commands Linux st sends for `tar -cf /dev/nst0`, `mt eod`, `mt tell`, `mt seek`
        and `tar -xf`: open, 10240-byte variable records, a filemark at close, rewind."""
        import io
        import tarfile

        def st_open():
            self.assertGood(self.core.cdb(cdb6(0x00)))                          # TEST UNIT READY
            limits = self.assertGood(self.core.cdb(cdb6(0x05), data_in_len=6)).data
            self.assertGreaterEqual(int.from_bytes(limits[1:4], "big"), 10240)
            d = self.assertGood(self.mode_sense6(alloc=12)).data        # header + descriptor
            self.assertEqual((len(d), d[3], int.from_bytes(d[9:12], "big")), (12, 8, 0))
            self.assertGood(self.core.cdb(cdb6(0x1E, byte4=1)))                # lock the door

        files = {f"f{i}": os.urandom(3000 * i + 17) for i in range(1, 5)}
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w", format=tarfile.GNU_FORMAT) as t:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        raw = archive.getvalue()
        raw += bytes(-len(raw) % 10240)                 # tar's blocking factor 20
        for archive_no in range(2):                     # two archives, one after the other
            st_open()
            for i in range(0, len(raw), 10240):
                self.assertGood(self.write(raw[i:i + 10240]))
            self.assertGood(self.filemarks(1))          # close after writing
            self.assertGood(self.core.cdb(cdb6(0x1E, byte4=0)))
        # mt eod without fast-mteom: SPACE 7fffffh filemarks, stopped by the end of data
        self.rewind()
        self.assertCheck(self.space(1, 0x7FFFFF), (8, 0, 5), info=0x7FFFFF - 2)
        records = len(raw) // 10240
        self.assertEqual(self.position(service_action=1)[2], 2 * records + 2)  # mt tell
        self.assertGood(self.locate(records + 1))       # mt seek: the second archive
        self.rewind()
        for archive_no in range(2):                     # tar -xf /dev/nst0, twice
            st_open()
            got = bytearray()
            while True:
                c = self.read(10240)
                if c.status != P.GOOD:
                    self.assertCheck(c, (0, 0, 1), info=10240, flags=FILEMARK)
                    break
                got += c.data
            self.assertEqual(bytes(got), raw)
            with tarfile.open(fileobj=io.BytesIO(bytes(got))) as t:
                self.assertEqual({m.name: t.extractfile(m).read() for m in t.getmembers()}, files)


class TapeLimitsTest(TapeCase):
    """A small cartridge and a small shared buffer."""
    core_options = {"device_type": P.TYPE_TAPE, "buffer_size": 64 << 10}
    args = ("--size", "96K")

    def test_read_block_limits_follow_the_welcome_buffer_size(self):
        d = self.assertGood(self.core.cdb(cdb6(0x05), data_in_len=6)).data
        self.assertEqual(d, bytes([0]) + (64 << 10).to_bytes(3, "big") + b"\0\x01")
        too_long = cdb6(0x0A, 0, (64 << 10) + 1)
        self.assertCheck(self.core.cdb(too_long, data_out=bytes(16)), (5, 0x24, 0))

    def test_early_warning_then_volume_overflow(self):
        # early warning at 96K - 96K/32 = 93K of records
        self.assertGood(self.write(bytes(60 << 10)))
        self.assertFalse(self.position()[1])
        self.assertGood(self.write(bytes(32 << 10)))                # 92K: not yet
        self.assertCheck(self.write(bytes(2 << 10)), (0, 0x00, 0x02), info=0, flags=EOM)   # written
        self.assertAt(3)
        self.assertTrue(self.position()[1])                         # EOP: in early warning
        self.assertCheck(self.filemarks(1), (0, 0x00, 0x02), info=0, flags=EOM)
        self.assertCheck(self.write(bytes(4 << 10)), (0xD, 0x00, 0x02), info=4 << 10, flags=EOM)
        self.assertAt(4)                                            # not written
        self.assertGood(self.mode_select6(1024))
        self.bl = 1024
        c = self.write(bytes(4 << 10), fixed=True, blocks=4)
        self.assertCheck(c, (0xD, 0x00, 0x02), info=2, flags=EOM)
        self.assertAt(6)                                            # 2 blocks fitted
        self.rewind()
        self.assertGood(self.space(1, 1))
        self.assertEqual(len(self.assertGood(self.read(2, fixed=True)).data), 2048)


class TapeFileTest(TapeCase):
    """--file: the cartridge in a file, record by record."""

    @property
    def cartridge(self):
        return os.path.join(self.dir, "cartridge.tape")

    def handler_argv(self, path):
        return [sys.executable, TAPE_DRIVE, "--quiet", "--file", self.cartridge, path]

    def stop(self):
        epoch = self.core.epoch.number
        self.procs[-1].terminate()
        self.assertEqual(self.procs[-1].wait(10), 0)
        self.assertEqual(self.core.wait_epoch_end(epoch), "GOODBYE from the handler")
        return epoch

    def test_the_cartridge_outlives_the_handler_and_a_torn_record(self):
        a, b = os.urandom(5000), os.urandom(70)
        self.assertGood(self.write(a))
        self.assertGood(self.filemarks(1))
        self.assertGood(self.write(b))
        self.attach(after_epoch=self.stop())
        self.assertAt(0)                                # a new handler: at BOP
        self.assertEqual(self.read(5000).data, a)
        self.assertCheck(self.read(10), (0, 0, 1), info=10, flags=FILEMARK)
        self.assertEqual(self.read(70).data, b)
        self.assertGood(self.locate(2))
        self.assertGood(self.write(b"shorter"))         # replaces the last record
        epoch = self.stop()
        with open(self.cartridge, "ab") as f:           # as if it crashed in the middle of a write
            f.write(b"R\x00\x00\x10\x00half")
        self.attach(after_epoch=epoch)
        self.assertGood(self.locate(2))
        self.assertEqual(self.read(100, sili=True).data, b"shorter")
        self.assertCheck(self.read(10), (8, 0, 5), info=10)

    def test_a_file_that_is_no_cartridge_is_refused(self):
        junk = os.path.join(self.dir, "junk")
        with open(junk, "wb") as f:
            f.write(b"not a tape")
        r = subprocess.run([sys.executable, TAPE_DRIVE, "--file", junk, self.path],
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"not a tape_drive.py cartridge", r.stderr)


class TapeWriteProtectTest(TapeCase):
    args = ("--write-protect",)

    def test_write_protected_cartridge(self):
        self.assertEqual(self.mode_sense6().data[2] & 0x80, 0x80)
        self.assertCheck(self.write(b"x"), (7, 0x27, 0))
        self.assertCheck(self.filemarks(1), (7, 0x27, 0))
        self.assertCheck(self.core.cdb(cdb6(0x19)), (7, 0x27, 0))
        self.assertCheck(self.read(10), (8, 0, 5), info=10)
