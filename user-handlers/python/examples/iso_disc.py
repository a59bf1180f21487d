#!/usr/bin/env python3
"""A CD/DVD drive: ISO 9660 images served read-only as discs, 2048-byte blocks (MMC-6).

    iso_disc.py [IMAGE.iso] /run/scstj/cd0.sock     (without IMAGE the drive starts empty)

The core answers every MMC command (READ CAPACITY, READ TOC, GET CONFIGURATION, START STOP UNIT,
...) and asks this handler only for the blocks; the LU is `type = cdrom` in the daemon's
configuration.  An image whose size is not a whole number of 2048-byte blocks reads as zeros past
its end, up to the last block.  The operator swaps discs with the admin API (`scstj admin device
load cd0 other.iso`, `... eject cd0`): the core sends MEDIUM with the image's path
(feature MEDIUM), and this handler opens it before it answers, so a path it cannot open leaves
the old disc in and the load fails with the reason.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scstj_user import Device, serve, stderr_log, stop_on_signals  # noqa: E402
from scstj_user import proto as P  # noqa: E402

BLOCK = 2048    # MMC-6 4.2: a CD/DVD logical block


class IsoDisc(Device):
    name = "iso_disc.py"
    device_type = P.TYPE_CDROM

    def __init__(self, path):
        self.fd = None
        super().__init__(self._open(path) if path else 0, BLOCK)

    def _open(self, path):
        """Opens `path` as the disc (the old one closed only once it opened); its size in whole blocks."""
        fd = os.open(path, os.O_RDONLY)
        length = os.fstat(fd).st_size
        if length == 0:
            os.close(fd)
            raise OSError(22, f"{path} is empty: no disc")
        if self.fd is not None:
            os.close(self.fd)
        self.fd = fd
        return (length + BLOCK - 1) // BLOCK * BLOCK

    def read(self, offset, length):
        data = os.pread(self.fd, length, offset)
        return data + bytes(length - len(data))   # the image's last partial block, padded

    def change_medium(self, medium):
        if medium is None:
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None
            return 0
        return self._open(medium)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("image", nargs="?", default="", help="the first disc's image (none: an empty drive)")
    ap.add_argument("socket")
    args = ap.parse_args(argv)
    clean = serve(args.socket, IsoDisc(args.image), stop=stop_on_signals(),
                  log=stderr_log("iso_disc", args.quiet))
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
