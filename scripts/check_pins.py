#!/usr/bin/env python3
"""Check requirements.txt against every Python the course supports, without installing anything.

Targets: CPython 3.11.2 (Debian 12's system Python), 3.12.0 and 3.13.0 (the lowest release of the
series Ubuntu 24.04 and Debian 13 ship), on Linux x86_64 with glibc 2.36 or older (Debian 12's).
For each one pip resolves the file as it would install it there, wheels only, and this script checks
that every package resolves (its Requires-Python and a wheel for that Python), that nothing outside
the file is pulled in, and that every pin whose marker holds is used. It lists the compiled wheels
chosen with -v.

pip judges Requires-Python and wheel tags for the target, but environment markers
(`; python_version < "3.12"`) for the Python that runs it. A target whose series has an interpreter
given with --interpreter (or found on PATH as python3.X) is resolved by that interpreter; otherwise
by this one, and the script says so.

    .venv/bin/python scripts/check_pins.py [-v] [--interpreter /path/to/python3.12 ...]

It needs pip 22.2 or later in the Python that runs it (the course's .venv has it).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # pip vendors it
    from pip._vendor.packaging.requirements import Requirement

TARGETS = ["3.11.2", "3.12.0", "3.13.0"]
GLIBC_MINOR_MAX = 36  # Debian 12; Ubuntu 24.04 has 2.39, Debian 13 2.41
PLATFORMS = [f"manylinux_2_{m}_x86_64" for m in range(5, GLIBC_MINOR_MAX + 1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
]
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def interpreter_version(exe):
    """(major, minor, micro) of an interpreter that has pip, or None."""
    try:
        out = subprocess.run(
            [exe, "-c", "import sys, pip; print(*sys.version_info[:3])"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except OSError:
        return None
    if out.returncode != 0:
        return None
    return tuple(int(x) for x in out.stdout.split())


def pins():
    """[(Requirement, line)] of the requirements file."""
    result = []
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            result.append(Requirement(line))
    return result


def check(target, runner, runner_version, verbose):
    minor = ".".join(target.split(".")[:2])
    env = {
        "python_version": "{}.{}".format(*runner_version[:2]),
        "python_full_version": "{}.{}.{}".format(*runner_version),
    }
    expected = {}
    for req in pins():
        if req.marker is None or req.marker.evaluate(env):
            (version,) = [s.version for s in req.specifier]
            expected[norm(req.name)] = version
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [runner, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
        cmd += ["--disable-pip-version-check", "--target", str(Path(tmp) / "target")]
        cmd += ["--only-binary=:all:", "--python-version", target, "--implementation", "cp"]
        for platform in PLATFORMS:
            cmd += ["--platform", platform]
        cmd += ["-r", str(REQUIREMENTS), "--report", str(report)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            errors = [ln for ln in proc.stderr.splitlines() if "Location" not in ln]
            return ["pip could not resolve the file:"] + ["    " + ln for ln in errors[-15:]]
        installed = json.loads(report.read_text())["install"]
    problems, compiled = [], []
    got = {}
    for item in installed:
        name, version = norm(item["metadata"]["name"]), item["metadata"]["version"]
        got[name] = version
        wheel = item["download_info"]["url"].rsplit("/", 1)[-1]
        if not wheel.endswith("-none-any.whl"):
            compiled.append(wheel)
        if name not in expected:
            problems.append(f"{name} {version} is pulled in but not pinned")
        elif expected[name] != version:
            problems.append(f"{name}: {version} resolved, {expected[name]} pinned")
    for name in sorted(set(expected) - set(got)):
        problems.append(f"{name}=={expected[name]} is pinned but nothing needs it")
    note = ""
    if runner_version[:2] != tuple(map(int, minor.split("."))):
        note = f" (markers judged for {env['python_version']}: no python{minor} given)"
    print(f"Python {target}: {len(got)} packages, {len(compiled)} compiled wheels{note}")
    if verbose:
        for wheel in sorted(compiled):
            print("    " + wheel)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list the compiled wheels")
    parser.add_argument("--interpreter", action="append", default=[], metavar="PYTHON")
    args = parser.parse_args()
    runners = {}
    candidates = args.interpreter + [
        shutil.which(f"python{t.rsplit('.', 1)[0]}") or "" for t in TARGETS
    ]
    for exe in candidates:
        version = exe and interpreter_version(exe)
        if version and version[:2] not in runners:
            runners[version[:2]] = (exe, version)
    default = (sys.executable, tuple(sys.version_info[:3]))
    failed = False
    for target in TARGETS:
        key = tuple(int(x) for x in target.split(".")[:2])
        runner, version = runners.get(key, default)
        problems = check(target, runner, version, args.verbose)
        for problem in problems:
            print("    PROBLEM: " + problem)
        failed |= bool(problems)
    print("check_pins: " + ("FAILED" if failed else "all targets resolve to the pinned set"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
