#!/usr/bin/env bash
# Run a command from the checkout as an unprivileged local user, with a clean environment.
#   scripts/as_user.sh USER CMD [ARG...]        (as root; exits with CMD's status)
# It creates USER if missing (a system user with a home, uid = gid), makes sure USER can read
# the checkout and its .venv (it only adds what is missing: o+r / o+rx inside the checkout but
# .git and out/, and o+x on those of the checkout's parent folders USER cannot enter), gives USER
# a private writable folder for this run (HOME, TMPDIR and so pytest's basetemp, XDG_CACHE_HOME,
# PYTHONPYCACHEPREFIX; under /tmp or $AS_USER_TMP, removed afterwards unless AS_USER_KEEP=1),
# and runs CMD in the current folder with `setpriv --reuid --regid --init-groups`. The
# environment is cleared but for PATH, LANG, LC_*, TERM, CI, OPENBLAS_* and OMP_*.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 USER CMD [ARG...]" >&2; exit 2; }
user=$1; shift
say() { echo "as_user: $*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root (to switch to $user)"; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd -P)

if ! id -u "$user" >/dev/null 2>&1; then
  say "creating the system user $user"
  # Its own group first, and the same number for the user when that uid is free (uid = gid,
  # as for ordinary users).
  getent group "$user" >/dev/null || groupadd --system "$user"
  gid=$(getent group "$user" | cut -d: -f3)
  same=(); getent passwd "$gid" >/dev/null || same=(--uid "$gid")
  useradd --system --create-home --shell /usr/sbin/nologin --gid "$user" "${same[@]}" "$user"
fi
group=$(id -gn "$user")
as() { setpriv --reuid="$user" --regid="$group" --init-groups -- "$@"; }

# The checkout's parent folders must be traversable (x) by the user; nothing else outside.
dir=$root
while [ "$dir" != / ]; do
  dir=$(dirname "$dir")
  if ! as test -x "$dir"; then
    say "letting other users traverse $dir (chmod o+x)"
    chmod o+x "$dir"
  fi
done
# Inside the checkout (not .git, not out/): whatever others cannot read or traverse.
fix=$(find "$root" \( -path "$root/.git" -o -path "$root/out" \) -prune -o \
  \( \( -type d ! -perm -o=rx \) -o \( -type f ! -perm -o=r \) \) -print | wc -l)
if [ "$fix" -gt 0 ]; then
  say "making $fix files and folders of the checkout readable by other users"
  find "$root" \( -path "$root/.git" -o -path "$root/out" \) -prune -o \
    -type d ! -perm -o=rx -exec chmod o+rx {} + -o -type f ! -perm -o=r -exec chmod o+r {} +
fi
# The venv's base Python lives outside the checkout: say so plainly when the user cannot run it.
if [ -x "$root/.venv/bin/python" ] && ! as env -i "$root/.venv/bin/python" -c '' 2>/dev/null; then
  base=$(sed -n 's/^executable *= *//p' "$root/.venv/pyvenv.cfg")
  say "$user cannot run .venv/bin/python (its base Python, ${base:-unknown}, is not readable by" \
    "other users): run scripts/setup.sh, which makes .venv with the system Python"
  exit 1
fi

# A private folder for this run.
private=$(mktemp -d "${AS_USER_TMP:-/tmp}/as_user-$user.XXXXXX")
cleanup() { [ "${AS_USER_KEEP:-}" = 1 ] && say "kept $private" || rm -rf "$private"; }
trap cleanup EXIT
mkdir -p "$private/home" "$private/tmp" "$private/cache"
chown -R "$user:$group" "$private"
chmod 700 "$private"

env_args=(
  "HOME=$private/home" "USER=$user" "LOGNAME=$user" "SHELL=/bin/sh"
  "TMPDIR=$private/tmp" "XDG_CACHE_HOME=$private/cache"
  "PYTHONPYCACHEPREFIX=$private/cache/pycache"
)
for name in $(compgen -e); do
  case "$name" in
    PATH | LANG | LC_* | TERM | CI | OPENBLAS_* | OMP_*) env_args+=("$name=${!name}") ;;
  esac
done

status=0
as env -i "${env_args[@]}" "$@" || status=$?
exit "$status"
