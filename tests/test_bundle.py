"""The student bundle (``python -m autograder bundle``): what it holds, what it leaves out, the
warning for assignments that answer each other, and a fresh machine: the bundle unpacked into a
new virtual environment (no system site-packages) that installs its pinned requirements from
PyPI and runs a finished notebook with nbclient, every visible check passing."""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder import bundle

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYTHON = [sys.executable, "-m", "autograder"]


def names(zip_path: pathlib.Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as zf:
        return zf.namelist()


def run_cli(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PYTHON, "bundle", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


# --------------------------------------------------------------------------------------------
# What the bundle holds
# --------------------------------------------------------------------------------------------
def test_bundle_holds_the_release_utils_and_nothing_of_the_instructor(tmp_path):
    out = tmp_path / "week.zip"
    assert bundle.bundle(["01_numpy_basics", "03_shallow_network"], out) == []
    listed = names(out)
    assert all(n.startswith(f"{bundle.BUNDLE_DIR}/") for n in listed)
    rel = [n.split("/", 1)[1] for n in listed]
    assert {"README.md", "requirements.txt", "course_lab.py"} <= set(rel)
    assert "notebooks/01_numpy_basics/01_numpy_basics.ipynb" in rel
    assert "notebooks/03_shallow_network/03_shallow_network.ipynb" in rel
    assert not any(r.startswith("notebooks/02_") or r.startswith("notebooks/05_") for r in rel)
    assert "utils/explorer/__init__.py" in rel
    assert "utils/visible_checks/shallow_network/__init__.py" in rel
    assert "utils/explorer/canvas.js" in rel and "utils/explorer/canvas.css" in rel
    for forbidden in ("source/", "autograder/", "tests/", "__pycache__"):
        assert not any(forbidden in r for r in rel), forbidden
    with zipfile.ZipFile(out) as zf:
        for n in listed:
            text = zf.read(n).decode("utf-8", errors="replace")
            for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "autograder.reference"):
                assert marker not in text, f"{n} holds {marker!r}"
        # The release is copied as it is (nbgrader metadata included: students hand it in).
        nb = json.loads(
            zf.read(f"{bundle.BUNDLE_DIR}/notebooks/01_numpy_basics/01_numpy_basics.ipynb")
        )
        assert nb == json.loads(
            (ROOT / "notebooks/01_numpy_basics/01_numpy_basics.ipynb").read_text()
        )


def test_same_release_gives_the_same_zip(tmp_path):
    bundle.bundle(["02_logistic_regression"], tmp_path / "a.zip")
    bundle.bundle(["02_logistic_regression"], tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_requirements_are_the_students_packages_pinned_as_the_course():
    lines = bundle.student_requirements()
    pins = bundle.pinned_requirements(ROOT / "requirements.txt")
    names_ = {bundle._canonical(re.split(r"[=;\[ ]", line)[0]) for line in lines}
    for needed in ("numpy", "matplotlib", "scikit-learn", "jupyterlab", "ipywidgets", "anywidget"):
        assert needed in names_
    for needed in ("ipykernel", "nbclient", "scipy"):  # what those need, followed
        assert needed in names_
    for left_out in ("nbgrader", "pytest", "playwright", "ruff", "dask", "hypothesis", "psycopg"):
        assert left_out not in names_
    assert all(line in pins.values() for line in lines)  # copied, marker and all
    assert len(lines) < len(pins)


def test_a_needed_package_that_is_not_pinned_is_refused(tmp_path):
    pins = tmp_path / "requirements.txt"
    kept = [
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if not line.startswith("traitlets")
    ]
    pins.write_text("\n".join(kept))
    with pytest.raises(bundle.BundleError, match="traitlets"):
        bundle.student_requirements(pins_file=pins)


# --------------------------------------------------------------------------------------------
# Answers within reach: 05 ships 04's step functions
# --------------------------------------------------------------------------------------------
def test_05_with_04_is_an_answer_leak_and_each_alone_is_not():
    leaks = bundle.answer_leaks(["04_deep_network", "05_deep_network_application"])
    assert len(leaks) == 1
    leak = leaks[0]
    assert (leak.carrier, leak.answered) == ("05_deep_network_application", "04_deep_network")
    assert leak.module == "05_deep_network_application/deep_network_steps.py"
    assert len(leak.functions) >= 9 and "L_model_backward" in leak.functions
    assert bundle.answer_leaks(["05_deep_network_application"]) == []
    assert bundle.answer_leaks(["04_deep_network"]) == []
    assert bundle.answer_leaks(["01_numpy_basics", "02_logistic_regression"]) == []


def test_cli_warns_for_04_and_05_together_and_the_readme_says_when_to_release_05(tmp_path):
    both = run_cli(
        "04_deep_network", "05_deep_network_application", "--out", "both.zip", cwd=tmp_path
    )
    assert both.returncode == 0, both.stderr
    assert "warning: 05_deep_network_application ships" in both.stderr
    assert "04_deep_network's due date" in both.stderr
    alone = run_cli("05_deep_network_application", "--out", "05.zip", cwd=tmp_path)
    assert alone.returncode == 0 and "warning" not in alone.stderr
    with zipfile.ZipFile(tmp_path / "05.zip") as zf:
        text = zf.read(f"{bundle.BUNDLE_DIR}/README.md").decode()
    assert "Release 05 only after 04's due date" in text
    assert ".venv/bin/pip install -r requirements.txt" in text
    assert ".venv/bin/python course_lab.py" in text
    unknown = run_cli("99_nothing", "--out", "x.zip", cwd=tmp_path)
    assert unknown.returncode == 2 and "99_nothing" in unknown.stderr
    assert not (tmp_path / "x.zip").exists()


# --------------------------------------------------------------------------------------------
# A fresh machine
# --------------------------------------------------------------------------------------------
def base_python() -> str:
    """A Python outside any virtual environment, as a student's machine has."""
    for candidate in ("/usr/bin/python3.11", getattr(sys, "_base_executable", "")):
        if candidate and os.path.exists(candidate):
            return candidate
    pytest.skip("no base Python to make a fresh virtual environment")


def finished(assignment: str) -> nbformat.NotebookNode:
    """The student's notebook with every function written: the instructor notebook's code,
    hidden checks left out (they need the grader), nbgrader markers removed."""
    nb = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            src = re.sub(
                r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", cell.source, flags=re.S
            )
            cell.source = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", src, flags=re.M)
    return nb


@pytest.mark.slow
def test_bundle_works_on_a_fresh_machine(tmp_path):
    out = tmp_path / "bundle.zip"
    bundle.bundle(["01_numpy_basics", "05_deep_network_application"], out)
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path)
    home = tmp_path / bundle.BUNDLE_DIR
    assert not (home / "autograder").exists() and not (home / "source").exists()

    # The README's install command, run as written (its venv has no system site-packages).
    readme = (home / "README.md").read_text()
    install = re.search(r"^(python3 -m venv .*?)\s+# install", readme, flags=re.M).group(1)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{pathlib.Path(base_python()).parent}:{env['PATH']}"
    # pip installs the same files without byte-compiling them all first (a student's Python
    # compiles what it imports): seconds of CI time, and nothing this test checks.
    env["PIP_COMPILE"] = "0"
    done = subprocess.run(
        install.replace("python3 ", f"{base_python()} ", 1),
        shell=True,
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    python = home / ".venv" / "bin" / "python"
    cfg = (home / ".venv" / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg

    # Everything installed is pinned by the bundle, and consistent.
    check = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    frozen = subprocess.run(
        [python, "-m", "pip", "freeze", "--all"], capture_output=True, text=True, check=True
    ).stdout
    pins = bundle.pinned_requirements(home / "requirements.txt")
    for line in frozen.splitlines():
        name, _, version = line.partition("==")
        if bundle._canonical(name) in ("pip", "setuptools", "wheel"):
            continue
        assert bundle._canonical(name) in pins, f"{line} was installed but is not pinned"
        assert f"=={version}" in pins[bundle._canonical(name)]
    assert "nbgrader" not in frozen.lower()

    # Finished notebooks run in the bundle's environment, as course_lab.py starts kernels.
    script = tmp_path / "run.py"
    script.write_text(
        "import os, sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        f"sys.path.insert(0, {str(home)!r})\n"
        "import course_lab\n"
        "os.environ.update(course_lab.kernel_environment(course_lab.course_root()))\n"
        "path = sys.argv[1]\n"
        "nb = nbformat.read(path, as_version=4)\n"
        "NotebookClient(nb, timeout=300, kernel_name='python3',\n"
        "    resources={'metadata': {'path': os.path.dirname(path)}}).execute()\n"
        "nbformat.write(nb, path)\n"
    )
    for assignment in ("01_numpy_basics", "05_deep_network_application"):
        target = home / "notebooks" / assignment / f"{assignment}.ipynb"
        nbformat.write(finished(assignment), target)
        ran = subprocess.run(
            [python, script, target],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert ran.returncode == 0, ran.stderr[-4000:]
        nb = nbformat.read(target, as_version=4)
        text = "\n".join(
            o.get("text", "")
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
        )
        passed = re.findall(r"All visible checks of (\w+) passed", text)
        assert passed, f"{assignment}: no visible check passed"
        assert not re.search(r"Error|Traceback", text.replace("CheckFailure", "")), text[-2000:]
    shutil.rmtree(home / ".venv")  # 1 GB; the tmp folder keeps only the small files
