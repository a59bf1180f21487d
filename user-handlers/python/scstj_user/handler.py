"""The handler side of the protocol in Python (docs/user-handlers.md, version 1).

A handler subclasses `Device`, overrides what its device does, and calls `serve()`.

Memory ordering.  Python cannot issue fences or atomic operations, so this library relies on:
  * a single writer per index: the handler stores only the SQ head, the CQ tail and its
    "handler waiting" word, the core only the others;
  * aligned 4-byte stores and loads of the indices being single, untorn accesses.  They go
    through a memoryview cast to native "I" (CPython copies such an item with one 4-byte
    memcpy, a single mov on x86); NOT through struct with "<I", which packs and unpacks
    byte by byte, so a peer can see a torn index (the test core caught exactly that: a CQ
    tail read as 0 while going from 1791 to 1792).  Native order is little-endian here;
  * x86-TSO ordering: stores become
    visible in program order and a load is not reordered with an earlier load.  So the
    library always writes an entry before its tail, and reads a tail before the entry;
  * no store-load fence: between "store CQ tail" and "load core waiting" (and between
    "store handler waiting" and "load SQ tail") x86 may reorder, so a wake-up can be lost.
    Every blocking wait therefore has a short timeout (`wait_timeout`, 10 ms) after which
    the rings are looked at again: a lost doorbell costs at most that long, never a hang.
The C library (`user-handlers/c/`) has the real fences; use it where that matters.
"""
import errno
import mmap
import os
import selectors
import socket
import sys
import time

from . import proto as P

assert sys.byteorder == "little", "the index words are accessed in native order"


class SenseError(Exception):
    """Raise from a Device method to end the command with CHECK CONDITION and this sense."""

    def __init__(self, key, asc, ascq, message=""):
        super().__init__(message or f"sense {key:x}/{asc:02x}/{ascq:02x}")
        self.key, self.asc, self.ascq = key, asc, ascq


class Device:
    """What a handler's device does.  Offsets and lengths are in bytes and already checked
    by the core (inside the medium, multiples of the block size: "Submission entry")."""

    name = "python"
    device_type = P.TYPE_DISK
    cdb_opcodes = ()            # opcodes executed by cdb() (feature CDB)
    vpd_pages = ()              # VPD pages cdb() answers to INQUIRY with EVPD (feature VPD)

    def __init__(self, size, block_size=512):
        if size % block_size:
            raise ValueError("size is not a multiple of the block size")
        self.size, self.block_size = size, block_size

    def read(self, offset, length):
        """Return `length` bytes (a bytes-like object)."""
        raise NotImplementedError

    def write(self, offset, data, fua):
        """Store `data` (a memoryview into the shared buffer: copy what you keep)."""
        raise NotImplementedError

    def flush(self):
        """Make every completed write durable (SBC-4 SYNCHRONIZE CACHE)."""

    def unmap(self, offset, length):
        """Deallocate the range; later reads return zeros (SBC-4 4.7, LBPRZ = 1)."""
        raise NotImplementedError

    def write_same(self, offset, length, block, fua):
        """Write `block` (one logical block) to every block of the range (SBC-4 WRITE SAME)."""
        for off in range(offset, offset + length, len(block)):
            self.write(off, block, fua)

    def lba_status(self, offset, length, max_extents):
        """Provisioning of the range (feature LBA_STATUS, SBC-4 GET LBA STATUS): a list of
        (offset, length, deallocated) extents, consecutive from `offset`, in whole blocks, at
        most `max_extents` of them; they may stop before the range's end."""
        raise NotImplementedError

    def cdb(self, cdb, data_out):
        """Execute a CDB (feature CDB); return (status, sense, data_in)."""
        raise SenseError(0x5, 0x20, 0x00)   # INVALID COMMAND OPERATION CODE

    def change_medium(self, medium):
        """The operator swaps the disc of a CD/DVD (feature MEDIUM): load `medium` (a name in
        this handler's terms, an image path say), or take the disc out when it is None.  Return
        the new disc's size in bytes (a multiple of the block size; 0 after taking it out), or
        raise OSError, the old disc staying in.  Commands keep coming meanwhile."""
        raise NotImplementedError

    def attached(self, handler):
        """The WELCOME is in, READY not sent yet: `handler.buf_size` is the most data one
        submission carries (a CDB's Data-In or Data-Out included), `handler.epoch` this
        attachment's number.  Called on every attachment."""

    def features(self):
        """Features to ask for: those whose method the subclass overrides."""
        cls = type(self)
        f = P.F_TMF             # TMF messages are notifications: the library takes them
        if cls.flush is not Device.flush:
            f |= P.F_FLUSH
        if cls.unmap is not Device.unmap:
            f |= P.F_UNMAP
        if cls.write_same is not Device.write_same:
            f |= P.F_WRITE_SAME
        if self.cdb_opcodes:
            f |= P.F_CDB
        if self.vpd_pages:
            f |= P.F_VPD
        if cls.lba_status is not Device.lba_status:
            f |= P.F_LBA_STATUS
        if cls.change_medium is not Device.change_medium:
            f |= P.F_MEDIUM
        return f


class Ended(Exception):
    """serve() stops: `goodbye` is True when the core said GOODBYE (a clean end)."""

    def __init__(self, why, goodbye=False):
        super().__init__(why)
        self.goodbye = goodbye


def _sense_for(exc, op):
    """The sense for an exception a Device method raised (SPC-5 4.4)."""
    if isinstance(exc, SenseError):
        return P.fixed_sense(exc.key, exc.asc, exc.ascq)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return P.fixed_sense(0x7, 0x27, 0x07)   # DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT
    if isinstance(exc, OSError) and exc.errno == errno.EIO:
        if op == P.OP_READ:
            return P.fixed_sense(0x3, 0x11, 0x00)   # MEDIUM ERROR, UNRECOVERED READ ERROR
        return P.fixed_sense(0x3, 0x0C, 0x00)       # MEDIUM ERROR, WRITE ERROR
    return P.fixed_sense(0x4, 0x44, 0x00)           # HARDWARE ERROR, INTERNAL TARGET FAILURE


class Handler:
    """One attachment (epoch) of a device to the core."""

    def __init__(self, sock_path, device, *, name=None, features=None, max_transfer=0,
                 spin_us=50, wait_timeout=0.010, log=None):
        self.device = device
        self.log = log or (lambda msg: None)
        self.spin_ns = int(spin_us * 1000)
        self.wait_timeout = wait_timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.connect(sock_path)
        self._hello(name or device.name, device.features() if features is None else features,
                    max_transfer)
        self._welcome()
        device.attached(self)
        self.sock.send(P.pack_msg(P.READY))
        self.aborted = set()
        self.events = []

    # ---- attach: HELLO, WELCOME, READY ("Messages on the control socket") ----

    def _hello(self, name, features, max_transfer):
        d = self.device
        bitmap = bytearray(32)
        for op in d.cdb_opcodes:
            bitmap[op // 8] |= 1 << (op % 8)
        body = P.HELLO_BODY.pack(features, d.device_type, d.block_size, max_transfer,
                                 d.size // d.block_size, bytes(bitmap),
                                 name.encode("ascii")[:31])
        if features & P.F_VPD:
            pages = bytearray(32)
            for page in d.vpd_pages:
                pages[page // 8] |= 1 << (page % 8)
            body += bytes(pages)    # the 136-byte HELLO
        self.sock.send(P.pack_msg(P.HELLO, body))

    def _welcome(self):
        msg, fds, _, _ = socket.recv_fds(self.sock, P.MAX_MSG, 3)
        if not msg:
            raise Ended("the core closed the socket before WELCOME")
        mtype, body = P.unpack_msg(msg)
        if mtype == P.REFUSE:
            for fd in fds:
                os.close(fd)
            raise Ended("refused: " + _refuse_text(body))
        if mtype != P.WELCOME or len(fds) != 3 or len(msg) != P.WELCOME_LEN:
            for fd in fds:
                os.close(fd)
            raise P.ProtocolError(f"expected WELCOME with 3 descriptors, got type {mtype}")
        (self.epoch, self.features, self.sq_entries, self.cq_entries, self.nbuf, self.buf_size,
         self.sq_off, self.cq_off, self.pool_off, size, self.deadline_ms) = P.WELCOME_BODY.unpack(body)
        memfd, self.sq_efd, self.cq_efd = fds
        try:
            self.mem = mmap.mmap(memfd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        finally:
            os.close(memfd)
        if P.U32.unpack_from(self.mem, P.OFF_MAGIC)[0] != P.RING_MAGIC:
            raise P.ProtocolError("ring header magic is wrong")
        self.sq_mask, self.cq_mask = self.sq_entries - 1, self.cq_entries - 1
        self.mv = memoryview(self.mem)
        self.words = self.mv[:P.RING_HEADER_SIZE].cast("I")
        self.sq_head = self._load(P.OFF_SQ_HEAD)
        self.cq_tail = self._load(P.OFF_CQ_TAIL)

    # ---- the rings ("The shared memory") ----

    def _load(self, off):
        return self.words[off >> 2]         # one aligned 4-byte load

    def _store(self, off, value):
        self.words[off >> 2] = value & 0xFFFFFFFF   # one aligned 4-byte store

    def _sq_tail(self):
        return self._load(P.OFF_SQ_TAIL)

    def _buffer(self, index, length):
        if index >= self.nbuf or length > self.buf_size:
            raise P.ProtocolError(f"buffer {index} / length {length} outside the pool")
        start = self.pool_off + index * self.buf_size
        return self.mv[start:start + length]

    def _complete(self, cmd_id, status, sense=b"", data_len=0):
        # The core has at most min(SQ, buffers) <= CQ entries at the handler, so the CQ is
        # never full ("Buffers and credits"); wait anyway rather than overwrite an entry.
        while (self.cq_tail - self._load(P.OFF_CQ_HEAD)) & 0xFFFFFFFF >= self.cq_entries:
            self._ring_core()       # a full CQ the core sleeps on would never drain
            time.sleep(0.0001)
        off = self.cq_off + (self.cq_tail & self.cq_mask) * P.CQE_SIZE
        P.CQE.pack_into(self.mem, off, cmd_id, status, len(sense), data_len, bytes(sense))
        self.cq_tail = (self.cq_tail + 1) & 0xFFFFFFFF
        self._store(P.OFF_CQ_TAIL, self.cq_tail)        # entry first, then the tail
        self._unrung = True

    def _ring_core(self):
        """The core's doorbell, once per batch, when it said it sleeps.  Python has no
        compare-and-set on shared memory, so the word is left as it is: a core that woke
        already may get one extra doorbell, which costs a wakeup, never correctness."""
        if getattr(self, "_unrung", False):
            self._unrung = False
            if self._load(P.OFF_CORE_WAITING) == 1:
                os.eventfd_write(self.cq_efd, 1)

    def _execute(self, e):
        """Run one submission; return (status, sense, data length)."""
        cmd_id, op, flags, cdb_len, buf, offset, length, data_len, cdb = e
        d = self.device
        fua = bool(flags & P.FL_FUA)
        try:
            if op == P.OP_READ:
                out = self._buffer(buf, length)
                data = d.read(offset, length)
                if len(data) != length:
                    raise SenseError(0x4, 0x44, 0x00, "read returned a wrong length")
                out[:] = data
                return P.GOOD, b"", length
            if op == P.OP_WRITE:
                d.write(offset, self._buffer(buf, length), fua)
            elif op == P.OP_FLUSH:
                d.flush()
            elif op == P.OP_UNMAP:
                d.unmap(offset, length)
            elif op == P.OP_WRITE_SAME:
                d.write_same(offset, length, bytes(self._buffer(buf, data_len)), fua)
            elif op == P.OP_LBA_STATUS:
                out = self._buffer(buf, data_len)
                extents = d.lba_status(offset, length, data_len // P.EXTENT.size)
                if not 0 < len(extents) <= data_len // P.EXTENT.size:
                    raise SenseError(0x4, 0x44, 0x00, f"lba_status gave {len(extents)} extents")
                for i, (off, n, deallocated) in enumerate(extents):
                    P.EXTENT.pack_into(out, i * P.EXTENT.size, off, n, 1 if deallocated else 0)
                return P.GOOD, b"", len(extents) * P.EXTENT.size
            elif op == P.OP_CDB:
                data_out = bytes(self._buffer(buf, data_len)) if flags & P.FL_DATA_OUT else None
                status, sense, data_in = d.cdb(bytes(cdb[:cdb_len]), data_out)
                n = 0
                if data_in and flags & P.FL_DATA_IN:
                    n = min(len(data_in), data_len)
                    self._buffer(buf, n)[:] = data_in[:n]
                return status, bytes(sense or b"")[:P.SENSE_MAX], n
            else:
                raise SenseError(0x5, 0x20, 0x00, f"operation {op}")
            return P.GOOD, b"", 0
        except P.ProtocolError:
            raise
        except Exception as exc:            # a device error is the command's, not ours
            self.log(f"command {cmd_id} ({P.OP_NAMES.get(op, op)}): {exc!r}")
            return P.CHECK_CONDITION, _sense_for(exc, op), 0

    def _take_batch(self):
        """Consume every submission visible now; return how many."""
        tail = self._sq_tail()
        if tail == self.sq_head:
            return 0
        if (tail - self.sq_head) & 0xFFFFFFFF > self.sq_entries:
            raise P.ProtocolError(f"SQ tail {tail} is garbage (head {self.sq_head})")
        self._poll_control()        # ABORTs sent before these entries' turn are seen first
        n = 0
        while self.sq_head != tail:
            off = self.sq_off + (self.sq_head & self.sq_mask) * P.SQE_SIZE
            e = P.SQE.unpack_from(self.mem, off)
            self.sq_head = (self.sq_head + 1) & 0xFFFFFFFF
            self._store(P.OFF_SQ_HEAD, self.sq_head)
            if e[0] in self.aborted:
                self.aborted.discard(e[0])
                self._complete(e[0], P.TASK_ABORTED)
            else:
                self._complete(e[0], *self._execute(e))
            n += 1
        self._ring_core()
        return n

    # ---- the control socket ----

    def _poll_control(self):
        while True:
            try:
                msg = self.sock.recv(P.MAX_MSG, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            self._on_message(msg)

    def _on_message(self, msg):
        if not msg:
            raise Ended("the core closed the socket")
        mtype, body = P.unpack_msg(msg)
        if mtype == P.ABORT and len(msg) == P.ABORT_LEN:
            (cmd_id,) = P.ABORT_BODY.unpack(body)
            # The command is still in the SQ (then it ends TASK ABORTED when taken), or it was
            # completed already (then the ABORT is ignored: "Deadlines, aborts").
            tail = self._sq_tail()
            i = self.sq_head
            while i != tail:
                if P.SQE.unpack_from(self.mem, self.sq_off + (i & self.sq_mask) * P.SQE_SIZE)[0] == cmd_id:
                    self.aborted.add(cmd_id)
                    break
                i = (i + 1) & 0xFFFFFFFF
        elif mtype == P.MEDIUM and len(msg) >= P.MEDIUM_MIN_LEN and msg[-1] == 0:
            self._medium(P.MEDIUM_BODY.unpack_from(body)[0], body[P.MEDIUM_BODY.size:-1].decode())
        elif mtype == P.TMF and len(msg) == P.TMF_LEN:
            self.log(f"TMF {P.TMF_BODY.unpack(body)[0]}")   # a notification only
        elif mtype == P.GOODBYE:
            raise Ended("GOODBYE from the core", goodbye=True)
        elif mtype == P.REFUSE:
            raise Ended("refused: " + _refuse_text(body))
        else:
            raise P.ProtocolError(f"unexpected {P.MSG_NAMES[mtype]} of {len(msg)} bytes")

    def _medium(self, request, name):
        """MEDIUM: swap the disc, answer MEDIUM_DONE with its blocks or the errno and why."""
        result, blocks, why = 0, 0, ""
        try:
            size = self.device.change_medium(name or None)
            if size % self.device.block_size or (size == 0) != (not name):
                raise OSError(22, f"a disc of {size} bytes after {'loading' if name else 'ejecting'}")
            self.device.size, blocks = size, size // self.device.block_size
        except OSError as e:
            result, why = e.errno or 5, e.strerror or str(e)
        self.log(f"MEDIUM {name!r}: {'done, ' + str(blocks) + ' blocks' if result == 0 else why}")
        self.sock.send(P.pack_msg(P.MEDIUM_DONE, P.MEDIUM_DONE_BODY.pack(request, result, blocks)
                                  + why.encode()[:P.MAX_MSG - P.MEDIUM_DONE_MIN_LEN] + b"\0"))

    def send_event(self, event, value=0):
        """EVENT (feature EVENTS): the device changed on its own."""
        self.sock.send(P.pack_msg(P.EVENT, P.EVENT_BODY.pack(event, 0, value)))

    def goodbye(self):
        try:
            self.sock.send(P.pack_msg(P.GOODBYE))
        except OSError:
            pass

    # ---- the loop ("Doorbells and spinning") ----

    def run(self, stop=lambda: False):
        sel = selectors.DefaultSelector()
        sel.register(self.sock, selectors.EVENT_READ, "ctl")
        sel.register(self.sq_efd, selectors.EVENT_READ, "sq")
        try:
            while not stop():
                if self._take_batch():
                    continue
                spin_end = time.monotonic_ns() + self.spin_ns
                while time.monotonic_ns() < spin_end and self._sq_tail() == self.sq_head:
                    pass
                if self._sq_tail() != self.sq_head:
                    continue
                self._store(P.OFF_HANDLER_WAITING, 1)
                if self._sq_tail() == self.sq_head:
                    for key, _ in sel.select(self.wait_timeout):
                        if key.data == "sq":
                            os.eventfd_read(self.sq_efd)
                        else:
                            self._on_message(self.sock.recv(P.MAX_MSG))
                self._store(P.OFF_HANDLER_WAITING, 0)
        finally:
            sel.close()

    def close(self):
        self.words.release()
        self.mv.release()
        try:
            self.mem.close()
        except BufferError:
            pass    # a slice handed to the device lives on (in a traceback): unmapped with it
        for fd in (self.sq_efd, self.cq_efd):
            os.close(fd)
        self.sock.close()


def _refuse_text(body):
    if len(body) < 5:
        return "(malformed REFUSE)"
    return f"reason {P.U32.unpack_from(body)[0]}: " + body[4:].split(b"\0")[0].decode("ascii", "replace")


def serve(socket_path, device, *, stop=lambda: False, **kw):
    """Attach `device` at `socket_path` and serve it until the epoch ends.

    Returns True when the core said GOODBYE or `stop()` became true (then the handler says
    GOODBYE itself), False when it refused us or closed the socket.
    """
    try:
        h = Handler(socket_path, device, **kw)
    except (Ended, P.ProtocolError) as e:
        (kw.get("log") or (lambda m: None))(str(e))
        return e.goodbye
    try:
        h.run(stop)
        h.goodbye()
        return True
    except Ended as e:
        h.log(str(e))
        return e.goodbye
    except P.ProtocolError as e:
        h.log(f"protocol error: {e}")
        return False
    finally:
        h.close()


def stop_on_signals():
    """A `stop` for serve(): true once SIGTERM or SIGINT arrived (then serve() says GOODBYE)."""
    import signal
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(1))
    return lambda: bool(stopping)


def stderr_log(prefix, quiet=False):
    """A `log` for serve(): each line on stderr after `prefix`, or nothing when `quiet`."""
    if quiet:
        return lambda msg: None
    return lambda msg: print(prefix + ":", msg, file=sys.stderr)
