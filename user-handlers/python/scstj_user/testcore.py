"""The CORE side of the protocol (docs/user-handlers.md, version 1), in Python, for tests.

The real core will be Java (handlers/user); this file is its executable reference.  It listens
on a socket path, attaches one handler at a time (an epoch each), lays out the shared memory,
submits commands, and checks every completion the way the doc says: "The core never trusts
this memory."

Threads: the caller's thread only queues commands (`submit_*`, `abort`) and waits on them; one
ring thread does everything else: accept, the control socket, placing commands in the SQ,
reading the CQ, deadlines, and ending epochs.  Memory ordering is as in handler.py (aligned
4-byte accesses, x86-TSO, bounded waits instead of a store-load fence).
"""
import collections
import mmap
import os
import selectors
import socket
import threading
import sys
import time

from . import proto as P

assert sys.byteorder == "little", "the index words are accessed in native order"

# The core's own sense for commands of an epoch that ended ("When the handler goes"):
# NOT READY, LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED (SPC-5 4.4, 02/04/03).
SENSE_LU_NOT_READY = P.fixed_sense(0x2, 0x04, 0x03)


class Completion:
    """What the initiator sees of a command."""

    def __init__(self, status, sense=b"", data=b"", how="handler"):
        self.status, self.sense, self.data, self.how = status, sense, data, how

    @property
    def kcq(self):
        return P.sense_key_asc_ascq(self.sense) if self.sense else None

    def __repr__(self):
        kcq = "/".join(f"{x:02x}" for x in self.kcq) if self.sense else ""
        return f"Completion(status={self.status:#x} {kcq} data={len(self.data)} by {self.how})"


class Command:
    """One command from queueing to its end.  `wait()` returns its Completion."""

    def __init__(self, core, op, offset=0, length=0, data=b"", fua=False, cdb=b"", data_len=0,
                 data_in=False):
        self.op, self.offset, self.length, self.fua = op, offset, length, fua
        self.data, self.cdb, self.data_len, self.data_in = data, cdb, data_len, data_in
        self.id = None              # given when placed in the SQ
        self.epoch = None
        self.buffer = P.NO_BUFFER
        self.deadline = time.monotonic() + core.deadline_ms / 1000
        self.abort_sent_at = None   # ABORT went to the handler at this time
        self.handler_status = None  # what the handler completed it with (even when aborted)
        self.result = None
        self.done = threading.Event()          # the initiator has its answer
        self.handler_done = threading.Event()  # the handler's slot is free again

    def wait(self, timeout=10):
        if not self.done.wait(timeout):
            raise TimeoutError(f"command {self.id} ({P.OP_NAMES[self.op]}) did not end")
        return self.result

    def _end(self, completion):
        if self.result is None:
            self.result = completion
            self.done.set()


class Epoch:
    """One attachment: the socket, the memfd, the eventfds and the commands at the handler."""

    def __init__(self, number, sock, hello):
        self.number, self.sock, self.hello = number, sock, hello
        self.ready = False
        self.in_flight = collections.OrderedDict()   # id -> Command, in submission order
        self.first_id = None
        self.sq_tail = self.sq_head = self.cq_head = 0
        self.free_buffers = []
        self.mem = self.mv = self.words = None
        self.memfd = self.sq_efd = self.cq_efd = -1


class TestCore:
    """A core for one device; `start()` it, run a handler against `path`, `wait_ready()`."""

    def __init__(self, path, *, device_type=P.TYPE_DISK, block_size=None, sq_entries=64,
                 cq_entries=None, buffers=None, buffer_size=1 << 20, deadline_ms=30000,
                 features=P.F_ALL, spin_us=20, wait_timeout=0.010):
        self.path = path
        self.device_type, self.block_size = device_type, block_size
        self.sq_entries = sq_entries
        self.cq_entries = cq_entries or sq_entries
        self.nbuf = buffers or sq_entries
        self.buf_size = buffer_size
        self.deadline_ms = deadline_ms
        self.offer_features = features
        self.spin_ns = int(spin_us * 1000)
        self.wait_timeout = wait_timeout
        self.credits = min(self.sq_entries, self.nbuf)
        self.lock = threading.Lock()
        self.queue = collections.deque()     # commands waiting in the core, in order
        self.aborts = collections.deque()    # commands the initiator aborted
        self.epoch = None
        self.epoch_count = 0
        self.next_id = 1                     # ids never repeat, across epochs too
        self.ended = []                      # (epoch number, reason) for each ended epoch
        self.events = []                     # (epoch, event, value) of EVENT messages
        self.medium_done = {}                # request -> (result, blocks, why) of MEDIUM_DONE
        self.medium_requests = 0
        self.refused = []                    # reasons sent to connections refused
        self.submitted = []                  # (epoch, id, op) of every SQ entry written
        self.max_in_flight = 0
        self.ready_cv = threading.Condition(self.lock)
        self._stop = False
        self._wake = os.eventfd(0, os.EFD_NONBLOCK)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.listener.bind(path)
        self.listener.listen(4)
        self.thread = threading.Thread(target=self._ring_thread, name="testcore-ring", daemon=True)

    # ---- the caller's side ----

    def start(self):
        self.thread.start()
        return self

    def wait_ready(self, timeout=10, after_epoch=0):
        """Wait for an epoch numbered above `after_epoch` that is READY; return its number."""
        with self.ready_cv:
            ok = self.ready_cv.wait_for(
                lambda: self.epoch is not None and self.epoch.ready and self.epoch.number > after_epoch,
                timeout)
            if not ok:
                raise TimeoutError(f"no handler READY (ended: {self.ended})")
            return self.epoch.number

    def wait_epoch_end(self, number, timeout=10):
        """Wait until epoch `number` has ended; return its reason."""
        with self.ready_cv:
            self.ready_cv.wait_for(lambda: any(n == number for n, _ in self.ended), timeout)
            for n, why in self.ended:
                if n == number:
                    return why
        raise TimeoutError(f"epoch {number} did not end")

    def _submit(self, cmd):
        with self.lock:
            self.queue.append(cmd)
        os.eventfd_write(self._wake, 1)
        return cmd

    def submit_read(self, offset, length):
        return self._submit(Command(self, P.OP_READ, offset, length, data_in=True))

    def submit_write(self, offset, data, fua=False):
        return self._submit(Command(self, P.OP_WRITE, offset, len(data), bytes(data), fua))

    def submit_flush(self):
        return self._submit(Command(self, P.OP_FLUSH))

    def submit_unmap(self, offset, length):
        return self._submit(Command(self, P.OP_UNMAP, offset, length))

    def submit_write_same(self, offset, length, block, fua=False):
        return self._submit(Command(self, P.OP_WRITE_SAME, offset, length, bytes(block), fua))

    def submit_cdb(self, cdb, data_out=b"", data_in_len=0):
        return self._submit(Command(self, P.OP_CDB, cdb=bytes(cdb),
                                    data=bytes(data_out), data_len=max(len(data_out), data_in_len),
                                    data_in=data_in_len > 0))

    def submit_lba_status(self, offset, length, max_extents):
        return self._submit(Command(self, P.OP_LBA_STATUS, offset, length,
                                    data_len=max_extents * P.EXTENT.size, data_in=True))

    def lba_status(self, offset, length, max_extents=64, timeout=10):
        """The completion, with `.extents` [(offset, length, deallocated)] when GOOD."""
        return self.submit_lba_status(offset, length, max_extents).wait(timeout)

    def read(self, offset, length, timeout=10):
        return self.submit_read(offset, length).wait(timeout)

    def write(self, offset, data, fua=False, timeout=10):
        return self.submit_write(offset, data, fua).wait(timeout)

    def flush(self, timeout=10):
        return self.submit_flush().wait(timeout)

    def unmap(self, offset, length, timeout=10):
        return self.submit_unmap(offset, length).wait(timeout)

    def write_same(self, offset, length, block, fua=False, timeout=10):
        return self.submit_write_same(offset, length, block, fua).wait(timeout)

    def cdb(self, cdb, data_out=b"", data_in_len=0, timeout=10):
        return self.submit_cdb(cdb, data_out, data_in_len).wait(timeout)

    def abort(self, cmd):
        """The initiator aborts `cmd` (ABORT TASK): it ends TASK ABORTED for the initiator
        now; if it is at the handler, ABORT goes there and its slot frees on completion."""
        with self.lock:
            self.aborts.append(cmd)
        os.eventfd_write(self._wake, 1)

    def tmf(self, function):
        """Notify the handler of a task management function (feature TMF); False when the
        feature was not agreed.  The ABORTs of the commands it aborts are sent by abort()."""
        ep = self.epoch
        if ep is None or not ep.ready or not ep.features & P.F_TMF:
            return False
        try:
            ep.sock.send(P.pack_msg(P.TMF, P.TMF_BODY.pack(function, 0, 0)))
            self._control_sent(ep)
        except OSError:
            return False
        return True

    def medium(self, name, timeout=10):
        """The operator swaps the disc (feature MEDIUM): MEDIUM with `name` ("" takes it out);
        the handler's MEDIUM_DONE as (result, blocks, why), or None when the feature was not
        agreed.  Raises TimeoutError when no answer comes."""
        ep = self.epoch
        if ep is None or not ep.ready or not ep.features & P.F_MEDIUM:
            return None
        with self.lock:
            self.medium_requests += 1
            request = self.medium_requests
        ep.sock.send(P.pack_msg(P.MEDIUM, P.MEDIUM_BODY.pack(request, 0) + name.encode() + b"\0"))
        self._control_sent(ep)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if request in self.medium_done:
                    return self.medium_done.pop(request)
            time.sleep(0.005)
        raise TimeoutError(f"no MEDIUM_DONE for request {request}")

    def close(self):
        """GOODBYE to the handler (if any), end the epoch, stop the ring thread."""
        if self._stop:
            return
        self._stop = True
        os.eventfd_write(self._wake, 1)
        self.thread.join(10)
        self.listener.close()
        os.close(self._wake)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    # ---- the ring thread ----

    def _ring_thread(self):
        sel = selectors.DefaultSelector()
        sel.register(self.listener, selectors.EVENT_READ, "accept")
        sel.register(self._wake, selectors.EVENT_READ, "wake")
        try:
            while not self._stop:
                ep = self.epoch
                busy = False
                if ep is not None and ep.ready:
                    try:
                        busy = self._work(ep)
                    except P.ProtocolError as e:
                        self._end_epoch(ep, f"protocol error: {e}", P.REFUSE_PROTOCOL)
                        continue
                else:
                    self._fail_unattached()
                    self._drop_aborts()
                self._check_deadlines()
                if busy:
                    continue
                timeout = self._sleep_ready(self.epoch)   # the deadlines may have ended ep
                if timeout is None:
                    continue
                for key, _ in sel.select(timeout):
                    if key.data == "accept":
                        self._accept(sel)
                    elif key.data == "wake":
                        try:
                            os.eventfd_read(self._wake)
                        except BlockingIOError:
                            pass
                    elif key.data == "cq":
                        try:        # the epoch may have ended earlier in this round
                            os.eventfd_read(key.fileobj)
                        except OSError:
                            pass
                    elif key.data == "ctl":
                        self._on_control(self.epoch)
                if self.epoch is not None and self.epoch.mem is not None:
                    self._store(self.epoch, P.OFF_CORE_WAITING, 0)
        finally:
            if self.epoch is not None:
                self._end_epoch(self.epoch, "the core stops", None, goodbye=True)
            sel.close()

    def _sleep_ready(self, ep):
        """Spin a little on the CQ, then say "core waiting" and re-check.  Returns the time to
        block for, or None when there is work after all."""
        if ep is None or ep.mem is None:
            return self.wait_timeout
        end = time.monotonic_ns() + self.spin_ns
        while time.monotonic_ns() < end:
            if self._load(ep, P.OFF_CQ_TAIL) != ep.cq_head:
                return None
        self._store(ep, P.OFF_CORE_WAITING, 1)
        if self._load(ep, P.OFF_CQ_TAIL) != ep.cq_head:
            self._store(ep, P.OFF_CORE_WAITING, 0)
            return None
        return self.wait_timeout

    def _work(self, ep):
        """One pass over the rings; True when something happened."""
        n = self._reap(ep)
        n += self._do_aborts(ep)
        n += self._place(ep)
        return n > 0

    # ---- attach ----

    def _accept(self, sel):
        conn, _ = self.listener.accept()
        if self.epoch is not None:
            # "One handler is attached to a device at a time."
            self._refuse(conn, P.REFUSE_ATTACHED, "a handler is attached")
            return
        try:
            # A test core may wait for the HELLO here; the real core must not block its ring
            # thread on a silent connection (it would read the HELLO when the socket is ready).
            conn.settimeout(5)
            msg = conn.recv(P.MAX_MSG)
            mtype, body = P.unpack_msg(msg)
            if mtype != P.HELLO or len(msg) not in (P.HELLO_LEN, P.HELLO_VPD_LEN):
                raise P.ProtocolError(f"expected HELLO, got type {mtype} of {len(msg)} bytes")
            hello = self._check_hello(body)
        except P.ProtocolError as e:
            self._refuse(conn, e.reason if hasattr(e, "reason") else P.REFUSE_PROTOCOL, str(e))
            return
        except OSError as e:
            conn.close()
            self.ended.append((None, f"attach failed: {e}"))
            return
        self.epoch_count += 1
        ep = Epoch(self.epoch_count, conn, hello)
        try:
            self._welcome(ep)
            msg = conn.recv(P.MAX_MSG)
            mtype, _ = P.unpack_msg(msg)
            if mtype != P.READY or len(msg) != P.HEADER.size:
                raise P.ProtocolError(f"expected READY, got type {mtype}")
        except (P.ProtocolError, OSError) as e:
            self.epoch = ep
            self._end_epoch(ep, f"attach failed: {e}", P.REFUSE_PROTOCOL)
            return
        conn.setblocking(False)
        sel.register(conn, selectors.EVENT_READ, "ctl")
        sel.register(ep.cq_efd, selectors.EVENT_READ, "cq")
        ep.selector = sel
        with self.ready_cv:
            ep.ready = True
            ep.first_id = self.next_id
            self.epoch = ep
            self.ready_cv.notify_all()

    def _check_hello(self, body):
        (features, dtype, block_size, max_transfer, blocks, bitmap, name) = P.HELLO_BODY.unpack(
            body[:P.HELLO_BODY.size])
        vpd = body[P.HELLO_BODY.size:] or bytes(32)
        hello = dict(features=features, type=dtype, block_size=block_size,
                     max_transfer=max_transfer or (1 << 20), blocks=blocks,
                     name=name.rstrip(b"\0").decode("ascii", "replace"), opcodes=bitmap,
                     vpd_pages=[p for p in range(256) if vpd[p // 8] >> (p % 8) & 1])
        if bool(features & P.F_VPD) != bool(hello["vpd_pages"]):
            raise P.ProtocolError("VPD pages without the VPD feature, or the feature without pages")
        err = None
        # Unknown feature bits are not an error: WELCOME agrees to a subset, without them.
        if dtype != self.device_type:
            err = f"device type {dtype}, configured {self.device_type}"
        elif block_size not in (512, 1024, 2048, 4096) or (dtype == P.TYPE_CDROM and block_size != 2048):
            err = f"block size {block_size}"
        elif self.block_size and block_size != self.block_size:
            err = f"block size {block_size}, configured {self.block_size}"
        elif max_transfer and max_transfer < block_size:
            err = f"largest transfer {max_transfer} below one block of {block_size}"
        elif features & P.F_CDB and any(bitmap[op // 8] >> (op % 8) & 1 for op in (0x12, 0xA0)):
            err = "INQUIRY and REPORT LUNS are the core's (\"TMF\")"
        if err:
            e = P.ProtocolError(err)
            e.reason = P.REFUSE_MISMATCH
            raise e
        return hello

    def _welcome(self, ep):
        sq_off = P.RING_HEADER_SIZE
        cq_off = sq_off + self.sq_entries * P.SQE_SIZE
        pool_off = -(-(cq_off + self.cq_entries * P.CQE_SIZE) // 4096) * 4096
        size = pool_off + self.nbuf * self.buf_size
        ep.memfd = os.memfd_create(f"scstj-epoch-{ep.number}", os.MFD_CLOEXEC)
        os.ftruncate(ep.memfd, size)
        ep.mem = mmap.mmap(ep.memfd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        ep.mv = memoryview(ep.mem)
        ep.words = ep.mv[:P.RING_HEADER_SIZE].cast("I")
        P.U32.pack_into(ep.mem, P.OFF_MAGIC, P.RING_MAGIC)
        P.U32.pack_into(ep.mem, P.OFF_VERSION, P.VERSION)
        ep.sq_off, ep.cq_off, ep.pool_off = sq_off, cq_off, pool_off
        ep.features = ep.hello["features"] & self.offer_features & P.F_ALL
        ep.free_buffers = list(range(self.nbuf - 1, -1, -1))
        ep.sq_efd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        ep.cq_efd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        body = P.WELCOME_BODY.pack(ep.number, ep.features, self.sq_entries, self.cq_entries,
                                   self.nbuf, self.buf_size, sq_off, cq_off, pool_off, size,
                                   self.deadline_ms)
        socket.send_fds(ep.sock, [P.pack_msg(P.WELCOME, body)], [ep.memfd, ep.sq_efd, ep.cq_efd])

    def _refuse(self, conn, reason, text):
        self.refused.append((reason, text))
        try:
            conn.send(P.pack_msg(P.REFUSE, P.U32.pack(reason) + text.encode("ascii", "replace")[:200] + b"\0"))
        except OSError:
            pass
        conn.close()

    # ---- the rings ----

    # Indices: single aligned 4-byte accesses through a native "I" view (see handler.py's
    # note on memory ordering: struct's "<I" would tear them).
    @staticmethod
    def _load(ep, off):
        return ep.words[off >> 2]

    @staticmethod
    def _store(ep, off, value):
        ep.words[off >> 2] = value & 0xFFFFFFFF

    def _control_sent(self, ep):
        """One more control message is on the socket ("control messages sent" in the header):
        a handler that reads its socket only when this count moved sees it before its next batch."""
        with self.lock:
            ep.control_sent = (getattr(ep, "control_sent", 0) + 1) & 0xFFFFFFFF
            self._store(ep, P.OFF_CONTROL_SENT, ep.control_sent)

    def _place(self, ep):
        """Move waiting commands into the SQ while credits and SQ slots last."""
        placed = 0
        head = self._load(ep, P.OFF_SQ_HEAD)
        # The SQ head is the handler's: it may only move forward, up to our tail.
        if (head - ep.sq_head) & 0xFFFFFFFF > (ep.sq_tail - ep.sq_head) & 0xFFFFFFFF:
            raise P.ProtocolError(f"SQ head {head} outside [{ep.sq_head}, {ep.sq_tail}]")
        ep.sq_head = head
        while True:
            if len(ep.in_flight) >= self.credits or (ep.sq_tail - ep.sq_head) & 0xFFFFFFFF >= self.sq_entries:
                break
            with self.lock:
                if not self.queue:
                    break
                cmd = self.queue.popleft()
                cmd.id, self.next_id = self.next_id, self.next_id + 1
            cmd.epoch = ep.number
            flags = P.FL_FUA if cmd.fua else 0
            data_len = 0
            if cmd.op in (P.OP_READ, P.OP_WRITE, P.OP_WRITE_SAME, P.OP_LBA_STATUS) or (
                    cmd.op == P.OP_CDB and cmd.data_len):
                cmd.buffer = ep.free_buffers.pop()
                start = ep.pool_off + cmd.buffer * self.buf_size
                if cmd.op == P.OP_READ:
                    flags |= P.FL_DATA_IN
                    data_len = cmd.length
                else:
                    data_len = cmd.data_len if cmd.op in (P.OP_CDB, P.OP_LBA_STATUS) else len(cmd.data)
                    if cmd.data:
                        flags |= P.FL_DATA_OUT
                        ep.mv[start:start + len(cmd.data)] = cmd.data
                    if cmd.data_in:
                        flags |= P.FL_DATA_IN
            off = ep.sq_off + (ep.sq_tail & (self.sq_entries - 1)) * P.SQE_SIZE
            P.SQE.pack_into(ep.mem, off, cmd.id, cmd.op, flags, len(cmd.cdb), cmd.buffer,
                            cmd.offset, cmd.length, data_len, cmd.cdb)
            ep.in_flight[cmd.id] = cmd
            self.submitted.append((ep.number, cmd.id, cmd.op))
            ep.sq_tail = (ep.sq_tail + 1) & 0xFFFFFFFF
            placed += 1
        if placed:
            self._store(ep, P.OFF_SQ_TAIL, ep.sq_tail)      # entries first, then the tail
            self.max_in_flight = max(self.max_in_flight, len(ep.in_flight))
            if self._load(ep, P.OFF_HANDLER_WAITING) == 1:
                os.eventfd_write(ep.sq_efd, 1)
        return placed

    def _reap(self, ep):
        """Take and check every completion the handler added ("Completion entry")."""
        tail = self._load(ep, P.OFF_CQ_TAIL)
        ahead = (tail - ep.cq_head) & 0xFFFFFFFF
        if ahead > self.cq_entries:
            raise P.ProtocolError(f"CQ tail {tail} is {ahead if ahead < 1 << 31 else ahead - (1 << 32)} "
                                  f"from the head {ep.cq_head} (CQ of {self.cq_entries})")
        for _ in range(ahead):
            off = ep.cq_off + (ep.cq_head & (self.cq_entries - 1)) * P.CQE_SIZE
            raw = bytes(ep.mv[off:off + P.CQE_SIZE])    # read once, into our own record
            ep.cq_head = (ep.cq_head + 1) & 0xFFFFFFFF
            self._accept_completion(ep, *P.CQE.unpack(raw))
        if ahead:
            self._store(ep, P.OFF_CQ_HEAD, ep.cq_head)
        return ahead

    def _accept_completion(self, ep, cmd_id, status, sense_len, data_len, sense):
        cmd = ep.in_flight.get(cmd_id)
        if cmd is None:
            if ep.first_id <= cmd_id < self.next_id and any(
                    i == cmd_id for e, i, _ in self.submitted if e == ep.number):
                raise P.ProtocolError(f"second completion of command {cmd_id}")
            raise P.ProtocolError(f"completion of unknown command {cmd_id}")
        if not ep.features & P.F_OUT_OF_ORDER and cmd_id != next(iter(ep.in_flight)):
            raise P.ProtocolError(f"command {cmd_id} completed out of order without OUT_OF_ORDER")
        if status not in P.SAM_STATUSES:
            raise P.ProtocolError(f"status {status:#x} of command {cmd_id} is not a SAM-5 status")
        if sense_len > P.SENSE_MAX:
            raise P.ProtocolError(f"sense length {sense_len} of command {cmd_id}")
        sense = sense[:sense_len]
        if status == P.CHECK_CONDITION and not P.sense_well_formed(sense):
            raise P.ProtocolError(f"CHECK CONDITION of command {cmd_id} with malformed sense {sense.hex()}")
        if status != P.CHECK_CONDITION and sense_len:
            raise P.ProtocolError(f"sense data with status {status:#x} of command {cmd_id}")
        limit = cmd.length if cmd.op == P.OP_READ else (
            cmd.data_len if cmd.op in (P.OP_CDB, P.OP_LBA_STATUS) and cmd.data_in else 0)
        if data_len > limit:
            raise P.ProtocolError(f"data length {data_len} of command {cmd_id} above {limit}")
        if cmd.op == P.OP_READ and status == P.GOOD and data_len != cmd.length:
            raise P.ProtocolError(f"READ {cmd_id} GOOD with {data_len} of {cmd.length} bytes")
        data = b""
        if data_len:
            start = ep.pool_off + cmd.buffer * self.buf_size
            data = bytes(ep.mv[start:start + data_len])
        extents = None
        if cmd.op == P.OP_LBA_STATUS and status == P.GOOD:
            extents = self._check_extents(cmd, data)
        del ep.in_flight[cmd_id]
        if cmd.buffer != P.NO_BUFFER:
            ep.free_buffers.append(cmd.buffer)
        cmd.handler_status = status
        cmd.handler_done.set()
        # A completion of an aborted command is accepted and discarded ("Deadlines, aborts").
        done = Completion(status, sense, data)
        done.extents = extents
        cmd._end(done)

    def _check_extents(self, cmd, data):
        """An LBA_STATUS answer ("LBA_STATUS"): whole extents, one or more, consecutive from the
        offset, whole blocks, inside the range, state 0 or 1."""
        size = P.EXTENT.size
        if not data or len(data) % size:
            raise P.ProtocolError(f"LBA_STATUS {cmd.id} returned {len(data)} bytes, not whole extents")
        at, end, out = cmd.offset, cmd.offset + cmd.length, []
        for i in range(0, len(data), size):
            off, n, state = P.EXTENT.unpack_from(data, i)
            if off != at or n <= 0 or n % self.block_size or n > end - at or state not in (0, 1):
                raise P.ProtocolError(f"LBA_STATUS {cmd.id}: extent ({off}, {n}, {state}) is not the next "
                                      f"of {cmd.offset}..{end} in blocks of {self.block_size}")
            out.append((off, n, state == 1))
            at += n
        return out

    def _do_aborts(self, ep):
        n = 0
        while True:
            with self.lock:
                if not self.aborts:
                    return n
                cmd = self.aborts.popleft()
                waiting = cmd in self.queue
                if waiting:
                    self.queue.remove(cmd)
            n += 1
            if waiting:
                cmd.handler_done.set()
            elif cmd.id in ep.in_flight and cmd.abort_sent_at is None:
                self._send_abort(ep, cmd)
            cmd._end(Completion(P.TASK_ABORTED, how="aborted"))

    def _drop_aborts(self):
        with self.lock:
            self.aborts.clear()

    def _send_abort(self, ep, cmd):
        cmd.abort_sent_at = time.monotonic()
        try:
            ep.sock.send(P.pack_msg(P.ABORT, P.ABORT_BODY.pack(cmd.id)))
            self._control_sent(ep)
        except BlockingIOError:
            pass        # the socket is full: the second deadline will end the epoch
        except OSError:
            pass        # EOF shows up on the next read

    def _check_deadlines(self):
        """A deadline that passes sends ABORT; no completion within a second deadline after
        the ABORT: the handler is hung, the epoch ends ("Deadlines, aborts")."""
        now = time.monotonic()
        with self.lock:
            late = [c for c in self.queue if c.deadline <= now]
            for c in late:
                self.queue.remove(c)
        for c in late:      # never reached the handler: the core ends it itself
            c.handler_done.set()
            c._end(Completion(P.TASK_ABORTED, how="deadline"))
        ep = self.epoch
        if ep is None or not ep.ready:
            return
        second = self.deadline_ms / 1000
        for cmd in list(ep.in_flight.values()):
            if cmd.abort_sent_at is None and cmd.deadline <= now:
                self._send_abort(ep, cmd)
                cmd._end(Completion(P.TASK_ABORTED, how="deadline"))
            elif cmd.abort_sent_at is not None and cmd.abort_sent_at + second <= now:
                self._end_epoch(ep, f"handler hung: command {cmd.id} not completed after ABORT",
                                P.REFUSE_HUNG)
                return

    # ---- the control socket and the end of an epoch ----

    def _on_control(self, ep):
        if ep is None:
            return
        while True:
            try:
                msg = ep.sock.recv(P.MAX_MSG)
            except BlockingIOError:
                return
            except OSError as e:
                self._end_epoch(ep, f"socket error: {e}", None)
                return
            if not msg:
                self._end_epoch(ep, "socket EOF", None)
                return
            try:
                mtype, body = P.unpack_msg(msg)
                if mtype == P.GOODBYE and len(msg) == P.HEADER.size:
                    self._end_epoch(ep, "GOODBYE from the handler", None)
                    return
                if mtype == P.EVENT and len(msg) == P.EVENT_LEN and ep.features & P.F_EVENTS:
                    event, _, value = P.EVENT_BODY.unpack(body)
                    if event not in (1, 2, 3, 4):
                        raise P.ProtocolError(f"unknown event {event}")
                    self.events.append((ep.number, event, value))
                    continue
                if (mtype == P.MEDIUM_DONE and len(msg) >= P.MEDIUM_DONE_MIN_LEN and msg[-1] == 0
                        and ep.features & P.F_MEDIUM):
                    request, result, blocks = P.MEDIUM_DONE_BODY.unpack_from(body)
                    if request > self.medium_requests or result < 0 or (result and blocks):
                        raise P.ProtocolError(f"MEDIUM_DONE {request} {result} {blocks}")
                    with self.lock:
                        self.medium_done[request] = (result, blocks, body[P.MEDIUM_DONE_BODY.size:-1].decode())
                    continue
                raise P.ProtocolError(f"unexpected {P.MSG_NAMES[mtype]} of {len(msg)} bytes")
            except P.ProtocolError as e:
                self._end_epoch(ep, f"protocol error: {e}", P.REFUSE_PROTOCOL)
                return

    def _end_epoch(self, ep, reason, refuse, goodbye=False):
        """Everything in flight and waiting ends 02/04/03 at once; the fds close; the LU is
        NOT READY until a handler is READY again ("When the handler goes")."""
        if refuse is not None:
            self._refuse(ep.sock, refuse, reason)
        elif goodbye:
            try:
                ep.sock.send(P.pack_msg(P.GOODBYE))
                self._control_sent(ep)
            except OSError:
                pass
        sel = getattr(ep, "selector", None)
        if sel is not None:
            for obj in (ep.sock, ep.cq_efd):
                try:
                    sel.unregister(obj)
                except (KeyError, ValueError):
                    pass
        ep.sock.close()
        for cmd in ep.in_flight.values():
            cmd.handler_done.set()
            cmd._end(Completion(P.CHECK_CONDITION, SENSE_LU_NOT_READY, how="epoch-end"))
        ep.in_flight.clear()
        with self.lock:
            waiting = list(self.queue)
            self.queue.clear()
        for cmd in waiting:
            cmd.handler_done.set()
            cmd._end(Completion(P.CHECK_CONDITION, SENSE_LU_NOT_READY, how="epoch-end"))
        if ep.mv is not None:
            ep.words.release()
            ep.mv.release()
            ep.mem.close()
        for fd in (ep.memfd, ep.sq_efd, ep.cq_efd):
            if fd >= 0:
                os.close(fd)
        with self.ready_cv:
            self.epoch = None
            self.ended.append((ep.number, reason))
            self.ready_cv.notify_all()

    def _fail_unattached(self):
        """No handler is READY: the LU is NOT READY, so queued commands end at once."""
        with self.lock:
            waiting = list(self.queue)
            self.queue.clear()
        for cmd in waiting:
            cmd.handler_done.set()
            cmd._end(Completion(P.CHECK_CONDITION, SENSE_LU_NOT_READY, how="not-ready"))
