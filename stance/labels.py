"""Load and check the annotated corpus in ``labels/`` (format: ``labels/README.md``)."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stance.errors import SchemaError

STANCES = ("full_withdrawal", "bilateral_partnership", "ambiguous")
FRAMES = ("security", "sovereignty", "process", "partnership", "regional", "domestic")
ACTOR_TYPES = ("iraqi_government", "iraqi_parliament", "armed_faction", "political_party", "kurdistan_region",
               "us_government", "coalition", "iran", "analyst", "other")
EPISODES = ("2020_parliament_resolution", "2021_combat_mission_end", "2023_2024_attacks", "2024_hmc_talks",
            "2024_joint_statement", "2025_2026_drawdown")
ORIGINS = ("seed", "retold")
SPLITS = ("train", "test")

ARTICLE_COLUMNS = ("article_id", "title", "outlet", "date", "episode", "source_url", "origin")
STATEMENT_COLUMNS = ("statement_id", "article_id", "start", "end", "sentence", "actor", "actor_canonical",
                     "actor_type", "stance", "frame")
ACTOR_COLUMNS = ("canonical", "type", "aliases")
SPLIT_COLUMNS = ("article_id", "split")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Corpus:
    """The annotated corpus.

    Attributes
    ----------
    articles:
        One row per article (``articles.csv`` columns plus ``batch`` and ``split``).
    statements:
        One row per statement (``statements.csv`` columns plus ``batch``, ``split``, ``episode``, ``outlet``).
    texts:
        ``article_id -> text`` the offsets point into.
    actors:
        ``actors.csv`` rows (canonical, type, aliases).
    root:
        The labels folder.
    """

    articles: pd.DataFrame
    statements: pd.DataFrame
    texts: dict[str, str]
    actors: pd.DataFrame
    root: Path


def _read_rows(path: Path, columns: tuple[str, ...], errors: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV into ``(line, row)`` pairs, recording schema problems as ``file:line`` errors."""
    if not path.is_file():
        errors.append(f"{path}:0: file missing")
        return []
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            errors.append(f"{path}:1: empty file, expected header {','.join(columns)}")
            return []
        missing = [c for c in columns if c not in header]
        if missing:
            errors.append(f"{path}:1: missing column(s) {', '.join(missing)}")
            return []
        start_line = reader.line_num + 1
        for values in reader:
            if not any(v.strip() for v in values):
                start_line = reader.line_num + 1
                continue
            if len(values) != len(header):
                errors.append(f"{path}:{start_line}: expected {len(header)} fields, found {len(values)}")
            else:
                rows.append((start_line, dict(zip(header, values))))
            start_line = reader.line_num + 1
    return rows


def _choice(value: str, allowed: tuple[str, ...], what: str, where: str, errors: list[str]) -> None:
    if value not in allowed:
        errors.append(f"{where}: {what} {value!r} is not one of {', '.join(allowed)}")


def _check(root: Path, require_split: bool = True) -> tuple[list[str], Corpus | None]:
    errors: list[str] = []
    actor_rows = _read_rows(root / "actors.csv", ACTOR_COLUMNS, errors)
    actor_type: dict[str, str] = {}
    for line, row in actor_rows:
        where = f"{root / 'actors.csv'}:{line}"
        name = row["canonical"].strip()
        if not name:
            errors.append(f"{where}: empty canonical name")
            continue
        if name in actor_type:
            errors.append(f"{where}: duplicate canonical actor {name!r}")
        _choice(row["type"], ACTOR_TYPES, "actor type", where, errors)
        actor_type[name] = row["type"]

    split_rows = _read_rows(root / "split.csv", SPLIT_COLUMNS, errors) if (
        require_split or (root / "split.csv").is_file()) else []
    split_of: dict[str, str] = {}
    for line, row in split_rows:
        where = f"{root / 'split.csv'}:{line}"
        _choice(row["split"], SPLITS, "split", where, errors)
        if row["article_id"] in split_of:
            errors.append(f"{where}: duplicate article {row['article_id']!r}")
        split_of[row["article_id"]] = row["split"]

    articles, statements, texts = [], [], {}
    batches = sorted(p for p in (root / "corpus").glob("*") if p.is_dir())
    if not batches:
        errors.append(f"{root / 'corpus'}:0: no batch folders")
    seen_articles: dict[str, str] = {}
    seen_statements: dict[str, str] = {}
    for batch in batches:
        art_path = batch / "articles.csv"
        for line, row in _read_rows(art_path, ARTICLE_COLUMNS, errors):
            where = f"{art_path}:{line}"
            aid = row["article_id"]
            if aid in seen_articles:
                errors.append(f"{where}: duplicate article_id {aid!r} (also {seen_articles[aid]})")
                continue
            seen_articles[aid] = where
            for key in ("title", "outlet", "source_url"):
                if not row[key].strip():
                    errors.append(f"{where}: empty {key} (every article needs its source)")
            if not _DATE.match(row["date"]):
                errors.append(f"{where}: date {row['date']!r} is not YYYY-MM-DD")
            _choice(row["episode"], EPISODES, "episode", where, errors)
            _choice(row["origin"], ORIGINS, "origin", where, errors)
            if aid not in split_of and require_split:
                errors.append(f"{where}: article {aid!r} has no row in split.csv")
            text_path = batch / "texts" / f"{aid}.txt"
            if not text_path.is_file():
                errors.append(f"{where}: text file {text_path} missing")
                continue
            texts[aid] = text_path.read_text(encoding="utf-8")
            articles.append({**{k: row[k] for k in ARTICLE_COLUMNS}, "batch": batch.name,
                             "split": split_of.get(aid, "")})
        st_path = batch / "statements.csv"
        last_end: dict[str, int] = {}
        for line, row in _read_rows(st_path, STATEMENT_COLUMNS, errors):
            where = f"{st_path}:{line}"
            sid, aid = row["statement_id"], row["article_id"]
            if sid in seen_statements:
                errors.append(f"{where}: duplicate statement_id {sid!r} (also {seen_statements[sid]})")
            seen_statements[sid] = where
            _choice(row["stance"], STANCES, "stance", where, errors)
            _choice(row["frame"], FRAMES, "frame", where, errors)
            _choice(row["actor_type"], ACTOR_TYPES, "actor_type", where, errors)
            if not row["actor"].strip():
                errors.append(f"{where}: empty actor")
            canonical = row["actor_canonical"]
            if canonical not in actor_type:
                errors.append(f"{where}: actor_canonical {canonical!r} is not in actors.csv")
            elif actor_type[canonical] != row["actor_type"]:
                errors.append(f"{where}: actor_type {row['actor_type']!r} differs from actors.csv "
                              f"({actor_type[canonical]!r} for {canonical!r})")
            if aid not in texts:
                errors.append(f"{where}: article_id {aid!r} has no article (with text) in {art_path}")
                continue
            try:
                start, end = int(row["start"]), int(row["end"])
            except ValueError:
                errors.append(f"{where}: start/end must be integers")
                continue
            if texts[aid][start:end] != row["sentence"]:
                errors.append(f"{where}: offsets {start}:{end} do not match the sentence in {aid}.txt")
                continue
            if start < last_end.get(aid, 0):
                errors.append(f"{where}: statement overlaps or precedes the previous one of {aid}")
            last_end[aid] = end
            statements.append({**{k: row[k] for k in STATEMENT_COLUMNS}, "start": start, "end": end,
                               "batch": batch.name})
        sources_path = batch / "statement_sources.csv"
        if sources_path.is_file():
            for line, row in _read_rows(sources_path, ("statement_id", "source_url"), errors):
                where = f"{sources_path}:{line}"
                if row["statement_id"] not in seen_statements:
                    errors.append(f"{where}: statement_id {row['statement_id']!r} is not in the corpus")
                if not row["source_url"].strip():
                    errors.append(f"{where}: empty source_url")
    for aid in sorted(set(split_of) - set(seen_articles)):
        errors.append(f"{root / 'split.csv'}:0: article {aid!r} is not in any articles.csv")
    if errors:
        return errors, None
    art_df = pd.DataFrame(articles)
    st_df = pd.DataFrame(statements)
    meta = art_df.set_index("article_id")
    st_df["split"] = st_df["article_id"].map(meta["split"])
    st_df["episode"] = st_df["article_id"].map(meta["episode"])
    st_df["outlet"] = st_df["article_id"].map(meta["outlet"])
    actors = pd.DataFrame([row for _, row in actor_rows], columns=list(ACTOR_COLUMNS))
    return [], Corpus(art_df, st_df, texts, actors, root)


def check_labels(root: str | Path = "labels") -> list[str]:
    """Validate the whole corpus.

    Checks the schema of every file, allowed values, offsets against the texts, duplicate ids,
    that every actor is in ``actors.csv`` with the same type, that every article has a source,
    date, episode and split, and that statements of an article do not overlap.

    Parameters
    ----------
    root:
        The labels folder.

    Returns
    -------
    list of str
        ``file:line: message`` errors; empty when the corpus is valid.
    """
    errors, _ = _check(Path(root))
    return errors


def load_corpus(root: str | Path = "labels") -> Corpus:
    """Load the corpus, raising :class:`SchemaError` naming the first problem (``file:line``)."""
    root = Path(root)
    if not root.is_dir():
        raise SchemaError("labels folder not found", path=str(root))
    errors, corpus = _check(root)
    if errors:
        more = f" (and {len(errors) - 1} more; run `stance labels check {root}`)" if len(errors) > 1 else ""
        raise SchemaError(errors[0] + more)
    return corpus


def labels_checksum(root: str | Path = "labels") -> str:
    """SHA-256 over every file under ``root`` (paths and bytes), to tie a run to its data."""
    root = Path(root)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def label_counts(corpus: Corpus) -> dict[str, dict[str, int]]:
    """Counts per stance, frame, actor type, episode and split (for the data card)."""
    st = corpus.statements
    return {
        "stance": st["stance"].value_counts().to_dict(),
        "frame": st["frame"].value_counts().to_dict(),
        "actor_type": st["actor_type"].value_counts().to_dict(),
        "episode": st["episode"].value_counts().to_dict(),
        "split": st["split"].value_counts().to_dict(),
    }


def assign_split(root: str | Path = "labels", test_fraction: float = 0.25, seed: int = 7) -> pd.DataFrame:
    """Add articles without a split to ``split.csv``; never move an article already assigned.

    New articles are put in ``test`` per episode so that each episode's share of test articles
    reaches ``test_fraction``, choosing among them round-robin over outlets (so test spans
    episodes and outlets) in a seeded random order. The file is written atomically.

    Returns
    -------
    pandas.DataFrame
        The whole split table.
    """
    import numpy as np

    root = Path(root)
    errors, corpus = _check(root, require_split=False)
    if errors:
        raise SchemaError(errors[0])
    path = root / "split.csv"
    current = pd.read_csv(path, dtype=str) if path.is_file() else pd.DataFrame(columns=list(SPLIT_COLUMNS))
    assigned = dict(zip(current["article_id"], current["split"]))
    rng = np.random.default_rng(seed)
    rows = dict(assigned)
    for episode, group in corpus.articles.groupby("episode"):
        group = group.sample(frac=1.0, random_state=int(rng.integers(1 << 31)))
        known = [a for a in group["article_id"] if a in assigned]
        n_test_known = sum(assigned[a] == "test" for a in known)
        want = int(round(test_fraction * len(group))) - n_test_known
        fresh = group[~group["article_id"].isin(assigned)]
        by_outlet = [list(g["article_id"]) for _, g in fresh.groupby("outlet", sort=True)]
        order = []
        while any(by_outlet):
            for ids in by_outlet:
                if ids:
                    order.append(ids.pop(0))
        for i, aid in enumerate(order):
            rows[aid] = "test" if i < want else "train"
    table = pd.DataFrame(sorted(rows.items()), columns=list(SPLIT_COLUMNS))
    tmp = path.with_suffix(".csv.tmp")
    table.to_csv(tmp, index=False)
    tmp.replace(path)
    return table


@dataclass(frozen=True)
class Agreement:
    """Inter-annotator agreement between the corpus labels and an independent second pass."""

    n: int
    kappa_stance: float
    kappa_frame: float
    agreement_stance: float
    agreement_frame: float
    disagreements: pd.DataFrame


def agreement(corpus: Corpus, second_pass: str | Path, first_labels: str | Path | None = None) -> Agreement:
    """Cohen's kappa for stance and frame between two annotations of the same statements.

    Parameters
    ----------
    corpus:
        The loaded corpus (its labels are the first annotation unless ``first_labels`` is given).
    second_pass:
        CSV with ``statement_id,stance,frame`` from an annotator who did not see the first labels.
    first_labels:
        Optional CSV with ``statement_id,stance,frame`` holding the first annotation as it was
        before adjudication (so kappa is measured on the independent labels, not the adjudicated ones).
    """
    from sklearn.metrics import cohen_kappa_score

    errors: list[str] = []
    rows = _read_rows(Path(second_pass), ("statement_id", "stance", "frame"), errors)
    if errors:
        raise SchemaError(errors[0])
    second = pd.DataFrame([r for _, r in rows])
    if first_labels is not None:
        first_rows = _read_rows(Path(first_labels), ("statement_id", "stance", "frame"), errors)
        if errors:
            raise SchemaError(errors[0])
        first = pd.DataFrame([r for _, r in first_rows])
        first = first.merge(corpus.statements[["statement_id", "sentence", "actor"]], on="statement_id")
    else:
        first = corpus.statements[["statement_id", "sentence", "actor", "stance", "frame"]]
    merged = first.merge(second[["statement_id", "stance", "frame"]], on="statement_id", suffixes=("_first", "_second"))
    if merged.empty:
        raise SchemaError("no statement ids in common with the corpus", path=str(second_pass))
    differ = (merged["stance_first"] != merged["stance_second"]) | (merged["frame_first"] != merged["frame_second"])
    return Agreement(
        n=len(merged),
        kappa_stance=float(cohen_kappa_score(merged["stance_first"], merged["stance_second"])),
        kappa_frame=float(cohen_kappa_score(merged["frame_first"], merged["frame_second"])),
        agreement_stance=float((merged["stance_first"] == merged["stance_second"]).mean()),
        agreement_frame=float((merged["frame_first"] == merged["frame_second"]).mean()),
        disagreements=merged[differ].reset_index(drop=True),
    )
