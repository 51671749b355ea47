"""The sandbox's isolation, asserted directly: a process started the way student kernels are
cannot read what it was not given, cannot reach the network, and is stopped at its limits."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.course import ROOT
from autograder.executor import DIED, TIMEOUT, GradingWorker, WorkerSlot
from autograder.sandbox import Limits, Sandbox, python_inside, sandbox_problem

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        sandbox_problem() is not None, reason=f"sandbox unavailable: {sandbox_problem()}"
    ),
]

# As root each worker runs as a uid of its own; otherwise as the user running the tests.
UID = 61900 if os.geteuid() == 0 else None


def run_inside(code: str, tmp_path: Path, limits: Limits | None = None, **kwargs):
    """Run ``code`` with the sandbox's Python; return (exit code, stdout, stderr)."""
    sandbox = Sandbox(uid=UID, limits=limits or Limits(), **kwargs)
    argv = sandbox.argv([python_inside(), "-c", code])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def test_runs_as_an_unprivileged_user_without_capabilities(tmp_path):
    code = (
        "import os\n"
        "print(os.getuid(), os.getgid(), os.getgroups())\n"
        "print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])"
    )
    status, out, err = run_inside(code, tmp_path)
    assert status == 0, err
    ids, caps = out.splitlines()
    uid = UID if UID is not None else os.getuid()
    assert ids.split()[:2] == [str(uid), str(uid)]
    assert int(caps, 16) == 0


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "source" / "01_numpy_basics" / "01_numpy_basics.ipynb",
        ROOT / "autograder" / "reference" / "numpy_basics.py",
        ROOT / "autograder" / "hidden" / "numpy_basics.py",
        ROOT / "README.md",
        Path("/etc/shadow"),
    ],
)
def test_cannot_read_what_it_was_not_given(path, tmp_path):
    code = (
        f"open({str(path)!r}).read()"
        if path.suffix or path.name == "shadow"
        else (f"import os; os.listdir({str(path)!r})")
    )
    status, _, err = run_inside(code, tmp_path)
    assert status != 0
    assert "FileNotFoundError" in err or "PermissionError" in err, err


def test_of_the_checkout_only_the_student_helpers_are_visible(tmp_path):
    code = (
        f"import os, utils; print(os.path.exists({str(ROOT)!r}), "
        "sorted(os.listdir(os.path.dirname(os.path.dirname(utils.__file__)))))"
    )
    status, out, err = run_inside(code, tmp_path)
    assert status == 0, err
    assert out.split(" ", 1)[0] == "False"  # the checkout is nowhere
    assert eval(out.split(" ", 1)[1]) == ["utils"]  # utils/ alone, away from the checkout


def test_cannot_read_a_file_beside_the_grader(tmp_path):
    secret = tmp_path / "classmate.ipynb"
    secret.write_text("answers", encoding="utf-8")
    status, _, err = run_inside(f"open({str(secret)!r}).read()", tmp_path)
    assert status != 0 and ("FileNotFoundError" in err or "PermissionError" in err)


def test_sees_the_student_helpers_read_only(tmp_path):
    code = (
        "import utils.checks\n"
        "for target in ('/usr/x', utils.checks.__file__):\n"
        "    try:\n        open(target, 'a')\n    except OSError as e:\n        print('refused')"
    )
    status, out, err = run_inside(code, tmp_path)
    assert status == 0, err
    assert out.splitlines() == ["refused", "refused"]


def test_no_network_not_even_the_hosts_loopback(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    code = (
        "import socket\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
        "    print('connected')\n"
        "except OSError as e:\n    print('refused', type(e).__name__)\n"
        "try:\n    socket.getaddrinfo('pypi.org', 443)\n    print('resolved')\n"
        "except OSError as e:\n    print('no dns')"
    )
    try:
        status, out, err = run_inside(code, tmp_path)
    finally:
        server.close()
    assert status == 0, err
    assert out.splitlines() == ["refused ConnectionRefusedError", "no dns"]
    assert not accepted


def test_file_size_limit(tmp_path):
    code = (
        "try:\n    open('/tmp/big', 'wb').write(b'x' * (8 * 1024**2))\n    print('wrote')\n"
        "except OSError as e:\n    print('refused', e.errno)"
    )
    status, out, err = run_inside(code, tmp_path, limits=Limits(file_bytes=1024**2))
    assert out.strip() == "refused 27", (out, err)  # EFBIG


def test_process_limit(tmp_path):
    code = (
        "import threading, time\n"
        "started = 0\n"
        "try:\n"
        "    for _ in range(500):\n"
        "        threading.Thread(target=time.sleep, args=(5,), daemon=True).start()\n"
        "        started += 1\n"
        "except RuntimeError:\n    pass\n"
        "print(started)"
    )
    status, out, err = run_inside(code, tmp_path, limits=Limits(processes=64))
    assert status == 0, err
    assert int(out) < 64


def _notebook(*sources: str):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def _run(nb, tmp_path, limits: Limits):
    async def go():
        worker = GradingWorker(WorkerSlot(UID, tmp_path / "scratch"), limits)
        try:
            return await worker.run(nb, {}, {}, [])
        finally:
            await worker.stop()

    return asyncio.run(go())


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


def test_memory_limit_per_notebook(tmp_path):
    nb = _notebook(
        "try:\n    hog = bytearray(3 * 1024**3)\n    print('allocated')\n"
        "except MemoryError:\n    print('MemoryError')",
        "print('still here')",
    )
    result = _run(nb, tmp_path, Limits(memory_bytes=2 * 1024**3))
    assert _text(nb.cells[0]) == "MemoryError\n" and _text(nb.cells[1]) == "still here\n"
    assert not result.problems


def test_a_cell_that_ignores_interrupts_is_stopped_and_the_rest_runs(tmp_path):
    nb = _notebook(
        "x = 41",
        "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n"
        "    except KeyboardInterrupt:\n        pass",
        "print(x + 1)",
    )
    result = _run(nb, tmp_path, Limits(cell_seconds=3))
    assert result.problems == {1: TIMEOUT}
    assert _text(nb.cells[2]) == "42\n"


def test_a_dead_kernel_costs_one_cell(tmp_path):
    nb = _notebook("x = 1", "import os\nos._exit(3)", "print(x + 1)")
    result = _run(nb, tmp_path, Limits(cell_seconds=20))
    assert result.problems == {1: DIED}
    assert _text(nb.cells[2]) == "2\n"


def test_output_flood_is_cut(tmp_path):
    nb = _notebook("for i in range(2_000_000):\n    print(i)", "print('after')")
    result = _run(nb, tmp_path, Limits(output_bytes=10_000))
    assert len(_text(nb.cells[0])) < 11_000 and "output cut" in _text(nb.cells[0])
    assert _text(nb.cells[1]) == "after\n" and not result.problems
