"""The numpy-only linear heads: same probabilities as the scikit-learn pipelines, checked files, light imports."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stance.config import ExperimentConfig, load_config
from stance.errors import ModelError
from stance.linear import LinearHead, export_linear
from stance.model import StanceModel, _vectorizers, input_frame
from stance.pipeline import build_pipeline
from tests.conftest import ARTICLE, STATEMENTS

ROOT = Path(__file__).resolve().parent.parent
# Inputs with no in-vocabulary n-gram, one-letter words (char_wb's short-word rule), Latin,
# digits, diacritics and tatweel, runs of whitespace.
ODD_TEXTS = ["", "   ", "x", "و", "ب ك", "Hello, World 2024!", "قـــــال الرئيسُ إنَّ  \t القوات\n\nستبقى",
             "«العراق» : ، ؟"]


def _corpus_rows() -> list[dict]:
    rows = []
    for path in sorted(ROOT.glob("labels/corpus/*/statements.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows += [r for r in csv.DictReader(handle) if r["sentence"].strip()]
    return rows


@pytest.fixture(scope="module")
def corpus() -> tuple[list[dict], list[dict]]:
    """Real corpus statements: 300 to train on (seeded sample), the rest to score."""
    rows = _corpus_rows()
    assert len(rows) > 400, "expected the annotated corpus under labels/corpus"
    rows = random.Random(13).sample(rows, len(rows))
    return rows[:300], rows[300:]


def _config(overrides: dict) -> ExperimentConfig:
    raw = load_config(ROOT / "experiments" / "baseline.yaml").to_dict()
    for section, values in overrides.items():
        raw[section] = {**raw[section], **values}
    return ExperimentConfig.from_dict(raw)


def _binary(label: str) -> str:
    return "full_withdrawal" if label == "full_withdrawal" else "other"


# name -> (config overrides, label of a corpus row[, pipeline parameters set before fitting])
CASES = {
    "baseline_logreg": ({}, lambda r: r["stance"]),
    "linear_svm": ({"model": {"classifier": "linear_svm"}}, lambda r: r["stance"]),
    "sgd": ({"model": {"classifier": "sgd"}}, lambda r: r["stance"]),
    "char_only": ({"features": {"ngrams": "char", "char_ngram_range": [1, 4]}}, lambda r: r["stance"]),
    "word_only": ({"features": {"ngrams": "word", "word_ngram_range": [1, 3]}}, lambda r: r["stance"]),
    "stemmer_snowball": ({"normalize": {"stemmer": "snowball"}}, lambda r: r["stance"]),
    "normalisation_off": ({"normalize": {"alef": False, "ya": False, "teh_marbuta": False, "diacritics": False,
                                         "tatweel": False}}, lambda r: r["stance"]),
    "raw_tf_min_df": ({"features": {"sublinear_tf": False, "min_df": 2, "max_features": 5000}}, lambda r: r["stance"]),
    "frame_six_classes": ({"model": {"class_weight": "none"}}, lambda r: r["frame"]),
    "binary_logreg": ({}, lambda r: _binary(r["stance"])),
    "binary_sgd": ({"model": {"classifier": "sgd"}}, lambda r: _binary(r["stance"])),
    "binary_linear_svm": ({"model": {"classifier": "linear_svm"}}, lambda r: _binary(r["stance"])),
    # Vectorizer options the factory may set: character n-grams across words, binary counts.
    "char_across_words": ({"features": {"ngrams": "char", "char_ngram_range": [1, 4]}}, lambda r: r["stance"],
                          {"features__text__tfidf__char__analyzer": "char"}),
    "binary_counts": ({}, lambda r: r["stance"], {"features__text__tfidf__word__binary": True,
                                                  "features__text__tfidf__char__binary": True}),
    # Word tokens of every non-space run ("nonspace"); lowercasing (the analysers' own path, not the
    # token-by-token one); no sublinear tf and no idf in one block only (blocks transformed apart).
    "nonspace_tokens": ({"features": {"word_token": "nonspace", "word_ngram_range": [1, 3]}}, lambda r: r["stance"]),
    "lowercase": ({}, lambda r: r["stance"], {"features__text__tfidf__word__lowercase": True,
                                              "features__text__tfidf__char__lowercase": True}),
    "mixed_blocks": ({}, lambda r: r["frame"], {"features__text__tfidf__word__sublinear_tf": False,
                                                "features__text__tfidf__char__use_idf": False,
                                                "features__text__tfidf__char__norm": "l1"}),
}


def _fit(case: str, rows: list[dict]):
    overrides, label, *params = CASES[case]
    X = input_frame([r["sentence"] for r in rows], [r["actor"] for r in rows], [r["actor_type"] for r in rows])
    return build_pipeline(_config(overrides)).set_params(**(params[0] if params else {})).fit(X, [label(r) for r in rows])


def _linear_head(pipeline) -> LinearHead:
    exported = export_linear(pipeline)
    assert exported is not None
    arrays, spec = exported
    return LinearHead(arrays, spec, {path: v.vocabulary_ for path, v in _vectorizers(pipeline)})


@pytest.mark.parametrize("case", sorted(CASES))
def test_linear_head_reproduces_the_pipeline_probabilities(case, corpus):
    train, held_out = corpus
    pipeline = _fit(case, train)
    head = _linear_head(pipeline)
    texts = [r["sentence"] for r in held_out] + ODD_TEXTS

    expected = pipeline.predict_proba(input_frame(texts))
    got = head.predict_proba(head.features(texts))

    assert list(head.classes_) == [str(c) for c in pipeline.classes_]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("case", ["baseline_logreg", "char_only", "word_only", "stemmer_snowball", "char_across_words",
                                  "binary_counts", "nonspace_tokens", "lowercase", "mixed_blocks"])
def test_linear_features_equal_the_fitted_feature_step(case, corpus):
    train, held_out = corpus
    pipeline = _fit(case, train)
    head = _linear_head(pipeline)
    texts = [r["sentence"] for r in held_out[:200]] + ODD_TEXTS

    expected = pipeline.named_steps["features"].transform(input_frame(texts)).tocsr()
    got = head.features(texts)

    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_allclose(got.data, expected.data, rtol=0, atol=1e-12)
    docs = head.normalize(texts)
    union = pipeline.named_steps["features"].named_transformers_["text"].named_steps["tfidf"]
    for (_, vectorizer), mine in zip(union.transformer_list, head.vectorizers):
        analyze = vectorizer.build_analyzer()
        assert all(mine.analyze(doc) == analyze(doc) for doc in docs)


# Whitespace of every kind, and characters that NFKC or the normaliser rewrite next to it: combining
# marks (Latin, Arabic), a spacing accent (NFKC: space + mark), the Arabic ligatures U+FDFC/U+FDFD
# (camel-tools' fix: several words), no-break and ideographic spaces, tatweel, a Hangul syllable.
TRICKY_CHARS = ["\u0301", "\u064e", "\u0651", "\u0653", "\u0670", "\u00b4", "\ufdfc", "\ufdfd", "\u00a0",
                "\u0640", "\uac00", "\u1100", "\u1161", "a", "\u0627", "\u0625", "\u0649", "\u0629", "\u060c",
                "\u00ab", "1", "_", "\u200d", "\U0001F600"]


@pytest.fixture(scope="module")
def baseline(corpus):
    """The baseline pipeline fitted on the training sample, and its linear head."""
    pipeline = _fit("baseline_logreg", corpus[0])
    return pipeline, _linear_head(pipeline)


def _with_normalizer(pipeline, **options) -> LinearHead:
    arrays, spec = export_linear(pipeline)
    spec = {**spec, "normalizer": {**spec["normalizer"], **options}}
    return LinearHead(arrays, spec, {path: v.vocabulary_ for path, v in _vectorizers(pipeline)})


@pytest.mark.parametrize("options", [{}, {"stemmer": "snowball"}, {"stemmer": "snowball", "tatweel": False},
                                     {"alef": False, "ya": False, "teh_marbuta": False, "diacritics": False,
                                      "tatweel": False}])
def test_chunk_by_chunk_normalisation_is_normalize_text(baseline, corpus, options):
    from stance.arabic import normalize_text

    head = _with_normalizer(baseline[0], **options)
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    tricky = [a + space + b for space in spaces for a in TRICKY_CHARS for b in TRICKY_CHARS[::5]]
    tricky += ["\u0640\u0640 \u0640", "\u0640", " \u0640 x", "\u064e \u064e", "\ufdfd\u00a0\u0301", "x \u00b4 y"]
    texts = [r["sentence"] for r in corpus[1][:300]] + ODD_TEXTS + tricky
    expected = [normalize_text(text, **head.normalizer_options) for text in texts]

    assert head.normalize(texts) == expected
    assert head.normalize(texts[::-1]) == expected[::-1]  # from the cache now
    assert [head.normalize([text])[0] for text in texts[:50]] == expected[:50]


def test_features_do_not_depend_on_the_batch_or_the_cache(baseline, corpus, monkeypatch):
    import stance.linear

    pipeline, _ = baseline
    texts = [r["sentence"] for r in corpus[1][:120]] + ODD_TEXTS
    expected = pipeline.predict_proba(input_frame(texts))
    # Small caches: they are emptied between batches, again and again.
    monkeypatch.setattr(stance.linear, "_CHUNK_CACHE_SIZE", 50)
    head = _linear_head(pipeline)
    for batch in (texts, texts[::-1], texts[5:40], texts):
        rows = [texts.index(t) for t in batch]
        np.testing.assert_allclose(head.predict_proba(head.features(batch)), expected[rows], rtol=0, atol=1e-9)
    one = np.concatenate([head.predict_proba(head.features([t])) for t in texts])
    np.testing.assert_allclose(one, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("case", ["baseline_logreg", "frame_six_classes", "binary_linear_svm", "sgd"])
def test_empty_rows_get_the_pipeline_probabilities(case, corpus):
    pipeline = _fit(case, corpus[0])
    head = _linear_head(pipeline)
    sentence = corpus[1][0]["sentence"]
    for texts in (["", "x"], ["", sentence, "   ", "", sentence, ""], [sentence, "\u060c"], [""]):
        features = head.features(texts)
        assert features.n_rows == len(texts)
        np.testing.assert_allclose(head.predict_proba(features), pipeline.predict_proba(input_frame(texts)),
                                   rtol=0, atol=1e-9)
    assert head.features([]).n_rows == 0


def test_heads_sharing_features_score_like_their_pipelines(corpus):
    train, held_out = corpus
    pipelines = {"stance": _fit("baseline_logreg", train), "frame": _fit("frame_six_classes", train)}
    fast = StanceModel({h: _linear_head(p) for h, p in pipelines.items()})
    full = StanceModel(pipelines)
    texts = [r["sentence"] for r in held_out[:200]] + ODD_TEXTS

    assert fast.feature_owner("stance") == fast.feature_owner("frame")
    for mine, theirs in zip(fast.classify(texts), full.classify(texts)):
        for a, b in ((mine.stance, theirs.stance), (mine.frame, theirs.frame)):
            assert a.label == b.label and list(a.scores) == list(b.scores)
            np.testing.assert_allclose(list(a.scores.values()), list(b.scores.values()), rtol=0, atol=1e-9)


def _save_tiny(tmp_path: Path, **features) -> Path:
    config = ExperimentConfig.from_dict({"name": "tiny", "features": {"char_ngram_range": [2, 4], **features}})
    X = input_frame([s[1] for s in STATEMENTS], [s[2] for s in STATEMENTS], [s[3] for s in STATEMENTS])
    heads = {"stance": build_pipeline(config).fit(X, [s[4] for s in STATEMENTS]),
             "frame": build_pipeline(config).fit(X, [s[5] for s in STATEMENTS])}
    actors = [{"canonical": actor, "type": actor_type, "aliases": []}
              for actor, actor_type in dict.fromkeys((s[2], s[3]) for s in STATEMENTS)]
    return StanceModel(heads=heads, meta={"config": config.to_dict(), "actors": actors}).save(tmp_path / "model")


def _score_rows(model: StanceModel, texts: dict[str, str] | list) -> list[dict]:
    """``stance score`` rows of articles (id -> text, or :class:`stance.io.Article` items)."""
    from stance.io import Article
    from stance.predict import actor_index_for, score_articles

    articles = ([Article(article_id, text, f"{article_id}.txt") for article_id, text in texts.items()]
                if isinstance(texts, dict) else texts)
    return [row.to_dict() for rows in score_articles(model, articles, actor_index_for(model)) for row in rows]


def _assert_same_rows(got: list[dict], expected: list[dict]) -> None:
    assert len(got) == len(expected) > 0
    for mine, theirs in zip(got, expected):
        scores = [k for k in theirs if k.endswith("_scores") or k == "confidence"]
        assert {k: v for k, v in mine.items() if k not in scores} == {k: v for k, v in theirs.items() if k not in scores}
        for key in scores:
            a, b = (mine[key], theirs[key]) if key == "confidence" else (list(mine[key].values()), list(theirs[key].values()))
            if key != "confidence":
                assert list(mine[key]) == list(theirs[key])
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)


def test_fast_load_scores_like_the_full_load(tmp_path, corpus):
    directory = _save_tiny(tmp_path)
    info = json.loads((directory / "meta.json").read_text(encoding="utf-8"))["heads"]["stance"]
    assert info["linear_file"] == "stance.linear.npz" and len(info["linear_sha256"]) == 64
    assert info["linear_spec"]["classifier"]["rule"] == "softmax"

    fast, full = StanceModel.load(directory, fast=True), StanceModel.load(directory)

    assert all(isinstance(h, LinearHead) for h in fast.heads.values())
    # stance and frame share one feature computation, as with the pipelines
    assert fast.feature_owner("stance") == fast.feature_owner("frame") == full.feature_owner("stance") == "frame"
    texts = {"tiny": ARTICLE, **{f"corpus-{i}": r["sentence"] for i, r in enumerate(corpus[1][:50])}}
    _assert_same_rows(_score_rows(fast, texts), _score_rows(full, texts))


def test_fast_load_classifies_per_target_heads(corpus):
    train, held_out = corpus
    model = StanceModel({"stance/a": _fit("baseline_logreg", train[:150]), "stance/b": _fit("sgd", train[150:])})
    texts = [r["sentence"] for r in held_out[:40]]
    targets = ["a", "b"] * 20
    fast = StanceModel({h: _linear_head(p) for h, p in model.heads.items()})

    for mine, theirs in zip(fast.classify(texts, targets=targets), model.classify(texts, targets=targets)):
        assert mine.stance.label == theirs.stance.label
        np.testing.assert_allclose(list(mine.stance.scores.values()), list(theirs.stance.scores.values()), atol=1e-9)


def test_the_cli_scores_a_model_folder_like_the_full_load(tmp_path):
    from typer.testing import CliRunner

    from stance.cli import app
    from stance.io import read_articles

    directory = _save_tiny(tmp_path)
    article = tmp_path / "one.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(article), "--model", str(directory), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    _assert_same_rows(rows, _score_rows(StanceModel.load(directory), list(read_articles([str(article)]))))


def test_a_tampered_linear_file_is_refused(tmp_path):
    directory = _save_tiny(tmp_path)
    path = directory / "stance.linear.npz"
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))

    with pytest.raises(ModelError) as caught:
        StanceModel.load(directory, fast=True)
    assert str(caught.value) == f"{path}: checksum differs from the one recorded at training; refusing to load"


def test_a_tampered_vocabulary_is_refused_by_the_fast_load(tmp_path):
    directory = _save_tiny(tmp_path)
    path = directory / "stance.vocab.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"', '"x', 3), encoding="utf-8")

    with pytest.raises(ModelError) as caught:
        StanceModel.load(directory, fast=True)
    assert str(caught.value) == (f"{path}: missing, or checksum differs from the one recorded at training; "
                                 "refusing to load")


def test_a_missing_linear_file_is_refused(tmp_path):
    directory = _save_tiny(tmp_path)
    (directory / "frame.linear.npz").unlink()

    with pytest.raises(ModelError) as caught:
        StanceModel.load(directory, fast=True)
    assert str(caught.value) == f"{directory / 'frame.linear.npz'}: head file missing"


def test_actor_features_fall_back_to_the_full_load(tmp_path):
    from sklearn.pipeline import Pipeline

    directory = _save_tiny(tmp_path, use_actor=True)
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))

    assert not any("linear_file" in info for info in meta["heads"].values())
    assert not list(directory.glob("*.linear.npz"))
    model = StanceModel.load(directory, fast=True)
    assert all(isinstance(h, Pipeline) for h in model.heads.values())
    assert model.classify([STATEMENTS[0][1]], [STATEMENTS[0][2]], [STATEMENTS[0][3]])[0].stance.label


def test_a_model_without_linear_files_loads_fast_the_full_way(tmp_path):
    from sklearn.pipeline import Pipeline

    directory = _save_tiny(tmp_path)
    meta_path = directory / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    for info in meta["heads"].values():  # as saved before the linear heads existed
        for key in ("linear_file", "linear_sha256", "linear_spec"):
            del info[key]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")

    model = StanceModel.load(directory, fast=True)
    assert all(isinstance(h, Pipeline) for h in model.heads.values())


def test_a_fast_loaded_model_cannot_be_saved(tmp_path):
    model = StanceModel.load(_save_tiny(tmp_path), fast=True)
    with pytest.raises(ModelError) as caught:
        model.save(tmp_path / "again")
    assert str(caught.value) == ("a model loaded with fast=True cannot be saved; "
                                 "load it with StanceModel.load(directory)")


HEAVY = ("sklearn", "scipy", "skops", "pandas", "mlflow", "torch", "pyarrow")


@pytest.mark.parametrize("output", [None, "out.jsonl", "out.csv"])
def test_scoring_a_model_folder_imports_no_heavy_library(tmp_path, output):
    directory = _save_tiny(tmp_path)
    article = tmp_path / "one.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    args = ["stance", "score", str(article), "--model", str(directory), "--format", "jsonl"]
    if output:
        args = [*args[:-2], "--output", str(tmp_path / output)]
    code = (f"import json, sys\nsys.argv = {args!r}\nfrom stance.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    scored = done.stdout if output is None else (tmp_path / output).read_text(encoding="utf-8")
    assert "full_withdrawal" in scored or "bilateral_partnership" in scored or "ambiguous" in scored
