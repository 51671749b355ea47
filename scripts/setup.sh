#!/usr/bin/env bash
# Install everything the course needs; safe to run again (it skips what is already there).
#   Debian packages: bubblewrap (the grading sandbox), chromium (the real-browser tests),
#   postgresql (a real PostgreSQL server for the tests: installed here, started by the tests
#   themselves in a temporary folder), python3-venv (venv for Debian's Python).
#   .venv made with the system Python (3.11, 3.12 or 3.13) and the exact pins of requirements.txt,
#   plus this project (editable).
# Python: /usr/bin/python3 when it is 3.11-3.13, else python3.13, python3.12, python3.11 on PATH;
# PYTHON=/path/to/python overrides. The system Python matters: the grading sandbox binds the
# venv's base Python into the sandbox, where unprivileged users must be able to read it (a Python
# under root's home, mode 700, is out of their reach). A .venv made by another Python is remade.
# As root this installs the Debian packages with apt-get; as another user with sudo, or else
# it says which packages to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything made here (.venv) must be readable by other users (the sandbox's workers, and the
# unprivileged test run): a umask of 077 would make it private.
umask 022

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

# --- the Python ---------------------------------------------------------------------------
supported='import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))'
python_bin="${PYTHON:-}"
if [ -n "$python_bin" ]; then
  command -v "$python_bin" >/dev/null 2>&1 || die "PYTHON=$python_bin: no such program"
  "$python_bin" -c "$supported" 2>/dev/null ||
    die "PYTHON=$python_bin is not Python 3.11, 3.12 or 3.13"
else
  for candidate in /usr/bin/python3 python3.13 python3.12 python3.11; do
    # (pyenv's shims exist for versions they cannot run: running the candidate is the test.)
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "$supported" 2>/dev/null; then
      python_bin="$candidate"; break
    fi
  done
  [ -n "$python_bin" ] || die "Python 3.11, 3.12 or 3.13 is needed: \`apt-get install python3\` \
(Debian 12, Debian 13, Ubuntu 24.04), or set PYTHON=/path/to/python3.X"
fi
python_version=$("$python_bin" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
python_real=$("$python_bin" -c 'import os, sys; print(os.path.realpath(sys.executable))')

# --- Debian packages ----------------------------------------------------------------------
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
# Debian's Pythons lack ensurepip (so venv) until python3-venv / python3.X-venv is installed.
if ! "$python_bin" -c 'import ensurepip' >/dev/null 2>&1; then
  if [ "$python_real" = "$(readlink -f /usr/bin/python3 2>/dev/null)" ]; then
    missing+=(python3-venv)   # Debian 12: depends on python3.11-venv, which holds ensurepip
  else
    missing+=("python${python_version}-venv")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
      sudo_cmd=(sudo)
    else
      die "these Debian packages are needed: ${missing[*]}
  Ask an administrator to run:  apt-get install ${missing[*]}
  then run this command again."
    fi
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "these Debian packages are needed, and there is no apt-get here: ${missing[*]}"
  say "installing Debian packages: ${missing[*]}"
  if ! { "${sudo_cmd[@]}" apt-get update -qq &&
         "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    die "could not install ${missing[*]}: run  apt-get install ${missing[*]}  as root, then again"
  fi
fi

# The sandbox's unprivileged workers read the venv's base Python: say so when they cannot.
unreadable=$("$python_bin" - <<'PY'
import os, stat, sys, sysconfig
for path in (os.path.realpath(sys.executable), sysconfig.get_paths()["stdlib"]):
    while path != "/":
        mode = os.stat(path).st_mode
        if not mode & (stat.S_IXOTH if stat.S_ISDIR(mode) else stat.S_IROTH):
            print(path)
            sys.exit()
        path = os.path.dirname(path)
PY
) || true
if [ -n "$unreadable" ]; then
  echo "setup: warning: $python_bin ($python_real) is not readable by other users ($unreadable);" \
    "the grading sandbox and the unprivileged test run need that: prefer /usr/bin/python3" >&2
fi
# ... and .venv inside this checkout. As root, each grading worker runs as a uid of its own,
# which bubblewrap uses to reach .venv and utils/: every folder above the checkout must let
# other users through (traverse only, not list). An ordinary user's workers run as that user.
if [ "$(id -u)" = 0 ]; then
  dir=$(pwd -P)
  while [ "$dir" != / ]; do
    if [ -z "$(find "$dir" -maxdepth 0 -perm -o=x)" ]; then
      say "letting the grading workers' users traverse $dir (chmod o+x: no listing, no reading)"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
fi

# --- .venv --------------------------------------------------------------------------------
if [ -f .venv/pyvenv.cfg ]; then
  venv_exe=$(sed -n 's/^executable *= *//p' .venv/pyvenv.cfg)
  venv_ver=$(sed -n 's/^version\(_info\)\{0,1\} *= *\([0-9]*\.[0-9]*\).*/\2/p' .venv/pyvenv.cfg)
  if [ "$(readlink -f "$venv_exe" 2>/dev/null || echo "$venv_exe")" != "$python_real" ] ||
     [ "$venv_ver" != "$python_version" ] || [ ! -x .venv/bin/python ]; then
    say "remaking .venv with $python_real (Python $python_version; it was made with" \
      "${venv_exe:-another Python} ${venv_ver})"
    rm -rf .venv
  fi
elif [ -e .venv ]; then
  say "remaking .venv (no pyvenv.cfg)"
  rm -rf .venv
fi
if [ ! -d .venv ]; then
  say "making .venv with $python_real (Python $python_version)"
  "$python_bin" -m venv .venv
fi

stamp=.venv/.requirements-installed
if [ ! -f "$stamp" ] || ! cmp -s requirements.txt "$stamp"; then
  say "installing Python packages into .venv (a few minutes on a new machine, with downloads;" \
    "under a minute from pip's cache)"
  # (This machine's pip configuration names extra package folders that may not exist: pip
  # warns about each one; those lines are dropped, every other message is kept.)
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt \
    2> >(grep -v "^WARNING: Location .* is ignored" >&2)
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
    -e . 2> >(grep -v "^WARNING: Location .* is ignored" >&2)
  cp requirements.txt "$stamp"
fi

# A .venv made under a private umask (before this script set one) is made readable again.
private=$(find .venv \( \( -type d ! -perm -o=rx \) -o \( -type f ! -perm -o=r \) \) -print -quit)
if [ -n "$private" ]; then
  say "making .venv readable by other users"
  chmod -R go+rX .venv
fi

# JupyterLab from this environment saves widget state with the notebook, so that the
# decision-boundary explorer's last frame shows when a saved notebook is reopened.
overrides=.venv/share/jupyter/lab/settings/overrides.json
if [ ! -f "$overrides" ]; then
  mkdir -p "$(dirname "$overrides")"
  echo '{"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": true}}' > "$overrides"
fi
