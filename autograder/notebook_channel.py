"""The grader's end of one notebook's channel: what it reads there is untrusted, so every size
limit is enforced while reading (:class:`Channel`) and events count only in the order the
protocol allows (:class:`EventOrder`)."""

from __future__ import annotations

import asyncio
import socket

from autograder.sandbox import Limits


# ------------------------------------------------------------------------------------------
class _Oversized:
    """A message longer than the limit (dropped unread)."""


class _Flooded:
    """The notebook's whole allowance was used up."""


OVERSIZED, FLOODED = _Oversized(), _Flooded()


class Channel:
    """The grader's end of one notebook's channel: sends the job, reads bounded lines.

    Parameters
    ----------
    sock : socket.socket
        The grader's end (non-blocking).
    limits : Limits
    budget : list of int
        Bytes left for the whole notebook (shared by its runs).
    """

    CHUNK = 1 << 16

    def __init__(self, sock: socket.socket, limits: Limits, budget: list[int]) -> None:
        self.sock, self.limits, self.budget = sock, limits, budget
        self.buffer = bytearray()
        self.skipping = False  # inside a message that is too long: drop until its end
        self.eof = False

    async def send(self, data: bytes) -> None:
        await asyncio.get_running_loop().sock_sendall(self.sock, data)

    async def next_message(self) -> bytes | _Oversized | _Flooded | None:
        """The next line, :data:`OVERSIZED`, :data:`FLOODED`, or None at the end."""
        loop = asyncio.get_running_loop()
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[: end + 1]
                if self.skipping:
                    self.skipping = False
                    return OVERSIZED
                return line
            if len(self.buffer) > self.limits.message_bytes:
                self.buffer.clear()
                self.skipping = True
            if self.eof:
                # A line cut short by the process's end (killed at a time limit while it wrote)
                # is dropped: only an over-long one is the notebook's doing.
                return OVERSIZED if self.skipping else None
            try:
                chunk = await loop.sock_recv(self.sock, self.CHUNK)
            except OSError:
                chunk = b""
            if not chunk:
                self.eof = True
                if self.skipping:
                    return OVERSIZED
                continue
            self.budget[0] -= len(chunk)
            if self.budget[0] < 0:
                return FLOODED
            if self.skipping:
                end = chunk.find(b"\n")
                if end < 0:
                    continue
                self.skipping = False
                self.buffer += chunk[end + 1 :]
                return OVERSIZED
            self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


class EventOrder:
    """The order events must come in for one run: start(i), cell(i), ..., finished."""

    def __init__(self, order: list[int]) -> None:
        self.order, self.position = order, 0
        self.current: int | None = None
        self.finished = False
        self.any_started = False
        self.started_now = False
        self.sandbox_error = ""

    @property
    def next_index(self) -> int | None:
        return self.order[self.position] if self.position < len(self.order) else None

    def accept(self, kind, index) -> bool:
        if self.finished:
            return False
        if kind == "start" and self.current is None and index == self.next_index:
            self.current, self.any_started, self.started_now = index, True, True
            return True
        if kind == "cell" and self.current is not None and index == self.current:
            self.current = None
            self.position += 1
            return True
        if kind == "finished" and self.current is None and self.next_index is None:
            self.finished = True
            return True
        return False
