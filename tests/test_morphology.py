"""camel-tools morphological tokenisation (``normalize.tokenizer: camel_morph``).

No camel-tools data package can be downloaded here, so the tests build a tiny morphology
database in camel-tools' own text format (the format of the packaged ``morphology.db``, parsed by
``camel_tools.morphology.database.MorphologyDB``) and check the clear error for missing data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stance.config import ConfigError, ExperimentConfig, NormalizeConfig
from stance.errors import DataPackageError
from stance.normalize import ArabicNormalizer, missing_morphology_message, morphological_tokenizer
from stance.pipeline import build_normalizer, build_pipeline

from tests.conftest import STATEMENTS

# Sections in the order MorphologyDB parses them. Prefix/suffix/stem lines are
# "form<TAB>category<TAB>feature:value ..."; the tables list compatible category pairs.
# d3tok of prefix + stem (its diac when it has none) + suffix is concatenated; "_" separates tokens.
TINY_DB = """###DEFINES###
DEFINE pos pos:noun pos:digit pos:punc pos:latin
DEFINE diac diac:*open*
DEFINE lex lex:*open*
DEFINE bw bw:*open*
DEFINE gloss gloss:*open*
DEFINE prc2 prc2:0 prc2:wa_conj
DEFINE prc0 prc0:0 prc0:Al_det
DEFINE enc0 enc0:0 enc0:3fs_poss
DEFINE d3tok d3tok:*open*
DEFINE atbtok atbtok:*open*
###DEFAULTS###
DEFAULT pos:noun prc2:0 prc0:0 enc0:0
DEFAULT pos:digit prc2:0 prc0:0 enc0:0
DEFAULT pos:punc prc2:0 prc0:0 enc0:0
DEFAULT pos:latin prc2:0 prc0:0 enc0:0
###ORDER###
ORDER pos diac lex bw gloss prc2 prc0 enc0 d3tok atbtok
###TOKENIZATIONS###
TOKENIZATION d3tok atbtok
###STEMBACKOFF###
###PREFIXES###
\tPref-0\tdiac: bw: gloss: prc2:0 prc0:0 d3tok: atbtok:
و\tPref-Wa\tdiac:وَ bw:وَ/CONJ gloss:and prc2:wa_conj d3tok:وَ+_ atbtok:وَ+_
ال\tPref-Al\tdiac:ال bw:ال/DET gloss:the prc0:Al_det d3tok:ال+_ atbtok:ال
وال\tPref-WaAl\tdiac:وَال bw:وَ/CONJ+ال/DET gloss:and+the prc2:wa_conj prc0:Al_det d3tok:وَ+_ال+_ atbtok:وَ+_ال
###SUFFIXES###
\tSuff-0\tdiac: bw: gloss: enc0:0 d3tok: atbtok:
ها\tSuff-Ha\tdiac:ها bw:ها/POSS_PRON_3FS gloss:its enc0:3fs_poss d3tok:_+ها atbtok:_+ها
###STEMS###
انسحاب\tN\tdiac:اِنْسِحاب lex:اِنْسِحاب_1 bw:اِنْسِحاب/NOUN gloss:withdrawal pos:noun
قوات\tN\tdiac:قُوّات lex:قُوَّة_1 bw:قُوّات/NOUN gloss:forces pos:noun
###TABLE AB###
Pref-0 N
Pref-Wa N
Pref-Al N
Pref-WaAl N
###TABLE BC###
N Suff-0
N Suff-Ha
###TABLE AC###
Pref-0 Suff-0
Pref-Wa Suff-0
Pref-Al Suff-0
Pref-WaAl Suff-0
Pref-0 Suff-Ha
Pref-Wa Suff-Ha
"""


@pytest.fixture
def tiny_db(tmp_path: Path) -> Path:
    path = tmp_path / "tiny_morphology.db"
    path.write_text(TINY_DB, encoding="utf-8")
    return path


@pytest.fixture
def no_camel_data(tmp_path: Path, monkeypatch) -> Path:
    """An empty camel-tools data folder, so the test behaves the same where the data is installed."""
    empty = tmp_path / "camel_data_empty"
    empty.mkdir()
    monkeypatch.setenv("CAMELTOOLS_DATA", str(empty))
    return empty


def test_tiny_db_splits_clitics_with_d3tok(tiny_db):
    tokenizer = morphological_tokenizer(str(tiny_db))
    words = ["والانسحاب", "قواتها", "وقوات", "الانسحاب", "قوات", "بغداد", "،", "2500", "US"]
    assert tokenizer.tokenize(words) == [
        "و+", "ال+", "انسحاب",  # prefix و+ال, diacritics removed
        "قوات", "+ها",          # suffix
        "و+", "قوات",
        "ال+", "انسحاب",
        "قوات",
        "بغداد", "،", "2500", "US",  # unknown word, punctuation, digits, Latin pass through
    ]


def test_tokenizer_is_loaded_once_per_file(tiny_db):
    assert morphological_tokenizer(str(tiny_db)) is morphological_tokenizer(str(tiny_db))


def test_normalizer_with_morph_db_fits_and_transforms(tiny_db):
    normalizer = ArabicNormalizer(tokenizer="camel_morph", morph_db=str(tiny_db))
    out = normalizer.fit(["x"]).transform(["أعلنت الحكومة والانسحاب، قواتها."])
    assert list(out) == ["اعلنت الحكومه و+ ال+ انسحاب ، قوات +ها ."]


def test_pipeline_with_camel_morph_trains_on_tiny_data(tiny_db):
    import pandas as pd

    config = ExperimentConfig.from_dict({"name": "morph", "normalize": {"tokenizer": "camel_morph",
                                                                        "morph_db": str(tiny_db)}})
    assert build_normalizer(config.normalize).morph_db == str(tiny_db)
    texts = [row[1] for row in STATEMENTS] + ["والانسحاب قواتها", "وقوات الانسحاب"]
    labels = [row[4] for row in STATEMENTS] + ["full_withdrawal", "full_withdrawal"]
    X = pd.DataFrame({"text": texts, "actor": "", "actor_type": ""})
    pipeline = build_pipeline(config).fit(X, labels)
    assert set(pipeline.predict(X)) <= set(labels)
    vocabulary = pipeline.named_steps["features"].named_transformers_["text"].named_steps["tfidf"] \
        .transformer_list[0][1].vocabulary_
    assert "انسحاب" in vocabulary and "والانسحاب" not in vocabulary


def test_missing_data_message_is_one_line_and_raised_at_fit(no_camel_data):
    expected = (f"camel-tools morphology data is not installed in {no_camel_data} "
                "(packages morphology-db-msa-r13, disambig-mle-calima-msa-r13); "
                "install it with `camel_data -i light`, set normalize.morph_db, "
                "or use normalize.tokenizer: simple")
    assert missing_morphology_message(no_camel_data) == expected
    config = ExperimentConfig.from_dict({"name": "morph", "normalize": {"tokenizer": "camel_morph"}})
    normalizer = build_normalizer(config.normalize)  # building is fine; the data is needed at fit
    build_pipeline(config)
    with pytest.raises(DataPackageError) as info:
        normalizer.fit(["والانسحاب"])
    assert str(info.value) == expected
    assert "\n" not in str(info.value)


def test_fresh_interpreter_needs_no_catalogue_network_or_torch(tiny_db, tmp_path):
    """The missing-data error and the tiny DB both work with camel_tools.data (whose import fetches a
    catalogue over the network) and torch never imported, and nothing is written to ~/.camel_tools."""
    empty = tmp_path / "empty"
    empty.mkdir()
    code = (
        "import sys\n"
        "from stance.errors import DataPackageError\n"
        "from stance.normalize import morphological_tokenizer\n"
        "try:\n"
        "    morphological_tokenizer()\n"
        "except DataPackageError as exc:\n"
        "    print(exc)\n"
        f"print(morphological_tokenizer({str(tiny_db)!r}).tokenize(['والانسحاب']))\n"
        "print('torch' in sys.modules, 'camel_tools.data' in sys.modules)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONIOENCODING": "utf-8", "CAMELTOOLS_DATA": str(empty)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [missing_morphology_message(empty), "['و+', 'ال+', 'انسحاب']", "False False"]
    assert not (tmp_path / ".camel_tools").exists()


def test_installed_packages_are_found_in_the_camel_data_folder(tiny_db, tmp_path, monkeypatch):
    """With the packaged files in place (a tiny DB and an empty MLE model), the MLE tokenizer is built."""
    data = tmp_path / "camel_data"
    (data / "data/morphology_db/calima-msa-r13").mkdir(parents=True)
    (data / "data/disambig_mle/calima-msa-r13").mkdir(parents=True)
    (data / "data/morphology_db/calima-msa-r13/morphology.db").write_text(TINY_DB, encoding="utf-8")
    (data / "data/disambig_mle/calima-msa-r13/model.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("CAMELTOOLS_DATA", str(data))
    try:
        import editdistance  # noqa: F401
    except ImportError:
        with pytest.raises(DataPackageError, match="needs the Python package editdistance"):
            morphological_tokenizer()
        return
    assert morphological_tokenizer().tokenize(["والانسحاب"]) == ["و+", "ال+", "انسحاب"]


def test_morph_db_is_validated_in_the_config(tmp_path, tiny_db):
    assert NormalizeConfig(tokenizer="camel_morph", morph_db=str(tiny_db)).morph_db == str(tiny_db)
    with pytest.raises(ConfigError, match="normalize.morph_db: .*missing.db: file not found"):
        NormalizeConfig(tokenizer="camel_morph", morph_db=str(tmp_path / "missing.db"))
    with pytest.raises(ConfigError, match="normalize.morph_db must be a file path or null"):
        NormalizeConfig(tokenizer="camel_morph", morph_db=3)
    assert NormalizeConfig(morph_db=str(tmp_path / "missing.db")).tokenizer == "simple"  # unused, not checked


def test_a_file_that_is_not_a_morphology_db_is_a_config_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a camel-tools morphology database"):
        morphological_tokenizer(str(bad))


def test_search_reports_the_variant_as_skipped_with_the_message(tiny_config, no_camel_data, tmp_path):
    from stance.search import run_search

    variant = tmp_path / "morph_camel.yaml"
    variant.write_text("base: tiny.yaml\nname: morph_camel\nnormalize: {tokenizer: camel_morph}\n", encoding="utf-8")
    result = run_search([variant], tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}", experiment="search-test")
    assert result.table["name"].tolist() == ["morph_camel"]
    assert result.table["status"].tolist() == [f"skipped: {missing_morphology_message(no_camel_data)}"]
