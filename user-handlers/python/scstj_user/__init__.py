"""scstj user handlers in Python: the protocol of docs/user-handlers.md (version 1)."""
from .handler import Device, SenseError, Handler, serve, stop_on_signals, stderr_log  # noqa: F401
from . import proto  # noqa: F401
