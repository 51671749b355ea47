"""The sandbox every student kernel runs in at grading time.

Student code runs in a grading worker (see :mod:`autograder.executor`) started under
bubblewrap (``bwrap``) as root, which builds a private filesystem view and new PID, network, IPC
and UTS namespaces, then hands over to ``prlimit`` (resource limits) and ``setpriv`` (a real
unprivileged uid, no capabilities, no new privileges) before Python starts. What it sees:

* read-only: the system (``/usr``, ``/etc``), the Python installation and the virtual
  environment, ``utils/`` (student-visible anyway) and the grading shim (a stand-in for
  ``autograder`` that records what hidden checks need, with no reference code in it);
* writable: a size-limited ``/tmp`` and working folder (memory-backed, emptied between
  notebooks), where the worker puts each notebook's support files and the inputs of its hidden
  checks (data, never expected values).

No network (only its own loopback), no ``source/``, no ``autograder/`` reference or hidden check
code, no other submission, no gradebook, no checkout.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import ROOT

#: The grading shim: an ``autograder`` package that exists only inside the sandbox.
SHIM = Path(__file__).resolve().parent / "sandbox_shim"
#: Where things appear inside the sandbox.
INSIDE_SHIM = "/opt/grading/shim"
INSIDE_CASES = "/tmp/cases"
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
        The unprivileged user the worker runs as (one per worker, so that the process limit of
        one worker never starves another).
    limits : Limits
    mpl_cache : Path, optional
        A prepared matplotlib font list, so that no worker rebuilds it.
    """

    uid: int
    limits: Limits = field(default_factory=Limits)
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
            # Figures are not drawn at grading: a notebook's plots cost no grading time.
            "MPLBACKEND": "Agg",
            "GRADING_WORK": INSIDE_WORK,
            "GRADING_HOME": INSIDE_HOME,
            "GRADING_SANDBOXED": "1",
            "GRADING_OUTPUT_LIMIT": str(self.limits.output_bytes),
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
        if self.mpl_cache is not None:
            binds.append((str(self.mpl_cache), f"{INSIDE_MPL}/{self.mpl_cache.name}"))
        # bwrap makes missing parent folders private (0700): make them traversable first.
        parents = sorted(
            {str(p) for _, target in binds for p in Path(target).parents} - {"/"}, key=len
        )
        mounted = ("/usr", "/etc", "/proc", "/dev", "/tmp", INSIDE_WORK)
        for parent in dict.fromkeys(parents):
            if parent not in mounted and not parent.startswith(("/usr/", "/etc/", "/proc/")):
                args += ["--perms", "0755", "--dir", parent]
        for source, target in binds:
            args += ["--ro-bind", source, target]
        args += ["--proc", "/proc", "--dev", "/dev"]
        args += ["--chdir", INSIDE_WORK, "--clearenv"]
        for key, value in self.environment().items():
            args += ["--setenv", key, value]
        args += [
            "--",
            # Memory is limited per notebook by the worker's fork (see grading_child.py).
            "prlimit",
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
