#!/usr/bin/env bash
# Regenerate docs/report.png and docs/mlflow-run.png (1280x900) with headless Chromium.
#
#   docs/screenshots.sh [ARTICLE]     (default: labels/corpus/retold_a/texts/retold_a_01.txt)
#   CONFIG=experiments/x.yaml DATA=path docs/screenshots.sh    (another config / `stance train --data`)
#
# Trains CONFIG (default experiments/baseline.yaml, on its data or DATA) into a throwaway MLflow
# store (the repository's mlflow.db and models/ are not touched), writes the review page of ARTICLE with
# `stance report`, then serves the store with `mlflow ui` on a free port and photographs the
# run page. Needs .venv (`make install`) and Chromium (`make browser`).
# WORK=DIR keeps the store and model there and reuses them on the next call (no retraining).
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLE=${1:-labels/corpus/retold_a/texts/retold_a_01.txt}
CONFIG=${CONFIG:-experiments/baseline.yaml}
DATA=${DATA:-}
BIN=.venv/bin
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] || { echo "no $CHROMIUM: run \`make browser\` first" >&2; exit 1; }

work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -z "${WORK:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

export MLFLOW_DISABLE_TELEMETRY=true
store="sqlite:///$work/mlflow.db"

shoot() {  # shoot URL PNG [extra chromium options...]
  local url=$1 png=$2
  shift 2
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,900 \
    "$@" --screenshot="$png" "$url" 2>"$work/chromium.log" \
    || { cat "$work/chromium.log" >&2; exit 1; }
}

if [ -f "$work/model/meta.json" ]; then
  echo "reusing the model and store in $work"
else
  echo "training $CONFIG into $work ..."
  "$BIN/stance" train --config "$CONFIG" ${DATA:+--data "$DATA"} --output "$work/model" --tracking-uri "$store" \
    >"$work/train.log" 2>&1 || { cat "$work/train.log" >&2; exit 1; }
fi

"$BIN/stance" report "$ARTICLE" -o "$work/report.html" --model "$work/model"
shoot "file://$work/report.html" docs/report.png
echo "wrote docs/report.png"

run_id=$("$BIN/python" - "$store" <<'EOF'
import sys
from mlflow.tracking import MlflowClient

client = MlflowClient(sys.argv[1])
ids = [e.experiment_id for e in client.search_experiments()]
runs = [r for r in client.search_runs(ids, order_by=["attributes.start_time DESC"])
        if "mlflow.parentRunId" not in r.data.tags]  # the training run, not its CV folds
print(runs[0].info.experiment_id, runs[0].info.run_id)
EOF
)
read -r experiment_id run_id <<<"$run_id"

port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Opened as http://localhost or 127.0.0.1 the UI pops its "MLflow Assistant" side panel open and
# squeezes the run page into one column (metrics below the fold). Under another name that Chromium
# maps to 127.0.0.1 it does not; the server has to accept that Host header and Origin.
host=mlflow-ui
MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false "$BIN/mlflow" ui --backend-store-uri "$store" \
  --host 127.0.0.1 --port "$port" --workers 1 \
  --allowed-hosts "$host:$port" --cors-allowed-origins "http://$host:$port" >"$work/mlflow.log" 2>&1 &
server=$!
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/mlflow.log" >&2; exit 1; }

# The UI is a JavaScript app: give it virtual time to fetch the run and draw.
shoot "http://$host:$port/#/experiments/$experiment_id/runs/$run_id" docs/mlflow-run.png \
  --host-resolver-rules="MAP $host 127.0.0.1" --virtual-time-budget=20000
echo "wrote docs/mlflow-run.png (run $run_id)"
