#!/usr/bin/env python3
"""A CD/DVD drive with a disc: an ISO 9660 image served read-only, 2048-byte blocks (MMC-6).

    iso_disc.py IMAGE.iso /run/scstj/cd0.sock

The core answers every MMC command (READ CAPACITY, READ TOC, GET CONFIGURATION, ...) and asks this
handler only for the blocks; the LU is `type = cdrom` in the daemon's configuration.  An image whose
size is not a whole number of 2048-byte blocks reads as zeros past its end, up to the last block.
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
        self.fd = os.open(path, os.O_RDONLY)
        length = os.fstat(self.fd).st_size
        super().__init__((length + BLOCK - 1) // BLOCK * BLOCK, BLOCK)

    def read(self, offset, length):
        data = os.pread(self.fd, length, offset)
        return data + bytes(length - len(data))   # the image's last partial block, padded


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("image")
    ap.add_argument("socket")
    args = ap.parse_args(argv)
    clean = serve(args.socket, IsoDisc(args.image), stop=stop_on_signals(),
                  log=stderr_log("iso_disc", args.quiet))
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
