"""The production stack's processes: free loopback ports, children that die with the test run
and are signalled by process group, and waiting until a condition holds."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
# Loaded here, not in the child: only a plain call runs between fork and exec.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: killed with the test run even if it dies without clean-up."""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


@dataclass
class Process:
    name: str
    args: list[str]
    log: Path
    popen: subprocess.Popen[bytes]


def _port_in(spec: str | None) -> int:
    """A free loopback port, from the range ``spec`` (``low-high``) or chosen by the system."""
    if spec:
        low, high = (int(p) for p in spec.split("-", 1))
        for port in range(low, high + 1):
            with socket.socket() as s:
                try:
                    s.bind((HOST, port))
                except OSError:
                    continue
                return port
        raise RuntimeError(f"no free port in {spec}")
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _port_in_except(spec: str | None, taken: set[int]) -> int:
    """As ``_port_in``, skipping ports already handed out (a port is only bound once started)."""
    if not spec:
        while True:
            port = _port_in(None)
            if port not in taken:
                return port
    low, high = (int(p) for p in spec.split("-", 1))
    rest = [p for p in range(low, high + 1) if p not in taken]
    for port in rest:
        try:
            return _port_in(f"{port}-{port}")
        except RuntimeError:
            continue
    raise RuntimeError(f"no free port in {spec}")


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _signal_group(pgid: int, sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {seconds:.0f} s waiting until {what}")
        time.sleep(0.25)


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll ``condition`` until true; returns the seconds it took (raises on time-out)."""
    started = time.monotonic()
    _wait(condition, seconds, what)
    return time.monotonic() - started
