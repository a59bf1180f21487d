"""The test core against the C reference handlers (user-handlers/c), built by `make`."""
import os
import subprocess
import unittest

from scstj_user import proto as P
from tests.harness import SIZE, HandlerCase, RoundTrip

C_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "c")
BUILD = os.environ.get("SCSTJ_UH_BUILD", os.path.join(C_DIR, "build"))


def setUpModule():
    # `make test` has built them; a plain `unittest discover` builds them (a no-op when fresh).
    if "SCSTJ_UH_BUILD" not in os.environ:
        subprocess.run(["make", "-s", "-C", C_DIR, "all"], check=True)


class RamdiskTest(RoundTrip, HandlerCase):
    def handler_argv(self, path):
        return [os.path.join(BUILD, "ramdisk"), "--size", str(SIZE), "--block-size", "512", path]

    def test_unmap_of_whole_pages_and_partial_pages(self):
        self.attach()
        self.assertGood(self.core.write(0, b"\x77" * 65536))
        self.assertGood(self.core.unmap(512, 65536 - 1024))     # a page-crossing range
        data = self.core.read(0, 65536).data
        self.assertEqual(data[:512], b"\x77" * 512)
        self.assertEqual(data[512:-512], bytes(65536 - 1024))
        self.assertEqual(data[-512:], b"\x77" * 512)


class Ramdisk4kTest(HandlerCase):
    block_size = 4096

    def handler_argv(self, path):
        return [os.path.join(BUILD, "ramdisk"), "--size", "4M", "--block-size", "4096", path]

    def test_4k_round_trip(self):
        self.attach()
        data = os.urandom(64 * 1024)
        self.assertGood(self.core.write(8192, data))
        self.assertEqual(self.core.read(8192, len(data)).data, data)


class FilediskTest(RoundTrip, HandlerCase):
    def handler_argv(self, path):
        self.file = os.path.join(self.dir, "disk.img")
        return [os.path.join(BUILD, "filedisk"), "--file", self.file, "--size", str(SIZE),
                "--block-size", "512", path]

    def test_data_is_in_the_file_after_flush_and_unmap_punches_a_hole(self):
        self.attach()
        data = os.urandom(1 << 20)
        self.assertGood(self.core.write(1 << 20, data, fua=True))
        self.assertGood(self.core.flush())
        with open(self.file, "rb") as f:
            f.seek(1 << 20)
            self.assertEqual(f.read(1 << 20), data)
        before = os.stat(self.file).st_blocks
        self.assertGood(self.core.unmap(1 << 20, 1 << 20))
        self.assertEqual(os.stat(self.file).st_size, SIZE)                 # KEEP_SIZE
        self.assertLess(os.stat(self.file).st_blocks, before)              # a hole
        self.assertEqual(self.core.read(1 << 20, 4096).data, bytes(4096))


if __name__ == "__main__":
    unittest.main()
