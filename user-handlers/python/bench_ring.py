#!/usr/bin/env python3
"""A tiny throughput figure, not an assertion: 4 KiB random reads at queue depth 32 through the
Python test core and the C ramdisk, for 5 seconds.

The test core is Python (one ring thread plus the submitting thread, under the GIL), so it is
the bottleneck by far: this shows the rings work under load, not what the protocol can do.
The Java core's numbers belong to `bench compare` (issue 19).

    python3 bench_ring.py [--seconds 5] [--qd 32] [--handler ramdisk|filedisk|python]
"""
import argparse
import collections
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from scstj_user import proto as P  # noqa: E402
from scstj_user.testcore import TestCore  # noqa: E402

BUILD = os.path.join(os.path.dirname(HERE), "c", "build")
SIZE = 64 << 20


def handler_argv(kind, sock, tmp):
    if kind == "ramdisk":
        return [os.path.join(BUILD, "ramdisk"), "--size", str(SIZE), sock]
    if kind == "filedisk":
        return [os.path.join(BUILD, "filedisk"), "--file", os.path.join(tmp, "disk.img"),
                "--size", str(SIZE), sock]
    return [sys.executable, os.path.join(HERE, "examples", "sparse_disk.py"), "--size", str(SIZE), sock]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--qd", type=int, default=32)
    ap.add_argument("--bs", type=int, default=4096)
    ap.add_argument("--handler", choices=("ramdisk", "filedisk", "python"), default="ramdisk")
    args = ap.parse_args()
    if args.handler != "python":
        subprocess.run(["make", "-s", "-C", os.path.join(os.path.dirname(HERE), "c"), "all"], check=True)
    tmp = tempfile.mkdtemp(prefix="scstj-bench-")
    sock = os.path.join(tmp, "dev.sock")
    core = TestCore(sock, sq_entries=64).start()
    proc = subprocess.Popen(handler_argv(args.handler, sock, tmp))
    try:
        core.wait_ready(10)
        rng = random.Random(1)
        blocks = SIZE // args.bs

        def submit():
            return core.submit_read(rng.randrange(blocks) * args.bs, args.bs)

        window = collections.deque(submit() for _ in range(args.qd))
        done = bad = 0
        t0 = time.monotonic()
        end = t0 + args.seconds
        while time.monotonic() < end:
            c = window.popleft()
            r = c.wait(30)
            done += 1
            bad += r.status != P.GOOD
            window.append(submit())
        elapsed = time.monotonic() - t0
        for c in window:
            c.wait(30)
        iops = done / elapsed
        print(f"{args.handler}: {args.bs} B random reads, QD {args.qd}, {elapsed:.1f} s: "
              f"{done} commands, {iops:,.0f} IOPS, {iops * args.bs / (1 << 20):.1f} MiB/s, "
              f"{bad} not GOOD, most at the handler at once {core.max_in_flight} "
              f"(test core in Python: it is the bottleneck)")
    finally:
        core.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
