"""The tracked run as a reviewer sees it: `mlflow ui` over a store written by `stance train`.

One server per module, started on a free port over the tiny training run's SQLite store and
always stopped. The REST API is checked directly; the UI (a JavaScript app) in headless Chromium.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import needs_chromium, run_chromium

MLFLOW = Path(sys.executable).parent / "mlflow"
STARTUP_SECONDS = 60
# Virtual time the UI gets to fetch the run and draw before Chromium dumps or photographs it.
UI_BUDGET_MS = "20000"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and its workers (its own process group), forcibly if it lingers."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


@pytest.fixture(scope="module")
def ui(trained, tmp_path_factory):
    """``mlflow ui`` over the tiny run's store: (base url, experiment id, run id, run name)."""
    from mlflow.tracking import MlflowClient

    uri, _, _ = trained
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("smoke")
    run = next(r for r in client.search_runs([experiment.experiment_id]) if "mlflow.parentRunId" not in r.data.tags)

    port = _free_port()
    log = tmp_path_factory.mktemp("mlflow-ui") / "server.log"
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true"}
    with log.open("wb") as out:
        server = subprocess.Popen([str(MLFLOW), "ui", "--backend-store-uri", uri, "--host", "127.0.0.1",
                                   "--port", str(port), "--workers", "1"],
                                  stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"mlflow ui exited with {server.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if _get(f"{base}/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"mlflow ui did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, experiment.experiment_id, run.info.run_id, run.info.run_name
    finally:
        _stop(server)


def test_rest_api_serves_the_run_its_metrics_and_artifacts(ui):
    base, experiment_id, run_id, run_name = ui
    status, body = _get(f"{base}/api/2.0/mlflow/runs/get?run_id={run_id}")
    assert status == 200, body
    run = json.loads(body)["run"]
    assert run["info"]["run_name"] == run_name == "tiny"
    assert run["info"]["experiment_id"] == experiment_id
    metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
    assert 0.0 <= metrics["cv_stance_macro_f1"] <= 1.0

    status, body = _get(f"{base}/api/2.0/mlflow/artifacts/list?run_id={run_id}")
    assert status == 200, body
    files = {f["path"]: f for f in json.loads(body)["files"]}
    assert files["confusion_matrix_stance.png"]["file_size"] > 1000

    query = urllib.parse.urlencode({"path": "confusion_matrix_stance.png", "run_uuid": run_id})
    status, png = _get(f"{base}/get-artifact?{query}")
    assert status == 200 and png[:8] == b"\x89PNG\r\n\x1a\n"


@needs_chromium
def test_run_page_shows_the_run_name_and_its_metrics(ui, tmp_path):
    base, experiment_id, run_id, run_name = ui
    dom = run_chromium(f"{base}/#/experiments/{experiment_id}/runs/{run_id}", tmp_path / "profile",
                       f"--virtual-time-budget={UI_BUDGET_MS}", "--window-size=1280,900", "--dump-dom").stdout
    assert "Page Not Found" not in dom
    assert f">{run_name}</" in dom
    # A row of the metrics table (a link to the metric's chart), not only the primary_metric tag.
    assert re.search(rf'<a href="#/experiments/{experiment_id}/runs/{run_id}/model-metrics">cv_stance_macro_f1</a>', dom)
    assert re.search(r">Metrics \(\d+\)<", dom)


@needs_chromium
def test_artifact_view_shows_the_confusion_matrix(ui, tmp_path):
    base, experiment_id, run_id, _ = ui
    url = f"{base}/#/experiments/{experiment_id}/runs/{run_id}/artifactPath/confusion_matrix_stance.png"
    dom = run_chromium(url, tmp_path / "profile", f"--virtual-time-budget={UI_BUDGET_MS}", "--window-size=1280,900",
                       "--dump-dom").stdout
    assert "Page Not Found" not in dom
    # The viewer fetched the PNG and shows it (as a blob: URL) under the file's name.
    assert re.search(r'<img alt="confusion_matrix_stance.png" src="blob:http://127\.0\.0\.1:\d+/', dom)
