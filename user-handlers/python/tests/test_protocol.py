"""The test core against the Python sparse disk, and against hostile "handlers"."""
import errno
import mmap
import os
import signal
import socket
import sys
import time
import unittest

from scstj_user import Device, Handler, SenseError
from scstj_user import proto as P
from tests.harness import SPARSE_DISK, HandlerCase, RoundTrip, wait_stopped


class SparseDiskTest(RoundTrip, HandlerCase):
    def handler_argv(self, path):
        return [sys.executable, SPARSE_DISK, "--size", "4M", "--block-size", "512", path]


class SparseDiskLbaStatusTest(HandlerCase):
    def handler_argv(self, path):
        return [sys.executable, SPARSE_DISK, "--size", "4M", "--block-size", "512", path]

    def test_lba_status_reports_the_written_blocks_mapped_and_the_rest_deallocated(self):
        self.attach()
        self.assertTrue(self.core.epoch.features & P.F_LBA_STATUS, "sparse_disk asks for LBA_STATUS")
        self.assertGood(self.core.write(8 * 512, b"\1" * 1024))
        self.assertGood(self.core.unmap(8 * 512, 512))
        c = self.assertGood(self.core.lba_status(0, 4 << 20))
        self.assertEqual(c.extents, [(0, 9 * 512, True), (9 * 512, 512, False),
                                     (10 * 512, (4 << 20) - 10 * 512, True)])
        two = self.assertGood(self.core.lba_status(0, 4 << 20, max_extents=2)).extents
        self.assertEqual(two, c.extents[:2], "no more extents than room for")


class SparseDisk4kTest(HandlerCase):
    block_size = 4096

    def handler_argv(self, path):
        return [sys.executable, SPARSE_DISK, "--size", "4M", "--block-size", "4096", path]

    def test_block_size_mismatch_is_refused(self):
        self.core.block_size = 512
        p = self.spawn()
        self.assertNotEqual(p.wait(10), 0)
        self.assertEqual(self.core.refused[-1][0], P.REFUSE_MISMATCH)

    def test_4k_round_trip(self):
        self.attach()
        data = os.urandom(3 * 4096)
        self.assertGood(self.core.write(4096, data))
        self.assertEqual(self.core.read(4096, 3 * 4096).data, data)


class DeadlineTest(HandlerCase):
    core_options = {"deadline_ms": 300}

    def handler_argv(self, path):
        return [sys.executable, SPARSE_DISK, "--size", "4M", path]

    def test_a_handler_that_stops_answering_gets_abort_then_the_epoch_ends(self):
        p, epoch = self.attach()
        os.kill(p.pid, signal.SIGSTOP)
        wait_stopped(p.pid)
        t0 = time.monotonic()
        c = self.core.submit_read(0, 512)
        self.assertEqual(c.wait(5).status, P.TASK_ABORTED)          # first deadline: ABORT
        self.assertEqual(c.result.how, "deadline")
        self.assertGreaterEqual(time.monotonic() - t0, 0.25)
        self.assertTrue(self.core.wait_epoch_end(epoch).startswith("handler hung"))  # second
        self.assertGreaterEqual(time.monotonic() - t0, 0.55)
        self.assertNotReady(self.core.read(0, 512))
        os.kill(p.pid, signal.SIGCONT)
        self.assertNotEqual(p.wait(10), 0)                           # it was refused


class RogueHandler:
    """A "handler" written by hand: raw socket, raw mmap, whatever completions it likes."""

    def __init__(self, path, features=0, block_size=512, blocks=8192):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.connect(path)
        body = P.HELLO_BODY.pack(features, P.TYPE_DISK, block_size, 0, blocks, bytes(32), b"rogue")
        self.sock.send(P.pack_msg(P.HELLO, body))
        msg, fds, _, _ = socket.recv_fds(self.sock, P.MAX_MSG, 3)
        mtype, body = P.unpack_msg(msg)
        assert mtype == P.WELCOME, mtype
        w = P.WELCOME_BODY.unpack(body)
        self.epoch, self.features, self.sq_n, self.cq_n = w[0], w[1], w[2], w[3]
        self.sq_off, self.cq_off, size = w[6], w[7], w[9]
        self.mem = mmap.mmap(fds[0], size)
        for fd in fds:
            os.close(fd)
        self.sock.send(P.pack_msg(P.READY))
        self.cq_tail = 0

    def take(self, timeout=5):
        """Wait for the next submission (polling: a rogue needs no doorbell); return it."""
        end = time.monotonic() + timeout
        head = P.U32.unpack_from(self.mem, P.OFF_SQ_HEAD)[0]
        while P.U32.unpack_from(self.mem, P.OFF_SQ_TAIL)[0] == head:
            if time.monotonic() > end:
                raise TimeoutError("no submission")
            time.sleep(0.001)
        e = P.SQE.unpack_from(self.mem, self.sq_off + (head % self.sq_n) * P.SQE_SIZE)
        P.U32.pack_into(self.mem, P.OFF_SQ_HEAD, head + 1)
        return e

    def complete(self, cmd_id, status=0, sense_len=0, data_len=0, sense=b""):
        off = self.cq_off + (self.cq_tail % self.cq_n) * P.CQE_SIZE
        P.CQE.pack_into(self.mem, off, cmd_id, status, sense_len, data_len, sense)
        self.cq_tail += 1
        self.set_cq_tail(self.cq_tail)

    def set_cq_tail(self, value):
        P.U32.pack_into(self.mem, P.OFF_CQ_TAIL, value & 0xFFFFFFFF)

    def refusal(self, timeout=5):
        """The REFUSE the core sends when it ends the epoch: (reason, text)."""
        self.sock.settimeout(timeout)
        msg = self.sock.recv(P.MAX_MSG)
        mtype, body = P.unpack_msg(msg)
        assert mtype == P.REFUSE, mtype
        return P.U32.unpack_from(body)[0], body[4:].split(b"\0")[0].decode()

    def close(self):
        self.mem.close()
        self.sock.close()


class HostileHandlerTest(unittest.TestCase):
    """"The core never trusts this memory": every lie is a protocol error that ends the epoch."""

    def setUp(self):
        import shutil
        import tempfile
        from scstj_user.testcore import TestCore
        self.dir = tempfile.mkdtemp(prefix="scstj-uh-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.core = TestCore(os.path.join(self.dir, "dev.sock"), sq_entries=8).start()
        self.addCleanup(self.core.close)

    def rogue(self, features=0):
        r = RogueHandler(self.core.path, features)
        self.addCleanup(r.close)
        self.assertEqual(self.core.wait_ready(5), r.epoch)
        return r

    def assertProtocolError(self, r, cmds, fragment):
        why = self.core.wait_epoch_end(r.epoch)
        self.assertIn("protocol error", why)
        self.assertIn(fragment, why)
        self.assertEqual(r.refusal(), (P.REFUSE_PROTOCOL, why))
        for c in cmds:          # in flight when the epoch ended: NOT READY, not the lie
            res = c.wait(5)
            self.assertEqual((res.status, res.kcq), (P.CHECK_CONDITION, (2, 4, 3)), res)
        # nothing more reaches this handler; the LU is NOT READY until a new epoch
        self.assertEqual(self.core.read(0, 512).kcq, (2, 4, 3))

    def test_completion_of_an_unknown_id(self):
        r = self.rogue()
        c = self.core.submit_read(0, 512)
        e = r.take()
        r.complete(e[0] + 1000, data_len=512)
        self.assertProtocolError(r, [c], "unknown command")

    def test_second_completion_of_one_id(self):
        r = self.rogue()
        c = self.core.submit_write(0, bytes(512))
        c2 = self.core.submit_write(512, bytes(512))
        e = r.take()
        r.complete(e[0])
        self.assertEqual(c.wait(5).status, P.GOOD)      # the first one is fine
        r.complete(e[0])
        self.assertProtocolError(r, [c2], "second completion")

    def test_cq_tail_far_ahead(self):
        r = self.rogue()
        c = self.core.submit_read(0, 512)
        r.take()
        r.set_cq_tail(1000)
        self.assertProtocolError(r, [c], "CQ tail 1000")

    def test_cq_tail_behind_the_head(self):
        r = self.rogue()
        c = self.core.submit_write(0, bytes(512))
        e = r.take()
        r.complete(e[0])
        self.assertEqual(c.wait(5).status, P.GOOD)
        c2 = self.core.submit_read(0, 512)
        r.take()
        r.set_cq_tail(0)
        self.assertProtocolError(r, [c2], "from the head 1")

    def test_sense_length_200(self):
        r = self.rogue()
        c = self.core.submit_read(0, 512)
        e = r.take()
        r.complete(e[0], status=P.CHECK_CONDITION, sense_len=200, sense=P.fixed_sense(3, 0x11, 0))
        self.assertProtocolError(r, [c], "sense length 200")

    def test_malformed_sense(self):
        r = self.rogue()
        c = self.core.submit_read(0, 512)
        e = r.take()
        r.complete(e[0], status=P.CHECK_CONDITION, sense_len=18, sense=b"\x55" * 18)
        self.assertProtocolError(r, [c], "malformed sense")

    def test_status_sam5_does_not_define(self):
        r = self.rogue()
        c = self.core.submit_read(0, 512)
        e = r.take()
        r.complete(e[0], status=0x55)
        self.assertProtocolError(r, [c], "not a SAM-5 status")

    def test_data_length_above_the_commands(self):
        r = self.rogue()
        c = self.core.submit_read(0, 512)
        e = r.take()
        r.complete(e[0], data_len=1 << 20)
        self.assertProtocolError(r, [c], "data length")

    def test_out_of_order_without_the_feature(self):
        r = self.rogue()
        c1 = self.core.submit_write(0, bytes(512))
        c2 = self.core.submit_write(512, bytes(512))
        r.take()
        e2 = r.take()
        r.complete(e2[0])
        self.assertProtocolError(r, [c1, c2], "out of order")

    def test_out_of_order_with_the_feature_is_fine(self):
        r = self.rogue(P.F_OUT_OF_ORDER)
        c1 = self.core.submit_write(0, bytes(512))
        c2 = self.core.submit_write(512, bytes(512))
        e1, e2 = r.take(), r.take()
        r.complete(e2[0])
        r.complete(e1[0])
        self.assertEqual((c1.wait(5).status, c2.wait(5).status), (P.GOOD, P.GOOD))

    def test_sq_head_beyond_the_tail(self):
        r = self.rogue()
        c = self.core.submit_read(0, 512)
        r.take()
        P.U32.pack_into(r.mem, P.OFF_SQ_HEAD, 77)
        self.core.submit_read(0, 512)           # the core looks at the head when it places
        self.assertProtocolError(r, [c], "SQ head 77")

    def test_unknown_feature_bits_are_left_out_of_welcome(self):
        r = self.rogue(P.F_UNMAP | 1 << 20)
        self.assertEqual(r.features, P.F_UNMAP)
        c = self.core.submit_unmap(0, 512)
        r.complete(r.take()[0])
        self.assertEqual(c.wait(5).status, P.GOOD)

    def test_malformed_message(self):
        r = self.rogue()
        c = self.core.submit_read(0, 512)
        r.take()
        r.sock.send(b"\x00" * 16)
        self.assertProtocolError(r, [c], "bad magic")


if __name__ == "__main__":
    unittest.main()


class FaultyDisk(Device):
    """Fails on purpose: reads of block 1 EIO, writes of block 2 EIO, block 3 ENOSPC,
    block 4 a handler-chosen sense, block 5 a bug; opcode C0h answers 16 bytes."""
    name = "faulty"
    cdb_opcodes = (0xC0,)
    vpd_pages = (0xC3,)

    def read(self, offset, length):
        if offset == 512:
            raise OSError(errno.EIO, "bad sector")
        return bytes(length)

    def write(self, offset, data, fua):
        bad = {1024: OSError(errno.EIO, "bad sector"), 1536: OSError(errno.ENOSPC, "full"),
               2048: SenseError(0x1, 0x17, 0x01), 2560: ZeroDivisionError()}
        if offset in bad:
            raise bad[offset]

    def cdb(self, cdb, data_out):
        return P.GOOD, b"", bytes(range(cdb[1], cdb[1] + 16))


class InProcessHandlerTest(unittest.TestCase):
    """A handler in a thread of the test process: device errors, CDB operations, EVENT."""

    def setUp(self):
        import shutil
        import tempfile
        import threading
        from scstj_user.testcore import TestCore
        self.dir = tempfile.mkdtemp(prefix="scstj-uh-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.core = TestCore(os.path.join(self.dir, "dev.sock")).start()
        self.stop = threading.Event()
        self.handler = None
        ready = threading.Event()

        def run():
            self.handler = Handler(self.core.path, FaultyDisk(1 << 20), features=P.F_CDB | P.F_EVENTS | P.F_VPD)
            ready.set()
            try:
                self.handler.run(self.stop.is_set)
            except Exception:
                pass
            finally:
                self.handler.close()
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        self.assertTrue(ready.wait(5))
        self.core.wait_ready(5)

    def tearDown(self):
        self.stop.set()
        self.thread.join(5)
        self.core.close()

    def test_device_errors_become_check_condition_with_fixed_sense(self):
        cases = [(self.core.read(512, 512), (0x3, 0x11, 0x00)),     # UNRECOVERED READ ERROR
                 (self.core.write(1024, bytes(512)), (0x3, 0x0C, 0x00)),   # WRITE ERROR
                 (self.core.write(1536, bytes(512)), (0x7, 0x27, 0x07)),   # SPACE ALLOCATION FAILED
                 (self.core.write(2048, bytes(512)), (0x1, 0x17, 0x01)),   # the handler's own
                 (self.core.write(2560, bytes(512)), (0x4, 0x44, 0x00))]   # INTERNAL TARGET FAILURE
        for c, kcq in cases:
            self.assertEqual(c.status, P.CHECK_CONDITION, c)
            self.assertEqual(c.kcq, kcq)
            self.assertEqual(c.sense[0], 0x70)
        self.assertEqual(self.core.read(0, 512).status, P.GOOD)       # the epoch goes on

    def test_cdb_operation_returns_data_in(self):
        c = self.core.cdb(bytes([0xC0, 7, 0, 0, 0, 0]), data_in_len=16)
        self.assertEqual(c.status, P.GOOD, c)
        self.assertEqual(c.data, bytes(range(7, 23)))

    def test_vpd_pages_travel_in_a_136_byte_hello_and_inquiry_reaches_cdb(self):
        self.assertEqual(self.core.epoch.hello["vpd_pages"], [0xC3])
        self.assertTrue(self.core.epoch.features & P.F_VPD)
        c = self.core.cdb(bytes([0x12, 1, 0xC3, 0, 16, 0]), data_in_len=16)
        self.assertEqual(c.status, P.GOOD, c)
        self.assertEqual(c.data, bytes(range(1, 17)))

    def test_event_reaches_the_core(self):
        self.handler.send_event(P.EV_CAPACITY_CHANGED, 4096)
        deadline = time.monotonic() + 5
        while not self.core.events and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(self.core.events, [(1, P.EV_CAPACITY_CHANGED, 4096)])


ISO_DISC = os.path.join(os.path.dirname(SPARSE_DISK), "iso_disc.py")


class IsoDiscMediumTest(HandlerCase):
    """iso_disc.py's discs swapped by the operator ("MEDIUM"): it starts empty, loads an image,
    refuses one it cannot open (the old disc stays in) and takes its disc out."""
    block_size = 2048
    core_options = {"device_type": P.TYPE_CDROM}

    def handler_argv(self, path):
        return [sys.executable, ISO_DISC, "--quiet", path]

    def test_the_operator_swaps_discs_through_medium(self):
        data = os.urandom(5000)
        image = os.path.join(self.dir, "a.iso")
        with open(image, "wb") as f:
            f.write(data)
        self.attach()
        self.assertTrue(self.core.epoch.features & P.F_MEDIUM, "iso_disc asks for MEDIUM")
        self.assertEqual(self.core.epoch.hello["blocks"], 0, "an empty drive")
        self.assertEqual(self.core.medium(image), (0, 3, ""), "5000 bytes: 3 blocks of 2048")
        c = self.assertGood(self.core.read(0, 6144))
        self.assertEqual(c.data, data + bytes(6144 - 5000), "the last partial block padded")
        result, blocks, why = self.core.medium(os.path.join(self.dir, "missing.iso"))
        self.assertEqual((result, blocks), (errno.ENOENT, 0))
        self.assertIn("No such file", why)
        self.assertEqual(self.assertGood(self.core.read(2048, 2048)).data, data[2048:4096], "the old disc stays")
        self.assertEqual(self.core.medium(""), (0, 0, ""), "taken out")
