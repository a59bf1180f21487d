"""Wire formats of the scstj user-handler protocol, version 1 (docs/user-handlers.md).

Only constants and pack/unpack helpers live here, shared by the handler library
(`handler.py`) and the test core (`testcore.py`).  Every integer is little-endian.
"""
import struct

VERSION = 1

# "Messages on the control socket": the 16-byte header.
MSG_MAGIC = 0x48554353          # b"SCUH" little-endian
HEADER = struct.Struct("<IHHII")  # magic, type, version, length, reserved
HELLO, WELCOME, READY, ABORT, TMF, EVENT, REFUSE, GOODBYE, MEDIUM, MEDIUM_DONE = range(1, 11)
MSG_NAMES = {HELLO: "HELLO", WELCOME: "WELCOME", READY: "READY", ABORT: "ABORT",
             TMF: "TMF", EVENT: "EVENT", REFUSE: "REFUSE", GOODBYE: "GOODBYE",
             MEDIUM: "MEDIUM", MEDIUM_DONE: "MEDIUM_DONE"}
MAX_MSG = 4096                  # no message of version 1 is longer

# "HELLO (length 104)": features, type, 3 reserved, block size, max transfer,
# blocks, CDB opcode bitmap, name.
HELLO_BODY = struct.Struct("<IB3xIIQ32s32s")
HELLO_LEN = HEADER.size + HELLO_BODY.size          # 104
HELLO_VPD_LEN = HELLO_LEN + 32                      # 136: with the VPD page bitmap (feature VPD)
# "WELCOME (length 72)": epoch, features, sq, cq, buffers, buffer size, sq off,
# cq off, pool off, memfd size, deadline ms.
WELCOME_BODY = struct.Struct("<QIIIIIIIQQI")
WELCOME_LEN = HEADER.size + WELCOME_BODY.size      # 72
ABORT_BODY = struct.Struct("<Q")
ABORT_LEN = HEADER.size + ABORT_BODY.size          # 24
TMF_BODY = struct.Struct("<IIQ")
TMF_LEN = HEADER.size + TMF_BODY.size              # 32
EVENT_BODY = struct.Struct("<IIQ")
EVENT_LEN = HEADER.size + EVENT_BODY.size          # 32
REFUSE_MIN_LEN = HEADER.size + 4 + 1               # reason + at least the NUL
# "MEDIUM": request, reserved, then the NUL-terminated name; "MEDIUM_DONE": request, result
# (0 or an errno value), the new disc's blocks, then a NUL-terminated text.
MEDIUM_BODY = struct.Struct("<II")
MEDIUM_MIN_LEN = HEADER.size + MEDIUM_BODY.size + 1           # 25
MEDIUM_DONE_BODY = struct.Struct("<IiQ")
MEDIUM_DONE_MIN_LEN = HEADER.size + MEDIUM_DONE_BODY.size + 1  # 33

# Feature bits.
F_OUT_OF_ORDER = 1 << 0
F_TMF = 1 << 1
F_WRITE_SAME = 1 << 2
F_UNMAP = 1 << 3
F_FLUSH = 1 << 4
F_CDB = 1 << 5
F_EVENTS = 1 << 6
F_LBA_STATUS = 1 << 7
F_VPD = 1 << 8
F_MEDIUM = 1 << 9
F_ALL = 0x3FF

# Device types (HELLO offset 20).
TYPE_DISK, TYPE_TAPE, TYPE_CDROM, TYPE_CHANGER = 0, 1, 5, 8

# REFUSE reasons ("REFUSE reasons" in the doc).
REFUSE_PROTOCOL, REFUSE_ATTACHED, REFUSE_MISMATCH, REFUSE_HUNG = 1, 2, 3, 4

# EVENT codes; TMF functions.
EV_CAPACITY_CHANGED, EV_MEDIUM_CHANGED, EV_NOT_READY, EV_READY = 1, 2, 3, 4
TMF_ABORT_TASK_SET, TMF_CLEAR_TASK_SET, TMF_LU_RESET, TMF_I_T_NEXUS_RESET = 1, 2, 3, 4

# "The shared memory": header offsets, each index alone in its cache line.
RING_MAGIC = 0x52554353         # b"SCUR"
RING_HEADER_SIZE = 4096
OFF_MAGIC, OFF_VERSION = 0, 4
OFF_SQ_TAIL, OFF_SQ_HEAD, OFF_CQ_TAIL, OFF_CQ_HEAD = 64, 128, 192, 256
OFF_HANDLER_WAITING, OFF_CORE_WAITING = 320, 384
OFF_CONTROL_SENT = 448     # the core's count of control messages sent after READY

# "Submission entry (128 bytes)".
SQE = struct.Struct("<QBBBxIQQI4x32s56x")
SQE_SIZE = 128
OP_READ, OP_WRITE, OP_FLUSH, OP_UNMAP, OP_WRITE_SAME, OP_CDB, OP_LBA_STATUS = range(1, 8)
OP_NAMES = {OP_READ: "READ", OP_WRITE: "WRITE", OP_FLUSH: "FLUSH", OP_UNMAP: "UNMAP",
            OP_WRITE_SAME: "WRITE_SAME", OP_CDB: "CDB", OP_LBA_STATUS: "LBA_STATUS"}
# "LBA_STATUS": one extent, offset and length in bytes, state 0 mapped or 1 deallocated.
EXTENT = struct.Struct("<QQI4x")
FL_FUA, FL_DATA_OUT, FL_DATA_IN = 1, 2, 4
NO_BUFFER = 0xFFFFFFFF

# "Completion entry (64 bytes)".
CQE = struct.Struct("<QBBxxI48s")
CQE_SIZE = 64
SENSE_MAX = 48

# SAM-5 5.3 status codes (the ones a completion may carry).
GOOD, CHECK_CONDITION, CONDITION_MET, BUSY = 0x00, 0x02, 0x04, 0x08
RESERVATION_CONFLICT, TASK_SET_FULL, ACA_ACTIVE, TASK_ABORTED = 0x18, 0x28, 0x30, 0x40
SAM_STATUSES = frozenset({GOOD, CHECK_CONDITION, CONDITION_MET, BUSY, RESERVATION_CONFLICT,
                          TASK_SET_FULL, ACA_ACTIVE, TASK_ABORTED})

U32 = struct.Struct("<I")

assert HELLO_LEN == 104 and WELCOME_LEN == 72 and SQE.size == SQE_SIZE and CQE.size == CQE_SIZE


def parse_size(text):
    """A size for a command line: bytes, or a number with K, M, G or T (powers of 1024)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(text[:-1]) * units[text[-1]]
    return int(text)


class ProtocolError(Exception):
    """The peer broke a rule of the protocol; the epoch ends."""


def pack_msg(mtype, body=b""):
    return HEADER.pack(MSG_MAGIC, mtype, VERSION, HEADER.size + len(body), 0) + body


def unpack_msg(datagram):
    """Check the header of one datagram; return (type, body) or raise ProtocolError."""
    if len(datagram) < HEADER.size:
        raise ProtocolError(f"message of {len(datagram)} bytes is shorter than its header")
    magic, mtype, version, length, _ = HEADER.unpack_from(datagram)
    if magic != MSG_MAGIC:
        raise ProtocolError(f"bad magic {magic:#x}")
    if version != VERSION:
        raise ProtocolError(f"bad version {version}")
    if length != len(datagram):
        raise ProtocolError(f"length field {length} but datagram of {len(datagram)} bytes")
    if mtype not in MSG_NAMES:
        raise ProtocolError(f"unknown message type {mtype}")
    return mtype, bytes(datagram[HEADER.size:])


def fixed_sense(key, asc, ascq):
    """Fixed-format sense data, current error (SPC-5 4.4.3): 18 bytes."""
    s = bytearray(18)
    s[0] = 0x70
    s[2] = key & 0x0F
    s[7] = 10                   # additional sense length: bytes 8..17
    s[12] = asc
    s[13] = ascq
    return bytes(s)


def sense_key_asc_ascq(sense):
    """(key, asc, ascq) of fixed (0x70/0x71) or descriptor (0x72/0x73) sense."""
    code = sense[0] & 0x7F
    if code in (0x72, 0x73):
        return sense[1] & 0x0F, sense[2], sense[3]
    return sense[2] & 0x0F, sense[12], sense[13]


def sense_well_formed(sense):
    """The core's check of sense data a handler returned (doc: "Completion entry").

    At least 8 bytes; response code 70h-73h (SPC-5 4.4.2, 4.4.3); the additional
    sense length (byte 7) must not claim bytes that are not there; fixed format
    needs bytes 12-13 (ASC/ASCQ), so at least 14 bytes.
    """
    if len(sense) < 8:
        return False
    code = sense[0] & 0x7F
    if code not in (0x70, 0x71, 0x72, 0x73):
        return False
    if 8 + sense[7] > len(sense):
        return False
    if code in (0x70, 0x71) and len(sense) < 14:
        return False
    return True
