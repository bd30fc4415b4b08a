from pathlib import Path

import pytest

from stance.config import ExperimentConfig, load_config
from stance.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_configs_load():
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        config = load_config(path)
        assert config.name
        assert "model.classifier" in config.flat()


def test_unknown_top_level_key_is_rejected():
    with pytest.raises(ConfigError, match=r"<config>: unknown key\(s\) modle; allowed: name, description, data"):
        ExperimentConfig.from_dict({"name": "x", "modle": {}})


def test_unknown_section_key_is_rejected():
    with pytest.raises(ConfigError, match=r"unknown key\(s\) model.lr; allowed: C, class_weight, classifier, max_iter, "
                                          r"nb_alpha, nb_scaling, sgd_loss$"):
        ExperimentConfig.from_dict({"name": "x", "model": {"lr": 1}})


def test_closed_option_set_names_allowed_values():
    with pytest.raises(ConfigError, match="model.classifier must be one of logreg, linear_svm, sgd; got 'xgboost'"):
        ExperimentConfig.from_dict({"name": "x", "model": {"classifier": "xgboost"}})


def test_bad_ngram_range():
    with pytest.raises(ConfigError, match=r"features.word_ngram_range must satisfy 1 <= low <= high; got \[3, 1\]"):
        ExperimentConfig.from_dict({"name": "x", "features": {"word_ngram_range": [3, 1]}})


def test_config_is_frozen_and_data_override_copies():
    config = ExperimentConfig.from_dict({"name": "x"})
    with pytest.raises(Exception):
        config.name = "y"
    assert config.with_data_path("other.csv").data.path == "other.csv"
    assert config.data.path == "labels"


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nmodel: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml:\d+: invalid YAML"):
        load_config(path)


def test_missing_file():
    with pytest.raises(ConfigError, match="nope.yaml: config file not found"):
        load_config("nope.yaml")
