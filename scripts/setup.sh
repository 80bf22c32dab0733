#!/usr/bin/env bash
# Installs what Kynnys needs on a fresh Debian machine; safe to run again (does only what is missing).
#   scripts/setup.sh          run-time needs (Voikko, the two Python environments, .env)
#   scripts/setup.sh --test   also the test needs (Chromium, PostgreSQL, Redis)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_pkgs=(libvoikko1 voikko-fi)
[ $want_test = 1 ] && apt_pkgs+=(chromium fonts-liberation postgresql redis-server)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

find_python() {  # $@: candidate versions, newest preferred first
  for v in "$@"; do
    if command -v pyenv >/dev/null 2>&1 && p=$(pyenv prefix "$v" 2>/dev/null) && [ -x "$p/bin/python" ]; then
      echo "$p/bin/python"; return 0
    fi
    short=${v%.*}
    if command -v "python$short" >/dev/null 2>&1; then command -v "python$short"; return 0; fi
  done
  return 1
}

make_venv() {  # $1 venv dir, $2 requirements file, $3 lock file, rest: python versions
  local dir=$1 req=$2 lock=$3; shift 3
  local stamp
  stamp=$(cat "$req" "$lock" | sha256sum | cut -c1-16)
  if [ -f "$dir/.kynnys-stamp" ] && [ "$(cat "$dir/.kynnys-stamp")" = "$stamp" ]; then return 0; fi
  local py
  py=$(find_python "$@") || { echo "no Python $* found (pyenv install $1)" >&2; exit 1; }
  echo "==> $dir: installing $req with $($py --version)"
  [ -x "$dir/bin/python" ] || "$py" -m venv "$dir"
  mkdir -p var
  if ! "$dir/bin/python" -m pip install --disable-pip-version-check -r "$req" -c "$lock" > "var/pip-$(basename "$dir").log" 2>&1; then
    grep -v -i "local index" "var/pip-$(basename "$dir").log" | tail -n 40 >&2
    echo "pip install into $dir failed (full log: var/pip-$(basename "$dir").log)" >&2
    exit 1
  fi
  echo "$stamp" > "$dir/.kynnys-stamp"
}

make_venv .venv-bot requirements/bot.txt requirements/bot.lock 3.10.13 3.10
make_venv .venv-gw requirements/gateway.txt requirements/gateway.lock 3.11.7 3.12.1 3.11 3.12 3.13

"${PYTHON_GW:-.venv-gw/bin/python}" scripts/ensure_env.py
