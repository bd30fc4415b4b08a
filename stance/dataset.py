"""Training data from the labels corpus or any CSV/JSONL file, in one standard frame.

Standard columns: ``text``, ``stance`` and optionally ``frame``, ``group``, ``actor``,
``actor_type``, ``split``, ``target``, plus ``id`` (for reporting misclassified rows).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from stance.config import DataConfig
from stance.errors import SchemaError


def _read_jsonl(path: Path) -> pd.DataFrame:
    rows = []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SchemaError(f"malformed JSON ({exc.msg})", path=str(path), line=number) from None
            if not isinstance(record, dict):
                raise SchemaError("each line must be a JSON object", path=str(path), line=number)
            rows.append(record)
    return pd.DataFrame(rows)


def _read_table(path: Path, fmt: str) -> pd.DataFrame:
    if not path.is_file():
        raise SchemaError("data file not found", path=str(path))
    if fmt == "jsonl" or (fmt == "auto" and path.suffix.lower() in (".jsonl", ".ndjson")):
        return _read_jsonl(path)
    if fmt == "csv" or (fmt == "auto" and path.suffix.lower() in (".csv", ".tsv")):
        try:
            return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False,
                               sep="\t" if path.suffix.lower() == ".tsv" else ",")
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise SchemaError(f"cannot parse as UTF-8 CSV ({str(exc).splitlines()[0]})", path=str(path)) from None
    raise SchemaError(f"unknown data format {path.suffix!r}; use a labels folder, .csv or .jsonl "
                      "(or set data.format)", path=str(path))


def load_training_frame(config: DataConfig) -> pd.DataFrame:
    """Load the data named by ``config`` into the standard frame.

    Parameters
    ----------
    config:
        Where the data is and which columns hold what.

    Returns
    -------
    pandas.DataFrame
        Rows with a non-empty text and label.

    Raises
    ------
    SchemaError
        If the file is missing or malformed, or a named column is absent (``file:line`` where known).
    """
    path = Path(config.path)
    if config.format == "labels" or (config.format == "auto" and path.is_dir()):
        from stance.labels import load_corpus

        raw = load_corpus(path).statements
    else:
        raw = _read_table(path, config.format)

    mapping = {"text": config.text_column, "stance": config.label_column, "frame": config.frame_column,
               "group": config.group_column, "actor": config.actor_column,
               "actor_type": config.actor_type_column, "split": config.split_column,
               "target": config.target_column}
    required = ["text", "stance"] + [k for k in ("frame", "group", "target") if mapping[k]]
    for key in required:
        column = mapping[key]
        if column not in raw.columns:
            raise SchemaError(f"column {column!r} (data.{key if key != 'stance' else 'label'}_column) not found; "
                              f"columns are: {', '.join(map(str, raw.columns))}", path=str(path))
    frame = pd.DataFrame(index=raw.index)
    for key, column in mapping.items():
        if column and column in raw.columns:
            frame[key] = raw[column].fillna("").astype(str).str.strip()
        else:
            frame[key] = ""
    id_column = next((c for c in ("statement_id", "id", "ID") if c in raw.columns), None)
    frame["id"] = raw[id_column].astype(str) if id_column else [str(i) for i in range(len(raw))]
    frame = frame[(frame["text"] != "") & (frame["stance"] != "")].reset_index(drop=True)
    if frame.empty:
        raise SchemaError("no rows with both a text and a label", path=str(path))
    if not mapping["frame"]:
        frame = frame.drop(columns="frame")
    return frame
