#!/usr/bin/env bash
# Install everything the course needs; safe to run again (it skips what is already there).
#   Debian packages: bubblewrap (the grading sandbox), chromium (the real-browser tests).
#   .venv with Python 3.11 and the exact pins of requirements.txt, plus this project (editable).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
[ -n "$python_bin" ] || { echo "setup: Python 3.11 is needed (set PYTHON=/path/to/python3.11)" >&2; exit 1; }

[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
stamp=.venv/.requirements-installed
if [ ! -f "$stamp" ] || ! cmp -s requirements.txt "$stamp"; then
  echo "setup: installing Python packages (about 30 s)"
  # (This machine's pip configuration names extra package folders that may not exist: pip
  # warns about each one; those lines are dropped, every other message is kept.)
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt \
    2> >(grep -v "^WARNING: Location .* is ignored" >&2)
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
    -e . 2> >(grep -v "^WARNING: Location .* is ignored" >&2)
  cp requirements.txt "$stamp"
fi


# JupyterLab from this environment saves widget state with the notebook, so that the
# decision-boundary explorer's last frame shows when a saved notebook is reopened.
overrides=.venv/share/jupyter/lab/settings/overrides.json
if [ ! -f "$overrides" ]; then
  mkdir -p "$(dirname "$overrides")"
  echo '{"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": true}}' > "$overrides"
fi
