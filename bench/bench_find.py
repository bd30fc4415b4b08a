"""Cost of the statement finder alone, and against another version of the code, in one command.

    python bench/bench_find.py                      # this checkout
    python bench/bench_find.py --against ee235a2    # and a commit, alternated run by run

One pass of ``find_statements`` over every corpus text (labels/corpus/*/texts) with a fresh
actor index per pass (so no alias cache survives from the pass before), ``--passes`` passes per
run, the median pass per run; ``--runs`` runs, alternating the versions when ``--against`` is
given, so both see the same machine load. Prints milliseconds per article (median over runs)
and the ratio. The other version is exported with ``git archive`` into a temporary folder and
run in a subprocess with that folder first on ``sys.path``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_ONE_RUN = r"""
import statistics, sys, time
from pathlib import Path
from stance.actors import ActorIndex
from stance.attribution import find_statements
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("corpus/*/texts/*.txt"))]
table = Path(sys.argv[1]) / "actors.csv"
find_statements(texts[0], ActorIndex.from_csv(table))  # imports, lexicon, first-use caches
passes = []
for _ in range(int(sys.argv[2])):
    actors = ActorIndex.from_csv(table)
    start = time.perf_counter()
    for text in texts:
        find_statements(text, actors)
    passes.append((time.perf_counter() - start) / len(texts) * 1000)
print(statistics.median(passes), len(texts))
"""


def _run(code: Path, labels: Path, passes: int) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(code))
    out = subprocess.run([sys.executable, "-c", _ONE_RUN, str(labels), str(passes)], env=env, cwd=tempfile.gettempdir(),
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=ROOT / "labels")
    parser.add_argument("--against", help="a git commit to compare with (exported with git archive)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args(argv)
    versions = {"this checkout": ROOT}
    with tempfile.TemporaryDirectory() as tmp:
        if args.against:
            other = Path(tmp) / "other"
            other.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.against, "stance"], capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(other)], input=archive, check=True)
            versions = {args.against: other, "this checkout": ROOT}
        times: dict[str, list[float]] = {name: [] for name in versions}
        n = 0
        for _ in range(args.runs):
            for name, code in versions.items():
                ms, n = _run(code, args.labels.resolve(), args.passes)
                times[name].append(ms)
    print(f"find_statements over {n} corpus texts, fresh actor index per pass, {args.passes} passes x {args.runs} runs")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"  {name:>14}: {medians[name]:.2f} ms/article (runs: {', '.join(f'{v:.2f}' for v in values)})")
    if args.against:
        print(f"  ratio this/{args.against}: {medians['this checkout'] / medians[args.against]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
