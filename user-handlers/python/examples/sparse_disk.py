#!/usr/bin/env python3
"""A sparse disk: blocks live in a dict; unwritten blocks read as zeros; UNMAP deletes keys.

    sparse_disk.py --size 64M --block-size 512 /run/scstj/sparse0.sock
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scstj_user import Device, serve, stderr_log, stop_on_signals  # noqa: E402
from scstj_user import proto as P  # noqa: E402


class SparseDisk(Device):
    name = "sparse_disk.py"
    vpd_pages = (0xC0,)         # a vendor-specific VPD page of its own (feature VPD)
    cdb_opcodes = (0xC1,)       # a vendor-specific command of its own (feature CDB): STORED BLOCKS

    def __init__(self, size, block_size):
        super().__init__(size, block_size)
        self.blocks = {}
        self.zero = bytes(block_size)

    def read(self, offset, length):
        bs = self.block_size
        return b"".join(self.blocks.get(lba, self.zero)
                        for lba in range(offset // bs, (offset + length) // bs))

    def write(self, offset, data, fua):
        bs = self.block_size
        first = offset // bs
        for i in range(len(data) // bs):
            self.blocks[first + i] = bytes(data[i * bs:(i + 1) * bs])

    def flush(self):
        pass                    # nothing volatile, but asking FLUSH shows the feature

    def unmap(self, offset, length):
        bs = self.block_size
        for lba in range(offset // bs, (offset + length) // bs):
            self.blocks.pop(lba, None)

    def lba_status(self, offset, length, max_extents):
        """SBC-4 GET LBA STATUS: a block is mapped while it has a key."""
        bs = self.block_size
        extents = []
        for lba in range(offset // bs, (offset + length) // bs):
            deallocated = lba not in self.blocks
            if extents and extents[-1][2] == deallocated:
                extents[-1][1] += bs
            elif len(extents) == max_extents:
                break
            else:
                extents.append([lba * bs, bs, deallocated])
        return [tuple(e) for e in extents]

    def cdb(self, cdb, data_out):
        """INQUIRY, VPD page C0h (SPC-5 7.7.1: vendor specific): the blocks stored, in ASCII."""
        if cdb[0] == 0x12 and cdb[1] & 1 and cdb[2] == 0xC0:
            text = f"sparse_disk.py: {len(self.blocks)} of {self.size // self.block_size} blocks stored".encode()
            return 0, b"", bytes([0x00, 0xC0]) + len(text).to_bytes(2, "big") + text
        if cdb[0] == 0xC1:
            # STORED BLOCKS (vendor specific, 10 bytes: ALLOCATION LENGTH in bytes 7-8): the blocks
            # stored and the capacity, in blocks, each a big-endian u64
            allocation = int.from_bytes(cdb[7:9], "big")
            data = len(self.blocks).to_bytes(8, "big") + (self.size // self.block_size).to_bytes(8, "big")
            return 0, b"", data[:allocation]
        return super().cdb(cdb, data_out)

    def write_same(self, offset, length, block, fua):
        bs = self.block_size
        for lba in range(offset // bs, (offset + length) // bs):
            self.blocks[lba] = block


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="64M", type=P.parse_size)
    ap.add_argument("--block-size", default=512, type=int, choices=(512, 1024, 2048, 4096))
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("socket")
    args = ap.parse_args(argv)
    clean = serve(args.socket, SparseDisk(args.size, args.block_size),
                  stop=stop_on_signals(), log=stderr_log("sparse_disk", args.quiet))
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
