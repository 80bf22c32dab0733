#!/usr/bin/env bash
# One command for the whole system on embedded defaults: installs what is missing,
# trains the model if the data changed, and starts Rasa, the action server and the gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
scripts/setup.sh
scripts/train.sh
set -a; . ./.env; set +a
.venv-gw/bin/python -m handoff.cli migrate
base=${GATEWAY_PUBLIC_URL:-http://localhost:${GATEWAY_PORT}}
cat <<MSG

  Kynnys is starting. Open:
    youth chat demo page  $base/
    volunteer console     $base/console/
    health                $base/healthz
  Create a console account:  .venv-gw/bin/python -m handoff.cli user add NAME --role supervisor
  Stop with Ctrl-C.

MSG
exec .venv-gw/bin/honcho start -f Procfile -e .env
