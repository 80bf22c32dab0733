#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, trains the model if needed,
# then runs data validation, lint, the bot's tests, the test stories and the gateway/browser tests.
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS="ignore::DeprecationWarning"
mkdir -p var
scripts/setup.sh --test || exit 1
scripts/train.sh || exit 1

failed=()
step() {  # $1 name, rest: command
  local name=$1; shift
  echo; echo "==> $name"
  if "$@"; then echo "--- $name: ok"; else echo "--- $name: FAILED"; failed+=("$name"); fi
}

export PYTHONPATH=.
step "rasa data validate" .venv-bot/bin/rasa data validate --quiet
step "ruff" .venv-gw/bin/ruff check .
step "mypy" .venv-gw/bin/mypy handoff kynnys
step "bot and actions (pytest, Python 3.10)" .venv-bot/bin/python -m pytest tests/bot -q -p no:cacheprovider
step "test stories (rasa test)" scripts/test_stories.sh
step "gateway, crisis guard and browser (pytest)" .venv-gw/bin/python -m pytest tests/common tests/gateway tests/e2e -q -p no:cacheprovider

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED steps: ${failed[*]}"
  exit 1
fi
echo "all test steps passed"
