"""The sandbox every student notebook runs in at grading time.

Two layers, both built on Linux namespaces:

* **Per worker**: each grading worker (:mod:`autograder.executor`) is one long-lived process
  started under bubblewrap (``bwrap``) in a user namespace, as an ordinary user: the grader's
  own, or, when the grader runs as root, a uid of its own per worker (``setpriv`` drops to it
  before bubblewrap starts). It sees, read-only, the system (``/usr``, ``/etc``), the Python
  installation and virtual environment, ``utils/`` (student-visible anyway) and the grading
  shim (a stand-in for ``autograder`` that records what hidden checks need, with no reference
  code in it); no network, no ``source/``, no reference or hidden-check code, no other
  submission, no gradebook, no checkout.
* **Per notebook**: the worker forks a supervisor that enters new user, mount, PID, network,
  IPC and UTS namespaces (``sandbox_shim/notebook_namespace.py``), mounts a new, empty,
  memory-backed ``/tmp``, working folder and ``/dev/shm`` and makes every other mount
  read-only. The notebook's process is PID 1 of its namespace: when it ends, or is killed,
  every process it started goes with it. It keeps no capability, cannot create namespaces,
  mount, trace or read other processes' memory (a seccomp filter), and holds no descriptor of
  the worker or the grader: only a channel made for that notebook.

What a student's code can reach of the trusted side is that channel; the grader enforces every
limit on what comes out of it (:class:`Limits`).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import ROOT

#: The grading shim: an ``autograder`` package that exists only inside the sandbox.
SHIM = Path(__file__).resolve().parent / "sandbox_shim"
#: Where things appear inside the sandbox. Nothing is bound at its own path below ``/tmp`` (each
#: notebook gets a new ``/tmp``), so the checkout may live anywhere, ``/tmp`` included.
INSIDE_SHIM = "/opt/grading/shim"
INSIDE_VENV = "/opt/grading/venv"
INSIDE_LIB = "/opt/grading/lib"  # holds utils/
INSIDE_CASES = "/tmp/cases"
INSIDE_WORK = "/home/student/work"
INSIDE_HOME = "/tmp/home"
INSIDE_MPL = "/tmp/mpl"

MiB = 1024 * 1024
#: The matplotlib backend of graded notebooks (``sandbox_shim/grading_figures.py``).
FIGURE_BACKEND = "module://grading_figures"


@dataclass
class Limits:
    """Every limit of grading a notebook, defined here once.

    The kernel's own limits (memory, processes, file size) are set by the kernel on the
    notebook's processes; every limit on what comes out of a notebook is enforced by the
    grader on its side of the notebook's channel, whatever the student's process does.

    Attributes
    ----------
    memory_bytes : int
        Address space a notebook's process may add to the warm interpreter: 2 GiB.
    cell_seconds : int
        Wall time of one cell before it is stopped: 60 s.
    notebook_seconds : int
        Wall time of the whole notebook: 10 minutes.
    processes : int
        Processes and threads of a worker's user (``RLIMIT_NPROC``).
    file_bytes : int
        Largest file a notebook may write (``RLIMIT_FSIZE``).
    tmp_bytes : int
        Size of each fresh, memory-backed writable folder.
    output_bytes : int
        Output kept per cell (text, or encoded rich output); the rest is cut with a note.
    notebook_output_bytes : int
        Output kept per notebook, all cells together.
    message_bytes : int
        Largest message (one cell's outputs and recorded return values) the grader reads
        from a notebook's channel; a larger one is dropped and stops the notebook.
    notebook_bytes : int
        Everything the grader reads from one notebook's channel, all runs together.
    record_bytes : int
        Largest encoded return value recorded for one call of a student's function.
    cells : int
        Code cells run per notebook; cells past it are not run.
    figures : int
        Images kept per notebook: the figures its cells draw and any other PNG or JPEG output
        (past it, a note); no figure past it is drawn.
    figure_dpi : int
        Resolution figures are drawn at (Jupyter's inline backend once drew at 72).
    figure_pixels : int
        Largest side of a figure drawn at grading (a larger figure is drawn at a lower
        resolution), and of any image the grader keeps from a run.
    figure_bytes : int
        Largest PNG or JPEG kept, in bytes (decoded); a larger one is a note. Images count
        toward ``output_bytes`` and ``notebook_output_bytes`` too (base64-encoded).
    page_image_pixels : int
        Largest side of an image a feedback page shows (the student's saved outputs of
        cells not rerun included: those were drawn by Jupyter, often larger).
    """

    memory_bytes: int = 2048 * MiB
    cell_seconds: int = 60
    notebook_seconds: int = 600
    processes: int = 256
    file_bytes: int = 64 * MiB
    tmp_bytes: int = 256 * MiB
    output_bytes: int = 256 * 1024
    notebook_output_bytes: int = 16 * MiB
    message_bytes: int = 32 * MiB
    notebook_bytes: int = 96 * MiB
    record_bytes: int = 16 * MiB
    cells: int = 400
    figures: int = 40
    figure_dpi: int = 72
    figure_pixels: int = 1600
    figure_bytes: int = 160 * 1024
    page_image_pixels: int = 8192

    def figure_settings(self) -> dict[str, int]:
        """What the notebook's process needs to draw figures (sent with each job)."""
        return {
            "dpi": self.figure_dpi,
            "pixels": self.figure_pixels,
            "bytes": self.figure_bytes,
            "count": self.figures,
        }


def python_inside() -> str:
    """The grader's Python as the sandbox sees it (its virtual environment at
    :data:`INSIDE_VENV`)."""
    if sys.prefix != sys.base_prefix:
        return f"{INSIDE_VENV}/bin/{Path(sys.executable).name}"
    return sys.executable


def find_bwrap() -> str | None:
    """Path of ``bwrap``, or None when bubblewrap is not installed."""
    return shutil.which("bwrap")


@functools.cache
def sandbox_problem() -> str | None:
    """Why the sandbox cannot run here, or None when it can (checked once per process).

    Bubblewrap must be installed and able to make a user namespace as an ordinary user, and,
    when the grader runs as root, ``setpriv`` must be there to drop to the workers' uids.
    """
    bwrap = find_bwrap()
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed: `apt-get install bubblewrap`"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv (Debian package util-linux) is needed to drop root"
    probe = [bwrap, "--unshare-user", "--unshare-pid", "--unshare-net", "--ro-bind", "/", "/"]
    probe += ["--proc", "/proc", "--dev", "/dev", "true"]
    if os.geteuid() == 0:
        probe = [*_drop_root(PROBE_UID), *probe]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap could not start: {err}"
    if done.returncode != 0:
        return (
            "bubblewrap cannot make a user namespace here "
            f"({done.stderr.strip() or done.returncode}); user namespaces must be enabled "
            "(sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0)"
        )
    if os.geteuid() == 0:
        # The workers' own uids must reach the Python and utils/ that bubblewrap binds.
        for path in (Path(sys.executable), ROOT / "utils" / "__init__.py"):
            reach = subprocess.run(
                [*_drop_root(PROBE_UID), "test", "-r", str(path)], capture_output=True
            )
            if reach.returncode != 0:
                return (
                    f"the grading workers' users cannot reach {path}: every folder above it "
                    "must let other users through (`chmod o+x`; scripts/setup.sh does it)"
                )
    return None


#: The uid :func:`sandbox_problem` tries as root.
PROBE_UID = 99_999


def _drop_root(uid: int) -> list[str]:
    """``setpriv`` to ``uid``, no groups, no capabilities, no new privileges."""
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


@dataclass
class Sandbox:
    """The filesystem view, identity and limits of one grading worker.

    Parameters
    ----------
    uid : int, optional
        As root: the unprivileged uid the worker runs as (one per worker, so that the process
        limit of one worker never starves another). None runs it as the grader's own user.
    limits : Limits
    mpl_cache : Path, optional
        A prepared matplotlib font list, so that no worker rebuilds it. It must be readable
        by ``uid``.
    control_fd : int, optional
        The descriptor of the worker's control socket, kept open through bubblewrap.
    preload : tuple of str, optional
        Modules the worker imports before its first notebook, besides those every notebook
        uses (``GRADING_PRELOAD``); by default, every module some notebook uses.
    """

    uid: int | None = None
    limits: Limits = field(default_factory=Limits)
    mpl_cache: Path | None = None
    control_fd: int | None = None
    preload: tuple[str, ...] | None = None

    def environment(self) -> dict[str, str]:
        """The worker's whole environment (nothing of the grader's leaks in)."""
        env = {
            "HOME": INSIDE_HOME,
            "PATH": f"{Path(python_inside()).parent}:/usr/local/bin:/usr/bin:/bin",
            # Before site-packages, where an editable install would point at the checkout.
            "PYTHONPATH": f"{INSIDE_SHIM}:{INSIDE_LIB}",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MPLCONFIGDIR": INSIDE_MPL,
            # Figures are drawn small, as PNG outputs (sandbox_shim/grading_figures.py).
            "MPLBACKEND": FIGURE_BACKEND,
            "GRADING_WORK": INSIDE_WORK,
            "GRADING_HOME": INSIDE_HOME,
            "GRADING_SANDBOXED": "1",
            "GRADING_TMPFS_BYTES": str(self.limits.tmp_bytes),
            "GRADING_OUTPUT_LIMIT": str(self.limits.output_bytes),
            "GRADING_RECORD_LIMIT": str(self.limits.record_bytes),
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "LANG": "C.UTF-8",
            "AUTOGRADER_CASES": INSIDE_CASES,
        }
        if self.control_fd is not None:
            env["GRADING_CONTROL_FD"] = str(self.control_fd)
        if self.preload is not None:  # the modules the batch's notebooks import
            env["GRADING_PRELOAD"] = ",".join(self.preload)
        # Set on some processors because older OpenBLAS builds crash on them: keep them.
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if name in os.environ:
                env[name] = os.environ[name]
        return env

    def argv(self, command: list[str]) -> list[str]:
        """The full command line: [setpriv,] bwrap, prlimit, then ``command``."""
        lim = self.limits
        args = []
        if os.geteuid() == 0:
            args += _drop_root(self.uid if self.uid is not None else PROBE_UID)
        args += [
            find_bwrap() or "bwrap",
            "--die-with-parent",
            "--new-session",
            "--unshare-user",
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
        # Memory-backed writable folders first, so that binds below them stay visible. Each
        # notebook gets new ones (see notebook_namespace.py); these are the worker's.
        args += ["--perms", "1777", "--size", str(lim.tmp_bytes), "--tmpfs", "/tmp"]
        args += ["--perms", "0777", "--dir", INSIDE_HOME, "--perms", "0777", "--dir", INSIDE_MPL]
        args += ["--perms", "1777", "--size", str(lim.tmp_bytes), "--tmpfs", INSIDE_WORK]
        binds = []
        if not sys.base_prefix.startswith("/usr"):
            binds.append((sys.base_prefix, sys.base_prefix))
        if sys.prefix != sys.base_prefix:
            binds.append((sys.prefix, INSIDE_VENV))
        binds += [(str(ROOT / "utils"), f"{INSIDE_LIB}/utils"), (str(SHIM), INSIDE_SHIM)]
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
        args += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/"]
        args += ["--chdir", INSIDE_WORK, "--clearenv"]
        for key, value in self.environment().items():
            args += ["--setenv", key, value]
        args += [
            "--",
            # Inside the sandbox's user namespace, the process limit counts the sandbox's
            # processes only (outside, it would count every process of the grader's user).
            "prlimit",
            f"--nproc={lim.processes}",
            f"--fsize={lim.file_bytes}",
            "--core=0",
            "--nofile=512",
            "--",
            *command,
        ]
        return args


def build_font_list(folder: Path) -> Path | None:
    """Matplotlib's font list, built once into ``folder`` so that no worker or notebook spends
    seconds rebuilding it; None when matplotlib made none. The workers' users must be able to
    read it: callers hand the sandbox a copy in a folder those users can traverse.

    The list appears in ``folder`` whole or not at all (built beside it, then renamed), so two
    graders sharing ``folder`` never read half of one."""
    found = sorted(folder.glob("fontlist-*.json"))
    if not found:
        folder.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
        try:
            subprocess.run(
                [sys.executable, "-c", "import matplotlib.font_manager"],
                env=dict(os.environ, MPLCONFIGDIR=str(building)),
                check=False,
                capture_output=True,
            )
            for built in building.glob("fontlist-*.json"):
                os.replace(built, folder / built.name)
        finally:
            shutil.rmtree(building, ignore_errors=True)
        found = sorted(folder.glob("fontlist-*.json"))
    return found[-1] if found else None


def font_list_folder(fallback: Path) -> Path:
    """Where the grader keeps matplotlib's font list from one run to the next: the user's
    cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``), one list per Python environment,
    matplotlib version and state of the system's font folders, as matplotlib keeps its own.
    Building it is half a second at the start of every run otherwise. ``fallback`` when
    the cache folder cannot be written."""
    import hashlib
    from importlib.metadata import version

    fonts = [Path(p) for p in ("/usr/share/fonts", "/usr/local/share/fonts")]
    fonts.append(Path.home() / ".local" / "share" / "fonts")
    state = [sys.prefix, version("matplotlib")]
    state += [f"{p}:{p.stat().st_mtime_ns}" for p in fonts if p.is_dir()]
    key = hashlib.sha256(repr(state).encode()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "course-autograder" / f"matplotlib-{key}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return fallback
    return folder if os.access(folder, os.W_OK) else fallback


def readable_font_list(folder: Path) -> Path | None:
    """:func:`build_font_list`, copied where the workers' users can read it (``folder`` may be
    private, as ``OUT/nbgrader`` is); None when matplotlib made none."""
    font_list = build_font_list(folder)
    if font_list is None:
        return None
    shared = Path(tempfile.mkdtemp(prefix="grading-fonts-"))
    shared.chmod(0o755)
    copy = shared / font_list.name
    shutil.copyfile(font_list, copy)
    copy.chmod(0o644)
    return copy
