"""The CLI contracts, driven through Typer's runner, and one end-to-end smoke run."""

import json

import pytest
from typer.testing import CliRunner

from stance.cli import app
from tests.conftest import ARTICLE, STATEMENTS

runner = CliRunner()


def test_train_prints_scores_run_and_promotion(trained):
    uri, model_dir, output = trained
    assert "cv_stance_macro_f1" in output and "cv_frame_macro_f1" in output
    assert "promoted to @champion (first champion" in output
    assert (model_dir / "meta.json").is_file()


def test_run_is_tracked_with_artifacts_and_nested_folds(trained):
    import mlflow
    from mlflow.tracking import MlflowClient

    uri, _, _ = trained
    client = MlflowClient(uri, uri)
    experiment = client.get_experiment_by_name("smoke")
    runs = client.search_runs([experiment.experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if "mlflow.parentRunId" in r.data.tags]
    assert len(parents) == 1 and len(children) == 3
    parent = parents[0]
    assert 0.0 <= parent.data.metrics["cv_stance_macro_f1"] <= 1.0
    assert parent.data.params["model.classifier"] == "logreg"
    assert parent.data.tags["git_commit"]
    names = {a.path for a in client.list_artifacts(parent.info.run_id)}
    for expected in ("confusion_matrix_stance.png", "classification_report_stance.json", "misclassified.csv",
                     "top_ngrams.csv", "reliability_stance.png", "learning_curve.png", "promotion.txt"):
        assert expected in names
    version = client.get_model_version_by_alias("stance-classifier", "champion")
    assert version.run_id == parent.info.run_id


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_classify_with_model_dir(trained, statements_jsonl, fmt):
    _, model_dir, _ = trained
    result = runner.invoke(app, ["classify", str(statements_jsonl), "--model", str(model_dir), "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "jsonl":
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r["id"] for r in rows] == ["x1", "x2", "3"]
        for row in rows:
            assert row["stance"] in {"full_withdrawal", "bilateral_partnership", "ambiguous"}
            assert abs(sum(row["stance_scores"].values()) - 1) < 1e-6
            assert row["frame"] in row["frame_scores"]
    elif fmt == "csv":
        assert result.stdout.splitlines()[0] == "id,stance,stance_scores,confidence,frame,frame_scores"
    else:
        assert result.stdout.count("\n") == 3


def test_classify_default_is_the_registered_champion(trained, statements_jsonl, monkeypatch):
    uri, model_dir, _ = trained
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    via_registry = runner.invoke(app, ["classify", str(statements_jsonl)])
    via_dir = runner.invoke(app, ["classify", str(statements_jsonl), "--model", str(model_dir)])
    assert via_registry.exit_code == 0, via_registry.output
    strip = lambda out: [{k: v for k, v in json.loads(l).items()} for l in out.splitlines()]  # noqa: E731
    assert [r["stance"] for r in strip(via_registry.stdout)] == [r["stance"] for r in strip(via_dir.stdout)]


def test_classify_reads_stdin(trained):
    _, model_dir, _ = trained
    line = json.dumps({"id": "a", "text": STATEMENTS[3][1]}, ensure_ascii=False)
    result = runner.invoke(app, ["classify", "-", "--model", str(model_dir)], input=line + "\n")
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == "a"


def test_classify_malformed_line_is_reported_and_others_still_scored(trained, tmp_path):
    _, model_dir, _ = trained
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "ok", "text": STATEMENTS[0][1]}, ensure_ascii=False) + "\n{oops\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["classify", str(path), "--model", str(model_dir)])
    assert result.exit_code == 1
    assert f"error: {path}:2: malformed JSON" in result.stderr
    assert json.loads(result.stdout)["id"] == "ok"


def test_missing_model_is_one_clear_line(tmp_path, statements_jsonl):
    result = runner.invoke(app, ["classify", str(statements_jsonl), "--model", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path}: not a stance model directory (no meta.json); " \
                                    "train one with `stance train --output DIR`"


def test_tampered_model_is_refused(trained, tmp_path, statements_jsonl):
    import shutil

    _, model_dir, _ = trained
    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    with (copy / "stance.skops").open("ab") as handle:
        handle.write(b"x")
    result = runner.invoke(app, ["classify", str(statements_jsonl), "--model", str(copy)])
    assert result.exit_code == 1
    assert "checksum differs from the one recorded at training; refusing to load" in result.stderr


def test_score_finds_statements_in_an_article(trained, tmp_path):
    _, model_dir, _ = trained
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["score", str(article), "--model", str(model_dir), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        for key in ("article", "sentence", "actor", "actor_canonical", "actor_type", "stance", "stance_scores", "frame"):
            assert key in row
    assert rows[0]["actor"].endswith("الخزعلي")
    table = runner.invoke(app, ["score", str(article), "--model", str(model_dir)])
    assert "== per actor" in table.stdout


def test_article_model_is_logged_beside_the_classifier_and_scores_like_the_cli(trained, tmp_path):
    import mlflow
    import pandas as pd
    from mlflow.tracking import MlflowClient

    uri, model_dir, _ = trained
    client = MlflowClient(uri, uri)
    experiment = client.get_experiment_by_name("smoke")
    parent = next(r for r in client.search_runs([experiment.experiment_id]) if "mlflow.parentRunId" not in r.data.tags)
    mlflow.set_tracking_uri(uri)
    articles = mlflow.pyfunc.load_model(f"runs:/{parent.info.run_id}/article_model")
    out = articles.predict(pd.DataFrame({"id": ["art", "empty"], "text": [ARTICLE, "لا شيء هنا."]}))
    article = tmp_path / "art.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    cli = runner.invoke(app, ["score", str(article), "--model", str(model_dir), "--format", "jsonl"])
    expected = [json.loads(line) for line in cli.stdout.splitlines()]
    assert len(out) == len(expected) == 2
    assert out["article"].tolist() == ["art", "art"]
    for column in ("start", "end", "sentence", "actor", "actor_canonical", "actor_type", "stance", "frame"):
        assert out[column].tolist() == [row[column] for row in expected]
    assert [json.loads(s) for s in out["stance_scores"]] == [row["stance_scores"] for row in expected]
    logged = mlflow.search_logged_models(experiment_ids=[experiment.experiment_id], output_format="list")
    assert sorted(m.name for m in logged if m.source_run_id == parent.info.run_id) == ["article_model", "model"]


def test_unknown_config_key_fails_with_one_line(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("name: x\nmodel: {classifer: logreg}\n", encoding="utf-8")
    result = runner.invoke(app, ["train", "--config", str(config)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {config}: unknown key(s) model.classifer")


def test_explain_shows_the_ngrams_behind_a_label(trained):
    _, model_dir, _ = trained
    result = runner.invoke(app, ["explain", STATEMENTS[3][1], "--model", str(model_dir), "--top", "5"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    label = lines[0].split(":")[0]
    assert label == "stance" and lines[0].split()[1] in {"full_withdrawal", "bilateral_partnership", "ambiguous"}
    assert 1 <= len(lines) - 1 <= 5 and all(line.strip().startswith("+") for line in lines[1:])
    frame = runner.invoke(app, ["explain", STATEMENTS[3][1], "--model", str(model_dir), "--head", "frame"])
    assert frame.exit_code == 0 and frame.stdout.startswith("frame: ")
    bad = runner.invoke(app, ["explain", "نص", "--model", str(model_dir), "--head", "topic"])
    assert bad.exit_code == 1 and "the model has no head 'topic'; it has: frame, stance" in bad.stderr


def test_experiments_runs_each_config_and_logs_a_comparison(tmp_path, statements_csv):
    base = tmp_path / "base.yaml"
    base.write_text(f"""
name: base
data: {{path: {statements_csv}, text_column: text, label_column: label, frame_column: null,
        group_column: article, split_column: null}}
features: {{ngrams: word}}
eval: {{n_splits: 3}}
tracking: {{experiment: search-test, registered_model: null}}
""", encoding="utf-8")
    variants = tmp_path / "variants"
    variants.mkdir()
    (variants / "c_small.yaml").write_text("base: ../base.yaml\nname: c_small\nmodel: {C: 0.1}\n", encoding="utf-8")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    result = runner.invoke(app, ["experiments", str(base), str(variants), "--tracking-uri", uri])
    assert result.exit_code == 0, result.output
    assert "base" in result.stdout and "c_small" in result.stdout and "comparison logged as run" in result.stdout
    from mlflow.tracking import MlflowClient

    client = MlflowClient(uri, uri)
    runs = client.search_runs([client.get_experiment_by_name("search-test").experiment_id])
    names = {r.info.run_name for r in runs}
    assert {"base", "c_small", "search-comparison"} <= names


def test_a_per_target_model_trains_and_is_logged_without_an_article_model(tmp_path):
    # Mawqif-style data: one stance head per target; articles carry no target, so no article_model.
    import csv

    import mlflow

    csv_path = tmp_path / "tweets.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "stance", "target"])
        for i, row in enumerate(STATEMENTS * 2):
            label = {"full_withdrawal": "Against", "bilateral_partnership": "Favor"}.get(row[4], "None")
            writer.writerow([row[1], label, "A" if i % 2 else "B"])
    config = tmp_path / "tw.yaml"
    config.write_text(f"""
name: tw
data: {{path: {csv_path}, text_column: text, label_column: stance, frame_column: null, group_column: null,
        actor_column: null, actor_type_column: null, target_column: target, split_column: null,
        positive_labels: [Favor, Against]}}
eval: {{n_splits: 2}}
tracking: {{experiment: tw, registered_model: null}}
""", encoding="utf-8")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    result = CliRunner().invoke(app, ["train", "--config", str(config), "--output", str(tmp_path / "model"),
                                      "--tracking-uri", uri])
    assert result.exit_code == 0, result.output
    mlflow.set_tracking_uri(uri)
    run = mlflow.search_runs(experiment_names=["tw"], filter_string="tags.mlflow.parentRunId IS NULL",
                             output_format="list")[0]
    logged = mlflow.search_logged_models(experiment_ids=[run.info.experiment_id], output_format="list")
    assert sorted(m.name for m in logged if m.source_run_id == run.info.run_id) == ["model"]


def test_run_records_its_training_data_fingerprint(trained):
    from mlflow.tracking import MlflowClient

    uri, _, _ = trained
    client = MlflowClient(uri, uri)
    version = client.get_model_version_by_alias("stance-classifier", "champion")
    assert len(client.get_run(version.run_id).data.tags["train_data_sha256"]) == 64


@pytest.mark.parametrize(
    "new, old, new_data, old_data, promoted, words",
    [
        (0.70, None, "a" * 64, "", True, "first champion"),
        (0.70, 0.75, "a" * 64, "a" * 64, False, "does not beat"),
        (0.80, 0.75, "a" * 64, "a" * 64, True, "beats champion"),
        (0.70, 0.75, "a" * 64, "b" * 64, True, "not comparable"),  # the corpus changed
        (0.70, 0.75, "a" * 64, "", True, "not recorded"),  # a champion from before fingerprints
    ],
)
def test_promotion_compares_only_runs_on_the_same_training_data(new, old, new_data, old_data, promoted, words):
    from stance.tracking import promotion_decision

    decided, reason = promotion_decision("cv_stance_macro_f1", new, old, "3" if old else None, new_data, old_data)
    assert decided is promoted and words in reason
