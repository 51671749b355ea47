"""A real PostgreSQL server for the tests: Debian's binaries, a temporary cluster owned by an
unprivileged user (PostgreSQL refuses to run as root), on a free port of 127.0.0.1.

As root the cluster belongs to ``nobody`` (every command runs through ``setpriv``); as an
ordinary user, to that user. The tests that need it skip, saying why, when the server binaries
are missing (``apt-get install -y postgresql``).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

USER = "grader"


def binaries() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``, the newest version installed, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A running cluster; :meth:`database` creates a fresh database and returns its URL."""

    def __init__(self) -> None:
        self.bin = binaries()
        # Under /tmp, not pytest's mode-0700 folder: the cluster's user must traverse it.
        self.dir = Path(tempfile.mkdtemp(prefix="pg-tests-", dir="/tmp"))
        self.dir.chmod(0o755)
        self.port = _free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, 65534, 65534)
            self.prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        self._run(self.bin / "initdb", "-D", self.dir / "data", "-U", USER, "-A", "trust")
        self._run(
            self.bin / "pg_ctl",
            "-D",
            self.dir / "data",
            "-l",
            self.dir / "log",
            "-o",
            f"-p {self.port} -k {self.dir} -h 127.0.0.1 -c max_connections=200",
            "-w",
            "start",
        )
        self.count = 0

    def _run(self, *command) -> None:
        subprocess.run(
            [*self.prefix, *map(str, command)],
            check=True,
            capture_output=True,
            env=dict(os.environ, LC_ALL="C.UTF-8"),
        )

    def database(self) -> str:
        """A new, empty database; its SQLAlchemy URL (psycopg 3)."""
        self.count += 1
        name = f"gradebook{self.count}"
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", USER, name)
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server for the module's tests, stopped afterwards."""
    if binaries() is None:
        pytest.skip("PostgreSQL server binaries missing: apt-get install -y postgresql")
    server = PostgresServer()
    try:
        yield server
    finally:
        server.stop()
