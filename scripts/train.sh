#!/usr/bin/env bash
# Trains the Rasa model only when what it is trained from has changed.
#   scripts/train.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS="ignore::DeprecationWarning"
inputs=(config.yml domain.yml data/nlu data/rules.yml data/stories.yml data/crisis bot kynnys/crisis kynnys/places.py data/places)
fingerprint=$(find "${inputs[@]}" -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.py' -o -name '*.csv' -o -name '*.txt' \) 2>/dev/null \
  | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-32)
mkdir -p models
if [ "${1:-}" != "--force" ] && [ -f models/kynnys.tar.gz ] && [ "$(cat models/.fingerprint 2>/dev/null)" = "$fingerprint" ]; then
  echo "==> model is up to date (models/kynnys.tar.gz)"
  exit 0
fi
echo "==> training the Rasa model (data changed)"
start=$(date +%s)
PYTHONPATH=. .venv-bot/bin/rasa train --fixed-model-name kynnys --out models --quiet > var/train.log 2>&1 || {
  tail -n 60 var/train.log >&2; echo "training failed (full log: var/train.log)" >&2; exit 1; }
echo "$fingerprint" > models/.fingerprint
echo "==> trained in $(( $(date +%s) - start )) s"
