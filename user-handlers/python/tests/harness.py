"""Shared pieces of the protocol tests: a test core plus a handler in a subprocess."""
import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from scstj_user import proto as P
from scstj_user.testcore import TestCore

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
SPARSE_DISK = os.path.join(PYTHON_DIR, "examples", "sparse_disk.py")
SIZE = 4 << 20


def wait_stopped(pid, timeout=5):
    """Wait until the process is in state T (SIGSTOP took effect)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] in ("T", "t"):
                return
        time.sleep(0.005)
    raise TimeoutError("the handler did not stop")


class HandlerCase(unittest.TestCase):
    """Subclasses give `handler_argv(socket_path)` and `block_size`."""

    block_size = 512
    core_options = {}

    def handler_argv(self, path):
        raise NotImplementedError

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="scstj-uh-")
        self.path = os.path.join(self.dir, "dev.sock")
        self.core = TestCore(self.path, block_size=self.block_size, **self.core_options).start()
        self.procs = []
        self.rng = random.Random(19)

    def tearDown(self):
        self.core.close()
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def spawn(self):
        # SCSTJ_UH_STDERR=1 shows the handlers' logs (and a sanitizer's reports)
        quiet = not os.environ.get("SCSTJ_UH_STDERR")
        p = subprocess.Popen(self.handler_argv(self.path), stderr=subprocess.DEVNULL if quiet else None)
        self.procs.append(p)
        return p

    def attach(self, after_epoch=0):
        p = self.spawn()
        return p, self.core.wait_ready(10, after_epoch)

    def assertGood(self, c):
        self.assertEqual(c.status, P.GOOD, c)
        return c

    def assertNotReady(self, c):
        self.assertEqual(c.status, P.CHECK_CONDITION, c)
        self.assertEqual(c.kcq, (0x2, 0x04, 0x03), c)


class RoundTrip:
    """Round trips every handler must pass (mixed into a HandlerCase)."""

    def test_write_then_read_back_random_blocks(self):
        self.attach()
        bs = self.block_size
        written = {}
        for _ in range(200):
            lba = self.rng.randrange(SIZE // bs - 8)
            n = self.rng.randint(1, 8)
            data = self.rng.randbytes(n * bs)
            self.assertGood(self.core.write(lba * bs, data, fua=self.rng.random() < 0.2))
            for i in range(n):
                written[lba + i] = data[i * bs:(i + 1) * bs]
        for lba, block in written.items():
            self.assertEqual(self.assertGood(self.core.read(lba * bs, bs)).data, block, lba)
        never = next(lba for lba in range(SIZE // bs) if lba not in written)
        self.assertEqual(self.core.read(never * bs, bs).data, bytes(bs))

    def test_flush(self):
        self.attach()
        self.assertGood(self.core.write(0, b"\x5a" * self.block_size))
        self.assertGood(self.core.flush())

    def test_unmap_reads_zeros(self):
        self.attach()
        bs = self.block_size
        self.assertGood(self.core.write(8 * bs, b"\xff" * (16 * bs)))
        self.assertGood(self.core.unmap(10 * bs, 4 * bs))
        data = self.assertGood(self.core.read(8 * bs, 16 * bs)).data
        self.assertEqual(data[:2 * bs], b"\xff" * (2 * bs))
        self.assertEqual(data[2 * bs:6 * bs], bytes(4 * bs))
        self.assertEqual(data[6 * bs:], b"\xff" * (10 * bs))

    def test_write_same(self):
        self.attach()
        bs = self.block_size
        block = bytes(range(256)) * (bs // 256)
        self.assertGood(self.core.write_same(100 * bs, 33 * bs, block))
        self.assertEqual(self.assertGood(self.core.read(100 * bs, 33 * bs)).data, block * 33)
        self.assertEqual(self.core.read(133 * bs, bs).data, bytes(bs))

    def test_many_outstanding_fill_the_ring_without_hanging(self):
        self.attach()
        bs = self.block_size
        cmds = [self.core.submit_write(i * bs, bytes([i % 251]) * bs) for i in range(500)]
        cmds += [self.core.submit_read(i * bs, bs) for i in range(500)]
        for c in cmds:
            self.assertGood(c.wait(30))
        for i, c in enumerate(cmds[500:]):
            self.assertEqual(c.result.data, bytes([i % 251]) * bs)
        # backpressure: never more at the handler than min(SQ entries, buffers)
        self.assertEqual(self.core.max_in_flight, self.core.credits)

    def test_abort_of_a_command_waiting_at_the_handler(self):
        p, _ = self.attach()
        bs = self.block_size
        os.kill(p.pid, signal.SIGSTOP)
        wait_stopped(p.pid)
        first = self.core.submit_write(0, b"\x11" * bs)
        victim = self.core.submit_write(bs, b"\x22" * bs)
        time.sleep(0.05)                          # both are in the SQ
        self.core.abort(victim)
        self.assertEqual(victim.wait(5).status, P.TASK_ABORTED)
        time.sleep(0.05)                          # the ABORT is on the socket
        os.kill(p.pid, signal.SIGCONT)
        self.assertGood(first.wait(5))
        self.assertTrue(victim.handler_done.wait(5))
        self.assertEqual(victim.handler_status, P.TASK_ABORTED)   # the handler never wrote it
        self.assertEqual(self.core.read(bs, bs).data, bytes(bs))
        self.assertEqual(self.core.read(0, bs).data, b"\x11" * bs)

    def test_killed_handler_fails_in_flight_at_once_and_a_new_epoch_gets_only_new_commands(self):
        p, epoch1 = self.attach()
        bs = self.block_size
        self.assertGood(self.core.write(0, b"\x01" * bs))
        os.kill(p.pid, signal.SIGSTOP)
        wait_stopped(p.pid)
        stuck = [self.core.submit_write(i * bs, b"\x02" * bs) for i in range(1, 9)]
        time.sleep(0.05)
        self.assertTrue(all(not c.done.is_set() for c in stuck))
        old_ids = {i for e, i, _ in self.core.submitted if e == epoch1}
        t0 = time.monotonic()
        p.kill()
        for c in stuck:
            self.assertNotReady(c.wait(2))
        self.assertLess(time.monotonic() - t0, 1.0)
        self.assertEqual(self.core.wait_epoch_end(epoch1), "socket EOF")
        self.assertNotReady(self.core.read(0, bs))          # no handler: the LU is NOT READY
        p.wait(5)
        _, epoch2 = self.attach(after_epoch=epoch1)
        self.assertGreater(epoch2, epoch1)
        self.assertGood(self.core.write(2 * bs, b"\x03" * bs))
        new = [(i, op) for e, i, op in self.core.submitted if e == epoch2]
        self.assertTrue(new)
        self.assertFalse({i for i, _ in new} & old_ids)      # never an old command again
        self.assertTrue(all(i > max(old_ids) for i, _ in new))
        self.assertEqual(self.core.read(2 * bs, bs).data, b"\x03" * bs)

    def test_kill_under_load_ends_every_command_good_or_not_ready(self):
        p, epoch = self.attach()
        bs = self.block_size
        cmds = [self.core.submit_write((i % 1024) * bs, bytes([i % 256]) * bs) for i in range(3000)]
        while sum(c.done.is_set() for c in cmds[:200]) < 100:
            time.sleep(0.001)
        p.kill()
        p.wait(5)
        # after the handler is gone nothing can complete GOOD: however fast the handler was before,
        # these must end 02/04/03 (and the 3000 GOOD or 02/04/03)
        cmds += [self.core.submit_write(i * bs, b"\x05" * bs) for i in range(50)]
        statuses = collections.Counter()
        for c in cmds:
            r = c.wait(5)
            statuses["GOOD" if r.status == P.GOOD else r.kcq] += 1
        self.assertEqual(set(statuses) - {"GOOD", (2, 4, 3)}, set(), statuses)
        self.assertGreater(statuses[(2, 4, 3)], 0, statuses)
        self.assertTrue(self.core.wait_epoch_end(epoch))
        self.attach(after_epoch=epoch)
        self.assertGood(self.core.write(0, b"\x09" * bs))
        self.assertEqual(self.core.read(0, bs).data, b"\x09" * bs)

    def test_tmf_notification_is_taken_in_stride(self):
        self.attach()
        self.assertTrue(self.core.tmf(P.TMF_LU_RESET))      # every handler here asks TMF
        time.sleep(0.05)
        self.assertGood(self.core.read(0, self.block_size))

    def test_a_second_handler_is_refused_while_one_is_attached(self):
        self.attach()
        extra = self.spawn()
        self.assertNotEqual(extra.wait(10), 0)
        self.assertEqual(self.core.refused[-1][0], P.REFUSE_ATTACHED)
        self.assertGood(self.core.read(0, self.block_size))

    def test_goodbye_from_the_core_exits_zero(self):
        p, _ = self.attach()
        self.core.close()
        self.assertEqual(p.wait(10), 0)

    def test_sigterm_says_goodbye(self):
        p, epoch = self.attach()
        p.terminate()
        self.assertEqual(p.wait(10), 0)
        self.assertEqual(self.core.wait_epoch_end(epoch), "GOODBYE from the handler")
