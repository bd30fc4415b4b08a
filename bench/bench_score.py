"""Throughput of `stance score` against a floor, in one run: `make bench` (or `python bench/bench_score.py`).

Measures, on articles built from the corpus texts (labels/corpus/*/texts, repeated and
shuffled under fresh ids):

- floor: read the same JSONL with stance.io and apply camel-tools normalisation and
  simple_word_tokenize to every text (nothing else); median of --repeats runs;
- end to end: the `stance score FILE.jsonl --model DIR --output OUT.jsonl --jobs J` command
  as a subprocess, for each J, median of --repeats runs (includes start-up and model load);
- steady state: score_stream in this process with the model already loaded (no start-up,
  no load), per J, median of --repeats runs;
- model load: StanceModel.load with fast=True (what `stance score` does: numpy-only linear
  heads when the model has them) and the full scikit-learn load, median of 3 each;
- cold start: `stance score one_article.txt --model DIR`, median of 5;
- peak RSS of each command (the largest process, workers included as separate processes).

Prints a table and the ratio score/floor; writes bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent


def build_articles(n: int, seed: int = 13) -> tuple[Path, Path, int]:
    """Write n articles (corpus texts repeated and shuffled, ids bench-000000...) as JSONL; also one .txt."""
    from stance.io import Article, read_articles

    texts = [a.text for a in read_articles(sorted(ROOT.glob("labels/corpus/*/texts/*.txt"))) if isinstance(a, Article)]
    if not texts:
        sys.exit("no corpus texts under labels/corpus/*/texts")
    rng = random.Random(seed)
    path = OUT / "articles.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"bench-{i:06d}", "text": rng.choice(texts)}, ensure_ascii=False) + "\n")
    one = OUT / "one_article.txt"
    one.write_text(texts[0], encoding="utf-8")
    return path, one, len(texts)


def ensure_model(model: str | None) -> tuple[Path, str]:
    """models/baseline if present, else bench/out/model (trained once into a temporary MLflow store)."""
    if model:
        return Path(model), "given"
    if (ROOT / "models" / "baseline" / "meta.json").is_file():
        return ROOT / "models" / "baseline", "models/baseline"
    target = OUT / "model"
    if (target / "meta.json").is_file():
        return target, "bench/out/model (reused)"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
        base = [str(BIN / "stance"), "train", "--config", "experiments/baseline.yaml", "--output", str(target),
                "--tracking-uri", f"sqlite:///{tmp}/mlflow.db"]
        print("training a model: " + " ".join(base[1:]), file=sys.stderr)
        done = subprocess.run(base, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode == 0:
            return target, "trained on labels/"
        # labels/ may fail its checks while annotation is under way: train on the statements instead.
        print(f"training on labels/ failed ({done.stderr.strip().splitlines()[-1]}); "
              "training on labels/corpus/*/statements.csv instead", file=sys.stderr)
        import pandas as pd

        frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(ROOT.glob("labels/corpus/*/statements.csv"))]
        csv_path = Path(tmp) / "statements.csv"
        pd.concat(frames).to_csv(csv_path, index=False)
        subprocess.run([*base, "--data", str(csv_path)], cwd=ROOT, env=env, check=True, capture_output=True)
        return target, "trained on labels/corpus/*/statements.csv"


# A fork copies the parent's address space, so a child forked from this (large) process starts
# with this process's peak RSS. Commands are started from a small launcher process instead,
# which times the command and reads its peak RSS (RUSAGE_CHILDREN) after it exits.
_LAUNCHER = """
import json, resource, subprocess, sys, time
out, args = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(out, "w").write(json.dumps({"wall": wall, "rss": rss, "code": done.returncode,
                                 "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
"""


def run_command(args: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, largest process) of a command, measured by a small launcher."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        subprocess.run([sys.executable, "-c", _LAUNCHER, str(out), *args], cwd=ROOT, check=True)
        result = json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(args)} failed ({result['code']}):\n{result['stderr']}")
    return result["wall"], result["rss"]


def floor_once(path: Path) -> tuple[float, int]:
    from stance.io import Article, read_articles
    from stance.arabic import normalize_arabic, tokenize

    start = time.perf_counter()
    tokens = 0
    for item in read_articles([path]):
        if isinstance(item, Article):
            tokens += len(tokenize(normalize_arabic(item.text)))
    return time.perf_counter() - start, tokens


def steady_once(model, path: Path, actors, jobs: int) -> tuple[float, int]:
    from stance.batch import score_stream
    from stance.io import read_articles

    start = time.perf_counter()
    n = sum(1 for _ in score_stream(model, read_articles([path]), actors, jobs=jobs))
    return time.perf_counter() - start, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="how many articles (>= 2000 for the report)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cold-repeats", type=int, default=5)
    parser.add_argument("--model", help="model folder (default models/baseline, else one trained into bench/out)")
    args = parser.parse_args()
    jobs_list = [int(j) for j in args.jobs.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)

    articles, one, n_texts = build_articles(args.articles)
    model_dir, model_origin = ensure_model(args.model)
    stance = str(BIN / "stance")
    results: dict = {"articles": args.articles, "distinct_texts": n_texts, "model": str(model_dir),
                     "model_origin": model_origin, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                               "load_average_start": os.getloadavg()}}

    floor = [floor_once(articles) for _ in range(args.repeats)]
    floor_s = statistics.median(t for t, _ in floor)
    results["floor"] = {"seconds": floor_s, "articles_per_s": args.articles / floor_s, "tokens": floor[0][1],
                        "runs": [t for t, _ in floor]}

    from stance.model import StanceModel
    from stance.predict import actor_index_for

    from stance.linear import LinearHead

    for key, fast in (("model_load_full_s", False), ("model_load_s", True)):
        loads = []
        for _ in range(3):
            start = time.perf_counter()
            model = StanceModel.load(model_dir, fast=fast)
            loads.append(time.perf_counter() - start)
        results[key] = statistics.median(loads)
    # The steady state scores with the model as `stance score` loads it (fast=True).
    results["linear_heads"] = all(isinstance(h, LinearHead) for h in model.heads.values())
    if not results["linear_heads"]:
        print(f"{model_dir} has no .linear.npz heads (saved before they existed, or not supported): "
              "scoring uses scikit-learn; re-save or re-train it for the fast path", file=sys.stderr)
    actors = actor_index_for(model)

    results["end_to_end"], results["steady_state"] = {}, {}
    out = OUT / "scored.jsonl"
    for jobs in jobs_list:
        runs = [run_command([stance, "score", str(articles), "--model", str(model_dir), "--output", str(out),
                             "--jobs", str(jobs), "--no-progress"]) for _ in range(args.repeats)]
        statements = sum(1 for _ in out.open(encoding="utf-8"))
        wall = statistics.median(w for w, _ in runs)
        results["end_to_end"][jobs] = {"seconds": wall, "articles_per_s": args.articles / wall,
                                       "statements_per_s": statements / wall, "statements": statements,
                                       "peak_rss_mib": max(r for _, r in runs) / 1024, "runs": [w for w, _ in runs]}
        steady = [steady_once(model, articles, actors, jobs) for _ in range(args.repeats)]
        seconds = statistics.median(t for t, _ in steady)
        results["steady_state"][jobs] = {"seconds": seconds, "articles_per_s": args.articles / seconds,
                                         "statements_per_s": steady[0][1] / seconds, "runs": [t for t, _ in steady]}

    cold = [run_command([stance, "score", str(one), "--model", str(model_dir), "--format", "jsonl"])
            for _ in range(args.cold_repeats)]
    results["cold_start"] = {"seconds": statistics.median(w for w, _ in cold), "peak_rss_mib": max(r for _, r in cold) / 1024,
                             "runs": [w for w, _ in cold]}
    results["peak_rss_bench_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["machine"]["load_average_end"] = os.getloadavg()
    best = max(results["end_to_end"], key=lambda j: results["end_to_end"][j]["articles_per_s"])
    results["ratio_score_over_floor"] = {str(j): results["end_to_end"][j]["seconds"] / floor_s for j in jobs_list}
    results["ratio_steady_over_floor"] = {str(j): results["steady_state"][j]["seconds"] / floor_s for j in jobs_list}
    (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    report(results, jobs_list, best)


def report(r: dict, jobs_list: list[int], best: int) -> None:
    n = r["articles"]
    print(f"\n{n} articles ({r['distinct_texts']} distinct corpus texts), model {r['model']} ({r['model_origin']}), "
          f"{r['machine']['cpus']} CPUs, load average {r['machine']['load_average_start'][0]:.1f} at start\n")
    print(f"{'measure':44s} {'seconds':>9s} {'articles/s':>11s} {'statements/s':>13s} {'peak RSS MiB':>13s}")
    print(f"{'floor: read + normalise + tokenise':44s} {r['floor']['seconds']:9.2f} {r['floor']['articles_per_s']:11.1f}")
    for jobs in jobs_list:
        e = r["end_to_end"][jobs]
        print(f"{f'stance score --jobs {jobs} (end to end)':44s} {e['seconds']:9.2f} {e['articles_per_s']:11.1f} "
              f"{e['statements_per_s']:13.1f} {e['peak_rss_mib']:13.0f}")
        s = r["steady_state"][jobs]
        print(f"{f'score_stream jobs={jobs} (model loaded)':44s} {s['seconds']:9.2f} {s['articles_per_s']:11.1f} "
              f"{s['statements_per_s']:13.1f}")
    heads = "linear heads" if r["linear_heads"] else "no linear heads: scikit-learn"
    print(f"{f'model load (fast=True, {heads})':44s} {r['model_load_s']:9.2f}")
    print(f"{'model load (full, scikit-learn)':44s} {r['model_load_full_s']:9.2f}")
    c = r["cold_start"]
    print(f"{'cold start: stance score one_article.txt':44s} {c['seconds']:9.2f} {'':11s} {'':13s} {c['peak_rss_mib']:13.0f}")
    print()
    for jobs in jobs_list:
        print(f"ratio score/floor, --jobs {jobs}: end to end {r['ratio_score_over_floor'][str(jobs)]:.1f}, "
              f"model loaded {r['ratio_steady_over_floor'][str(jobs)]:.1f}   (goal <= 2)")
    print(f"best end-to-end throughput: {r['end_to_end'][best]['articles_per_s']:.1f} articles/s with --jobs {best} "
          f"(goal >= 1000 with --jobs 2); cold start {c['seconds']:.2f} s (goal <= 1.5 s)")
    print(f"results: {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
