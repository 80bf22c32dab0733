#!/usr/bin/env bash
# Test stories: checks that the dialogue policies predict every action of tests/stories/*.yml.
# `rasa test core` replays the stories without running custom actions, so no action server or
# gateway is needed; the slots actions set (e.g. availability on_duty/off_duty/unknown) are written
# in the stories. The actions themselves are tested in tests/bot/test_actions*.py.
#   scripts/test_stories.sh [MODEL]     (default models/kynnys.tar.gz; train with scripts/train.sh)
set -uo pipefail
cd "$(dirname "$0")/.."
model=${1:-models/kynnys.tar.gz}
out=results/stories
if [ ! -f "$model" ]; then
  echo "no model at $model: run scripts/train.sh first" >&2
  exit 2
fi
export PYTHONPATH=.
export RASA_TELEMETRY_ENABLED=false
rm -rf "$out"
mkdir -p "$out" var
if ! .venv-bot/bin/rasa test core --stories tests/stories --model "$model" \
    --fail-on-prediction-errors --out "$out" > var/test_stories.log 2>&1; then
  grep -v -i -E "deprecat|declare_namespace|sentry|urllib3" var/test_stories.log | tail -n 40 >&2
  echo "test stories FAILED (full log: var/test_stories.log, details in $out/)" >&2
  exit 1
fi
failed="$out/failed_test_stories.yml"
if [ -f "$failed" ] && grep -q "story:" "$failed"; then
  cat "$failed" >&2
  echo "test stories FAILED: wrong predictions in $failed" >&2
  exit 1
fi
stories=$(cat tests/stories/*.yml | grep -c "^- story:")
echo "test stories passed: $stories stories, every action predicted (report in $out/)"
