"""The sandbox every student kernel runs in at grading time.

A kernel is an ordinary ipykernel started under bubblewrap (``bwrap``) as root, which builds a
private filesystem view and new PID, network, IPC and UTS namespaces, then hands over to
``prlimit`` (resource limits) and ``setpriv`` (a real unprivileged uid, no capabilities, no new
privileges) before Python starts. What the kernel sees:

* read-only: the system (``/usr``, ``/etc``), the Python installation and the virtual
  environment, ``utils/`` (student-visible anyway) and the grading shim (a stand-in for
  ``autograder`` that records what hidden checks need, with no reference code in it);
* read-only: the inputs of the hidden checks (data, never expected values) and the assignment's
  support files;
* writable: a size-limited ``/tmp`` and working folder (memory-backed, gone with the kernel);
* the kernel's sockets: a folder that is writable only while the kernel starts, before any
  student code runs.

No network (only its own loopback), no ``source/``, no ``autograder/`` reference or hidden check
code, no other submission, no gradebook, no checkout.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from autograder.course import ROOT

#: The grading shim: an ``autograder`` package that exists only inside the sandbox.
SHIM = Path(__file__).resolve().parent / "sandbox_shim"
#: Where things appear inside the sandbox.
INSIDE_SHIM = "/opt/grading/shim"
INSIDE_CASES = "/opt/grading/cases"
INSIDE_WORK = "/home/student/work"
INSIDE_HOME = "/tmp/home"
INSIDE_MPL = "/tmp/mpl"

MiB = 1024 * 1024


@dataclass
class Limits:
    """Resource limits of one student kernel (defaults from the course's design).

    Attributes
    ----------
    memory_bytes : int
        Address space of the kernel process (``RLIMIT_AS``): 2 GiB.
    cell_seconds : int
        Wall time of one cell before it is stopped: 60 s.
    notebook_seconds : int
        Wall time of the whole notebook: 10 minutes.
    processes : int
        Processes and threads of the kernel's user (``RLIMIT_NPROC``).
    file_bytes : int
        Largest file the kernel may write (``RLIMIT_FSIZE``).
    output_bytes : int
        Output kept per cell; the rest is dropped with a note.
    tmp_bytes : int
        Size of each writable, memory-backed folder (``/tmp`` and the working folder).
    """

    memory_bytes: int = 2048 * MiB
    cell_seconds: int = 60
    notebook_seconds: int = 600
    processes: int = 256
    file_bytes: int = 64 * MiB
    output_bytes: int = 256 * 1024
    tmp_bytes: int = 256 * MiB


def find_bwrap() -> str | None:
    """Path of ``bwrap``, or None when bubblewrap is not installed."""
    return shutil.which("bwrap")


def sandbox_problem() -> str | None:
    """Why the sandbox cannot run here, or None when it can."""
    if find_bwrap() is None:
        return "bubblewrap (bwrap) is not installed: `apt-get install bubblewrap`"
    if os.geteuid() != 0:
        return "the sandbox starts kernels as root and drops to an unprivileged user: run as root"
    if shutil.which("setpriv") is None or shutil.which("prlimit") is None:
        return "setpriv and prlimit (Debian package util-linux) are needed"
    return None


@dataclass
class Sandbox:
    """The filesystem view, identity and limits of one student kernel.

    Parameters
    ----------
    uid : int
        The unprivileged user the kernel runs as (one per worker, so that process limits of
        one worker never starve another).
    runtime_dir : Path
        A fresh folder for the kernel's connection file and sockets.
    limits : Limits
    cases_dir : Path, optional
        Inputs of the hidden checks, shown read-only.
    support_files : list of Path
        Files of the assignment (besides the notebook) the student's code may open.
    mpl_cache : Path, optional
        A prepared matplotlib font list, so each kernel need not rebuild it.
    """

    uid: int
    runtime_dir: Path
    limits: Limits = field(default_factory=Limits)
    cases_dir: Path | None = None
    support_files: list[Path] = field(default_factory=list)
    mpl_cache: Path | None = None

    def environment(self) -> dict[str, str]:
        """The kernel's whole environment (nothing of the grader's leaks in)."""
        env = {
            "HOME": INSIDE_HOME,
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "PYTHONPATH": INSIDE_SHIM,
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MPLCONFIGDIR": INSIDE_MPL,
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "LANG": "C.UTF-8",
            "AUTOGRADER_CASES": INSIDE_CASES,
        }
        # Set on some processors because older OpenBLAS builds crash on them: keep them.
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if name in os.environ:
                env[name] = os.environ[name]
        return env

    def argv(self, command: list[str]) -> list[str]:
        """The full command line: bwrap, then prlimit, then setpriv, then ``command``."""
        lim = self.limits
        args = [
            find_bwrap() or "bwrap",
            "--die-with-parent",
            "--new-session",
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--hostname",
            "sandbox",
            "--ro-bind",
            "/usr",
            "/usr",
            "--ro-bind",
            "/etc",
            "/etc",
        ]
        for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
            path = Path(top)
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), top]
            elif path.is_dir():
                args += ["--ro-bind", top, top]
        # Memory-backed writable folders first, so that binds below them stay visible.
        args += ["--perms", "1777", "--size", str(lim.tmp_bytes), "--tmpfs", "/tmp"]
        args += ["--perms", "0777", "--dir", INSIDE_HOME, "--perms", "0777", "--dir", INSIDE_MPL]
        args += ["--perms", "1777", "--size", str(lim.tmp_bytes), "--tmpfs", INSIDE_WORK]
        binds = [(p, p) for p in sorted({sys.base_prefix, sys.prefix}) if not p.startswith("/usr")]
        binds += [(str(ROOT / "utils"), str(ROOT / "utils")), (str(SHIM), INSIDE_SHIM)]
        if self.cases_dir is not None:
            binds.append((str(self.cases_dir), INSIDE_CASES))
        if self.mpl_cache is not None:
            binds.append((str(self.mpl_cache), f"{INSIDE_MPL}/{self.mpl_cache.name}"))
        binds += [(str(item), f"{INSIDE_WORK}/{item.name}") for item in self.support_files]
        # bwrap makes missing parent folders private (0700): make them traversable first.
        parents = sorted(
            {str(p) for _, target in binds for p in Path(target).parents} - {"/"}, key=len
        )
        parents += [str(p) for p in Path(self.runtime_dir).parents if str(p) != "/"][::-1]
        mounted = ("/usr", "/etc", "/proc", "/dev", "/tmp", INSIDE_WORK)
        for parent in dict.fromkeys(parents):
            if parent not in mounted and not parent.startswith(("/usr/", "/etc/", "/proc/")):
                args += ["--perms", "0755", "--dir", parent]
        for source, target in binds:
            args += ["--ro-bind", source, target]
        args += ["--bind", str(self.runtime_dir), str(self.runtime_dir)]
        args += ["--proc", "/proc", "--dev", "/dev"]
        args += ["--chdir", INSIDE_WORK, "--clearenv"]
        for key, value in self.environment().items():
            args += ["--setenv", key, value]
        args += [
            "--",
            "prlimit",
            f"--as={lim.memory_bytes}",
            f"--nproc={lim.processes}",
            f"--fsize={lim.file_bytes}",
            "--core=0",
            "--nofile=512",
            "--",
            "setpriv",
            f"--reuid={self.uid}",
            f"--regid={self.uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
            *command,
        ]
        return args

    def open_for_start(self) -> None:
        """Let the kernel's user create its sockets and read the connection file."""
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        os.chown(self.runtime_dir, self.uid, self.uid)
        os.chmod(self.runtime_dir, 0o700)

    def close_after_start(self) -> None:
        """Once the kernel listens, take the socket folder back: student code never writes it."""
        os.chown(self.runtime_dir, 0, 0)
        os.chmod(self.runtime_dir, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IXOTH)

    def remove(self) -> None:
        shutil.rmtree(self.runtime_dir, ignore_errors=True)


KERNEL_ARGS = [
    "-m",
    "ipykernel_launcher",
    "-f",
    "{connection_file}",
    "--IPKernelApp.log_level=50",
    "--HistoryManager.hist_file=:memory:",
    # Load the grading shim before any student code runs.
    "--IPKernelApp.exec_lines=import autograder.hidden",
]


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel starts inside :attr:`sandbox` and talks over Unix sockets
    (a kernel without network cannot reach TCP ports outside its namespace)."""

    sandbox: Sandbox | None = None

    def setup(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.transport = "ipc"
        self.ip = str(sandbox.runtime_dir / "kernel")
        self.connection_file = str(sandbox.runtime_dir / "connection.json")

    @property
    def kernel_spec(self) -> KernelSpec:
        python = str(Path(sys.prefix) / "bin" / "python")
        command = [python, *KERNEL_ARGS]
        argv = self.sandbox.argv(command) if self.sandbox else command
        return KernelSpec(argv=argv, display_name="sandboxed Python 3", language="python", env={})

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # Called after the connection file is written and before launch: the kernel's user
        # must be able to read it.
        if self.sandbox is not None and os.path.exists(self.connection_file):
            os.chown(self.connection_file, self.sandbox.uid, self.sandbox.uid)
        return super().format_kernel_cmd(extra_arguments)
