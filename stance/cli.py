"""The ``stance`` command: a thin Typer layer over the library functions.

Each command parses its arguments, calls one library function and prints. A
:class:`stance.errors.StanceError` becomes one line on stderr and exit code 1; anything else
is a bug and shows its traceback.
"""

from __future__ import annotations

import csv
import enum
import functools
import io
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from stance.errors import InputError, StanceError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Attributed statements, stance and frame in Arabic news on the coalition's withdrawal from Iraq.")
labels_app = typer.Typer(no_args_is_help=True, help="Check the annotated corpus.")
app.add_typer(labels_app, name="labels")


class ClassifyFormat(str, enum.Enum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def _user_errors(func):
    """Turn a StanceError into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except StanceError as exc:
            _fail(str(exc))
            raise typer.Exit(1) from None

    return wrapper


def _scores(scores: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1]))


def _write_rows(rows: list[dict], fmt: str, columns: list[str]) -> None:
    if fmt == "jsonl":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in row.items()})
        typer.echo(buffer.getvalue(), nl=False)


@app.command()
@_user_errors
def train(
    config: Path = typer.Option(..., "--config", "-c", help="Experiment YAML (see experiments/)."),
    data: Optional[Path] = typer.Option(None, "--data", help="Override the config's data path (labels folder, CSV or JSONL)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also save the trained model to this folder."),
    tracking_uri: Optional[str] = typer.Option(None, "--tracking-uri", envvar="MLFLOW_TRACKING_URI",
                                               help="MLflow store (default sqlite:///mlflow.db)."),
    report_test: bool = typer.Option(False, "--report-test", help="Also score the held-out test split (never tune on it)."),
) -> None:
    """Train on annotated statements with grouped cross-validation; track the run in MLflow."""
    from stance.config import load_config
    from stance.train import run_training

    experiment = load_config(config)
    if data is not None:
        experiment = experiment.with_data_path(data)
    summary = run_training(experiment, output=output, tracking_uri=tracking_uri, report_test=report_test)
    result = summary.result
    held_out = "scored once as the held-out test split" if report_test else "held out as test, not used"
    typer.echo(f"trained {experiment.name!r} on {result.n_train} statements ({result.n_test} {held_out})")
    for key in sorted(result.metrics):
        if "/" not in key and (key.startswith("cv_") or key.startswith("test_")):
            typer.echo(f"  {key:32s} {result.metrics[key]:.4f}")
    typer.echo(f"run {summary.run_id} in experiment {summary.experiment!r} at {summary.tracking_uri}")
    if summary.registered_version:
        typer.echo(f"registered {experiment.tracking.registered_model} v{summary.registered_version}: "
                   f"{'promoted to @champion' if summary.promoted else 'not promoted'} ({summary.promotion_reason})")
    if summary.output:
        typer.echo(f"model saved to {summary.output}")


@app.command()
@_user_errors
def classify(
    input: str = typer.Argument(..., help="JSONL file (or - for stdin) with 'text' and optional 'id', 'actor'."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model folder or MLflow URI (default: the local champion)."),
    format: ClassifyFormat = typer.Option(ClassifyFormat.jsonl, "--format", "-f"),
    tracking_uri: Optional[str] = typer.Option(None, "--tracking-uri", envvar="MLFLOW_TRACKING_URI"),
) -> None:
    """Classify statements: one output record per input line, in the same order."""
    from stance.predict import classify_records, load_model, read_statement_records

    if input == "-":
        source, lines = "<stdin>", sys.stdin
    else:
        path = Path(input)
        if not path.is_file():
            raise InputError("file not found", path=input)
        source, lines = input, path.open(encoding="utf-8-sig")
    records, failed = [], False
    for item in read_statement_records(source, lines):
        if isinstance(item, InputError):
            _fail(str(item))
            failed = True
        else:
            records.append(item)
    loaded = load_model(model, tracking_uri, fast=True)
    rows = classify_records(loaded, records)
    if format == ClassifyFormat.table:
        for row in rows:
            frame = f"  frame={row.result.frame.label}" if row.result.frame else ""
            typer.echo(f"{row.id}\t{row.result.stance.label} ({row.result.stance.confidence:.2f}){frame}\t{row.text[:80]}")
    else:
        columns = ["id", "stance", "stance_scores", "confidence"] + (["frame", "frame_scores"] if loaded.has_frame else [])
        _write_rows([r.to_dict() for r in rows], format.value, columns)
    if failed:
        raise typer.Exit(1)


class ScoreFormat(str, enum.Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class Engine(str, enum.Enum):
    local = "local"
    spark = "spark"


@app.command()
@_user_errors
def score(
    paths: list[str] = typer.Argument(..., help="Article files (.txt, .html, .jsonl), folders, or - for stdin."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model folder or MLflow URI (default: the local champion)."),
    format: Optional[ScoreFormat] = typer.Option(None, "--format", "-f",
                                                 help="Default: table on the terminal, else from the --output suffix."),
    actors: Optional[Path] = typer.Option(None, "--actors", help="actors.csv to resolve speakers (default: the model's)."),
    tracking_uri: Optional[str] = typer.Option(None, "--tracking-uri", envvar="MLFLOW_TRACKING_URI"),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write rows to this file (.jsonl, .csv, .parquet); written whole or not at all."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes (local engine); each loads the model once."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="Counter on stderr (default: when stderr is a terminal)."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local (this machine) or spark."),
    spark_master: Optional[str] = typer.Option(None, "--spark-master",
                                               help="Spark master URL for --engine spark (default local[JOBS])."),
) -> None:
    """Find every attributed statement in articles, with actor, stance, confidence and frame."""
    from stance.batch import Progress, format_for, open_writer, score_article_stream
    from stance.io import read_articles

    if output is not None and format == ScoreFormat.table:
        raise InputError("the table format is for the terminal; write jsonl, csv or parquet with --output")
    fmt = format_for(output, format.value if format else None) if output is not None else (format or ScoreFormat.table).value
    if spark_master is not None and engine != Engine.spark:
        raise InputError("--spark-master needs --engine spark")
    bar = Progress(enabled=sys.stderr.isatty() if progress is None else progress)
    failed = False

    def report(error: InputError) -> None:
        nonlocal failed
        failed = True
        bar.update(errors=1)
        if bar.enabled:
            sys.stderr.write("\r\x1b[K")
        _fail(str(error))

    if engine == Engine.spark:
        if fmt == "table":
            raise InputError("--engine spark writes jsonl, csv or parquet; give --format or --output")
        from stance.spark import score_paths_spark

        with open_writer(output, fmt) as writer:
            for row in score_paths_spark(paths, _model_directory(model), master=spark_master or f"local[{jobs}]",
                                         actors_csv=actors, on_error=report, on_article=bar.update):
                writer.write(row)
        bar.close()
        if failed:
            raise typer.Exit(1)
        return

    loaded, index = _scoring_model(model, tracking_uri, actors, jobs)
    stream = score_article_stream(loaded, read_articles(paths), index, jobs=jobs)
    if fmt == "table":
        all_rows = []
        for item in stream:
            if isinstance(item, InputError):
                report(item)
                continue
            bar.update(articles=1, statements=len(item.statements))
            all_rows.extend(item.statements)
            typer.echo(f"== {item.article_id} ({item.source}): {len(item.statements)} statements")
            for row in item.statements:
                frame = row.result.frame.label if row.result.frame else "-"
                typer.echo(f"  [{row.result.stance.label} {row.result.stance.confidence:.2f} | {frame}] "
                           f"{row.actor_canonical} ({row.actor_type}): {row.sentence[:90]}")
        bar.close()
        if all_rows:
            from stance.predict import actor_summary

            typer.echo("\n== per actor")
            for entry in actor_summary(all_rows):
                counts = ", ".join(f"{k} {v}" for k, v in sorted(entry["stance_counts"].items()))
                typer.echo(f"  {entry['actor']} ({entry['actor_type']}): {entry['statements']} statements, "
                           f"mostly {entry['majority_stance']} [{counts}], mean confidence {entry['mean_confidence']:.2f}")
    else:
        with open_writer(output, fmt) as writer:
            for item in stream:
                if isinstance(item, InputError):
                    report(item)
                    continue
                bar.update(articles=1, statements=len(item.statements))
                for row in item.statements:
                    writer.write(row)
        bar.close()
    if failed:
        raise typer.Exit(1)


def _model_directory(model: Optional[str]) -> Path:
    if model is None or not Path(model).is_dir():
        raise InputError("--engine spark needs --model DIR, a model folder written by `stance train --output DIR`")
    return Path(model)


def _scoring_model(model: Optional[str], tracking_uri: Optional[str], actors: Optional[Path], jobs: int):
    """The model to hand to the scorer and the actor table.

    With several jobs and a model folder only ``meta.json`` is read here and every worker
    loads (and verifies) the heads itself; otherwise the model is loaded in this process.
    """
    from stance.predict import actor_index_for, actor_index_from_meta, load_model

    if jobs > 1 and model is not None and Path(model).is_dir():
        from stance.model import read_meta

        return str(model), actor_index_from_meta(read_meta(model), actors)
    loaded = load_model(model, tracking_uri, fast=True)
    return loaded, actor_index_for(loaded, actors)


@app.command("report")
@_user_errors
def report_cli(
    article: str = typer.Argument(..., help="One article (.txt, .html, or a .jsonl holding one record)."),
    output: Path = typer.Option(..., "--output", "-o", help="The HTML page to write, e.g. report.html."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model folder or MLflow URI (default: the local champion)."),
    actors: Optional[Path] = typer.Option(None, "--actors", help="actors.csv to resolve speakers (default: the model's)."),
    tracking_uri: Optional[str] = typer.Option(None, "--tracking-uri", envvar="MLFLOW_TRACKING_URI"),
) -> None:
    """Write an HTML review page of one article: statements highlighted by stance, per-actor table on top."""
    from stance.io import read_articles
    from stance.predict import actor_index_for, actor_summary, load_model, score_article
    from stance.report import render_report, write_report

    items = list(read_articles([article]))
    for item in items:
        if isinstance(item, InputError):
            raise item
    if len(items) != 1:
        raise InputError(f"holds {len(items)} articles; `stance report` takes exactly one", path=article)
    loaded = load_model(model, tracking_uri)
    rows = score_article(loaded, items[0], actor_index_for(loaded, actors))
    written = write_report(output, render_report(items[0], rows, actor_summary(rows)))
    typer.echo(str(written))


@app.command()
@_user_errors
def evaluate(
    extraction: bool = typer.Option(False, "--extraction", help="Score the statement extractor against the gold statements."),
    root: Path = typer.Option(Path("labels"), "--labels", help="The labels folder."),
    errors: Optional[Path] = typer.Option(None, "--errors", help="Also write misses and false alarms to this CSV."),
    actors: Optional[Path] = typer.Option(None, "--actors", help="Resolve speakers with this actor table instead of "
                                          "LABELS/actors.csv, e.g. the table before a batch was added, to measure "
                                          "speakers the table has never seen."),
    by_batch: bool = typer.Option(False, "--by-batch", help="Also one row per batch of labels/corpus."),
    track: bool = typer.Option(True, "--track/--no-track", help="Log the evaluation as an MLflow run."),
    tracking_uri: Optional[str] = typer.Option(None, "--tracking-uri", envvar="MLFLOW_TRACKING_URI"),
) -> None:
    """Measure the statement extractor on the annotated corpus (precision, recall, F1, actor accuracy)."""
    from stance.actors import ActorIndex
    from stance.extraction import RULE_DEV_BATCHES, evaluate_corpus
    from stance.labels import load_corpus

    if not extraction:
        raise StanceError("choose what to evaluate: --extraction")
    corpus = load_corpus(root)
    table = actors if actors is not None else root / "actors.csv"
    results = evaluate_corpus(corpus, ActorIndex.from_csv(table, include_extras=False), by_batch=by_batch)
    typer.echo(f"rules written on: {', '.join(RULE_DEV_BATCHES)}; every other batch is held out")
    typer.echo(f"{'subset':10s} {'P':>6s} {'R':>6s} {'F1':>6s} {'actor':>6s} {'gold':>5s} {'pred':>5s}")
    for k, (name, result) in enumerate(results.items()):
        m = result.metrics
        if by_batch and k == sum(1 for n in ("rules_dev", "held_out", "all") if n in results):
            typer.echo("by batch:")
        typer.echo(f"{name:10s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['actor_accuracy']:6.3f} "
                   f"{int(m['n_gold']):5d} {int(m['n_pred']):5d}")
    if errors is not None:
        results["all"].errors.to_csv(errors, index=False)
        typer.echo(f"errors written to {errors}")
    if track:
        from stance.tracking import log_extraction_run

        metrics = {f"{name}_{k}": float(v) for name, r in results.items() for k, v in r.metrics.items()}
        run_id = log_extraction_run(metrics, results["all"].errors,
                                    {"labels": str(root), "actors": str(table), "rule_dev_batches": ",".join(RULE_DEV_BATCHES)},
                                    tracking_uri=tracking_uri)
        typer.echo(f"logged as run {run_id} in experiment 'stance-extraction'")


@app.command()
@_user_errors
def explain(
    text: str = typer.Argument(..., help="The statement (Arabic sentence)."),
    actor: str = typer.Option("", "--actor", help="Speaker as written (used if the model has actor features)."),
    actor_type: str = typer.Option("", "--actor-type"),
    head: str = typer.Option("stance", "--head", help="stance or frame."),
    top: int = typer.Option(10, "--top", "-k", help="How many n-grams to show."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model folder or MLflow URI (default: the local champion)."),
    tracking_uri: Optional[str] = typer.Option(None, "--tracking-uri", envvar="MLFLOW_TRACKING_URI"),
) -> None:
    """Show which n-grams pushed one statement to its label."""
    from stance.explain import explain_statement
    from stance.predict import load_model

    result = explain_statement(load_model(model, tracking_uri), text, actor, actor_type, head=head, k=top)
    typer.echo(f"{result.head}: {result.label} ({result.confidence:.2f})")
    for item in result.contributions:
        typer.echo(f"  +{item.contribution:.4f}  {item.feature}")


@app.command()
@_user_errors
def experiments(
    paths: list[Path] = typer.Argument(None, help="Config files or folders (default: experiments/baseline.yaml experiments/search)."),
    tracking_uri: Optional[str] = typer.Option(None, "--tracking-uri", envvar="MLFLOW_TRACKING_URI"),
) -> None:
    """Run every experiment variant (one MLflow run each) and print the comparison table."""
    from stance.search import run_search

    chosen = paths or [Path("experiments/baseline.yaml"), Path("experiments/search")]
    result = run_search(chosen, tracking_uri=tracking_uri)
    columns = ["name", "score", "cv_stance_macro_f1", "cv_frame_macro_f1", "cv_stance_ece", "promoted", "status"]
    typer.echo(result.table[columns].to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    typer.echo(f"comparison logged as run {result.comparison_run_id}")


@labels_app.command("check")
@_user_errors
def labels_check(root: Path = typer.Argument(Path("labels"), help="The labels folder.")) -> None:
    """Validate the corpus: schema, values, offsets, ids, actors, sources. Errors as file:line."""
    from stance.labels import check_labels, label_counts, load_corpus

    errors = check_labels(root)
    if errors:
        for line in errors:
            typer.echo(line, err=True)
        typer.echo(f"{len(errors)} error(s)", err=True)
        raise typer.Exit(1)
    corpus = load_corpus(root)
    counts = label_counts(corpus)
    typer.echo(f"ok: {len(corpus.articles)} articles, {len(corpus.statements)} statements")
    for key, values in counts.items():
        typer.echo(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in sorted(values.items())))


@labels_app.command("agreement")
@_user_errors
def labels_agreement(
    second_pass: Path = typer.Argument(..., help="CSV statement_id,stance,frame from an independent annotator."),
    root: Path = typer.Option(Path("labels"), "--labels", help="The labels folder."),
    first: Optional[Path] = typer.Option(None, "--first", help="The first annotation before adjudication (CSV)."),
    disagreements: Optional[Path] = typer.Option(None, "--disagreements", help="Write the disagreeing rows here (CSV)."),
) -> None:
    """Cohen's kappa for stance and frame against an independent second annotation."""
    from stance.labels import agreement, load_corpus

    result = agreement(load_corpus(root), second_pass, first)
    typer.echo(f"{result.n} statements double-annotated")
    typer.echo(f"  stance: kappa {result.kappa_stance:.3f}, raw agreement {result.agreement_stance:.3f}")
    typer.echo(f"  frame:  kappa {result.kappa_frame:.3f}, raw agreement {result.agreement_frame:.3f}")
    if disagreements is not None:
        result.disagreements.to_csv(disagreements, index=False)
        typer.echo(f"  {len(result.disagreements)} disagreements written to {disagreements}")


@labels_app.command("split")
@_user_errors
def labels_split(
    root: Path = typer.Argument(Path("labels"), help="The labels folder."),
    test_fraction: float = typer.Option(0.25, help="Share of each episode's new articles to hold out."),
) -> None:
    """Give new articles a fixed train/test split (by article); assigned articles never move."""
    from stance.labels import assign_split

    table = assign_split(root, test_fraction=test_fraction)
    counts = table["split"].value_counts().to_dict()
    typer.echo(f"split.csv: {counts.get('train', 0)} train, {counts.get('test', 0)} test articles")


def main() -> None:
    """Entry point of the ``stance`` script."""
    app()


if __name__ == "__main__":
    main()
