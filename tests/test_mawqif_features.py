"""Tweet cleaning, NB-scaled linear models and the TF-IDF options added for Mawqif (issue #5)."""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from stance.config import ExperimentConfig, load_config
from stance.errors import ConfigError
from stance.features import NBLinearClassifier, TweetCleaner, clean_tweet, log_count_ratio
from stance.model import StanceModel, input_frame
from stance.pipeline import build_pipeline
from tests.conftest import STATEMENTS

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [s[1] for s in STATEMENTS]
STANCES = np.array([s[4] for s in STATEMENTS])
TWEET = "#تمكين_المرأة خطوة جمييييلة 👏👏 URL"


@pytest.mark.parametrize(("options", "expected"), [
    ({}, "#تمكين_المرأة خطوة جمييييلة 👏👏 URL"),
    ({"urls": "remove"}, "#تمكين_المرأة خطوة جمييييلة 👏👏"),
    ({"hashtags": "split"}, "تمكين المرأة خطوة جمييييلة 👏👏 URL"),
    ({"hashtags": "remove"}, "خطوة جمييييلة 👏👏 URL"),
    ({"emoji": "separate"}, "#تمكين_المرأة خطوة جمييييلة 👏 👏 URL"),
    ({"emoji": "remove"}, "#تمكين_المرأة خطوة جمييييلة URL"),
    ({"elongation": "collapse"}, "#تمكين_المرأة خطوة جمييلة 👏👏 URL"),
])
def test_clean_tweet(options, expected):
    assert clean_tweet(TWEET, **options) == expected


def test_clean_tweet_removes_links_and_mentions():
    assert clean_tweet("@user شوف https://t.co/x و www.x.com", urls="remove") == "شوف و"


def test_tweet_cleaner_rejects_unknown_option_at_fit():
    with pytest.raises(ConfigError, match="emoji must be one of keep, separate, remove; got 'name'"):
        TweetCleaner(emoji="name").fit([TWEET])


def test_tweet_cleaner_must_be_fitted():
    with pytest.raises(NotFittedError):
        TweetCleaner().transform([TWEET])


@pytest.mark.parametrize(("section", "key", "value", "message"), [
    ("normalize", "urls", "strip", "normalize.urls must be one of keep, remove; got 'strip'"),
    ("normalize", "hashtags", "segment", "normalize.hashtags must be one of keep, split, remove; got 'segment'"),
    ("normalize", "emoji", "name", "normalize.emoji must be one of keep, separate, remove; got 'name'"),
    ("normalize", "elongation", "yes", "normalize.elongation must be one of keep, collapse; got 'yes'"),
    ("features", "char_analyzer", "chars", "features.char_analyzer must be one of char_wb, char; got 'chars'"),
    ("features", "word_token", "all", "features.word_token must be one of word, nonspace; got 'all'"),
    ("features", "binary", "yes", "features.binary must be true or false; got 'yes'"),
    ("features", "max_df", 1.5, r"features.max_df must be a fraction of documents in \(0, 1\]; got 1.5"),
    ("features", "max_df", 0, r"features.max_df must be a fraction of documents in \(0, 1\]; got 0"),
    ("model", "nb_scaling", "nb", "model.nb_scaling must be one of none, log_count_ratio; got 'nb'"),
    ("model", "nb_alpha", 0, "model.nb_alpha must be a positive number; got 0"),
    ("model", "sgd_loss", "hinge", "model.sgd_loss must be one of log_loss, modified_huber; got 'hinge'"),
])
def test_new_options_are_closed(section, key, value, message):
    with pytest.raises(ConfigError, match=f"^<config>: {message}$"):
        ExperimentConfig.from_dict({"name": "x", section: {key: value}})


def test_defaults_build_todays_pipeline():
    pipeline = build_pipeline(ExperimentConfig.from_dict({"name": "x"}))
    text = pipeline.named_steps["features"].transformers[0][1]
    assert [name for name, _ in text.steps] == ["normalize", "tfidf"]
    word, char = (v for _, v in text.named_steps["tfidf"].transformer_list)
    assert (word.token_pattern, word.binary, word.max_df) == (r"(?u)\w+", False, 1.0)
    assert (char.analyzer, char.binary, char.max_df) == ("char_wb", False, 1.0)
    assert type(pipeline.named_steps["classifier"]) is LogisticRegression


def test_feature_options_reach_the_vectorizers():
    config = ExperimentConfig.from_dict({"name": "x", "features": {
        "char_analyzer": "char", "word_token": "nonspace", "binary": True, "max_df": 0.9}})
    text = build_pipeline(config).named_steps["features"].transformers[0][1]
    word, char = (v for _, v in text.named_steps["tfidf"].transformer_list)
    assert (word.token_pattern, word.binary, word.max_df) == (r"\S+", True, 0.9)
    assert (char.analyzer, char.binary, char.max_df) == ("char", True, 0.9)


def test_tweet_options_add_a_cleaning_step_before_the_normaliser():
    config = ExperimentConfig.from_dict({"name": "x", "normalize": {"emoji": "separate", "urls": "remove"}})
    text = build_pipeline(config).named_steps["features"].transformers[0][1]
    assert [name for name, _ in text.steps] == ["clean", "normalize", "tfidf"]
    assert text.named_steps["clean"].get_params() == {"urls": "remove", "hashtags": "keep", "emoji": "separate",
                                                     "elongation": "keep"}


def test_log_count_ratio_on_a_tiny_example():
    # Feature 0 only in the positive rows, feature 1 only in the others, feature 2 everywhere.
    X = sp.csr_matrix([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]], dtype=float)
    ratio = log_count_ratio(X, np.array([True, True, False, False]), alpha=1.0)
    # p = [3, 1, 3] / 7, q = [1, 3, 3] / 7
    np.testing.assert_allclose(ratio, [np.log(3), -np.log(3), 0.0])


def test_nb_classifier_learns_a_synthetic_task():
    rng = np.random.default_rng(0)
    labels = np.array(["against", "favor", "none"])
    y = labels[rng.integers(0, 3, 300)]
    X = rng.random((300, 30)) * 0.2
    for k, label in enumerate(labels):  # a few indicative columns per class
        X[y == label, k * 3:(k + 1) * 3] += 1.0
    model = NBLinearClassifier(LogisticRegression(C=4.0, max_iter=1000)).fit(sp.csr_matrix(X), y)
    assert list(model.classes_) == list(labels)
    assert model.ratios_.shape == (3, 30) and model.coef_.shape == (3, 30)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (model.predict(X) == y).mean() > 0.95
    # The exposed weights are the binary models' weights on the unscaled features.
    np.testing.assert_allclose(model.coef_[1], model.estimators_[1].coef_.ravel() * model.ratios_[1])


def test_nb_classifier_with_two_classes_fits_one_model():
    X = sp.csr_matrix([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=float)
    model = NBLinearClassifier(LogisticRegression(C=10.0)).fit(X, ["a", "a", "b", "b"])
    assert len(model.estimators_) == 1 and model.coef_.shape == (1, 2)
    assert list(model.predict(X)) == ["a", "a", "b", "b"]
    assert model.decision_function(X).shape == (4,)


def test_nb_classifier_rejects_bad_input():
    with pytest.raises(ConfigError, match="alpha must be a positive number; got -1"):
        NBLinearClassifier(LogisticRegression(), alpha=-1).fit(np.eye(2), ["a", "b"])
    with pytest.raises(ValueError, match="needs non-negative features"):
        NBLinearClassifier(LogisticRegression()).fit(-np.eye(2), ["a", "b"])
    with pytest.raises(NotFittedError):
        NBLinearClassifier(LogisticRegression()).predict_proba(np.eye(2))


def _nb_config(**model):
    return ExperimentConfig.from_dict({"name": "t", "features": {"char_ngram_range": [2, 4]},
                                       "model": {"nb_scaling": "log_count_ratio", **model}})


def test_nb_ratios_are_learned_inside_the_pipeline_from_its_training_rows():
    train = slice(0, 12)
    pipeline = build_pipeline(_nb_config()).fit(input_frame(TEXTS[train]), STANCES[train])
    features = pipeline.named_steps["features"].transform(input_frame(TEXTS[train]))
    classifier = pipeline.named_steps["classifier"]
    for row, label in zip(classifier.ratios_, classifier.classes_):
        np.testing.assert_allclose(row, log_count_ratio(features, STANCES[train] == label))
    unfitted = build_pipeline(_nb_config()).named_steps["classifier"]
    assert not hasattr(unfitted, "ratios_")


@pytest.mark.parametrize("classifier", ["logreg", "linear_svm", "sgd"])
def test_nb_works_with_every_classifier(classifier):
    pipeline = build_pipeline(_nb_config(classifier=classifier, C=10.0)).fit(input_frame(TEXTS), STANCES)
    proba = pipeline.predict_proba(input_frame(TEXTS[:3]))
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_modified_huber_sgd_gives_probabilities():
    config = ExperimentConfig.from_dict({"name": "t", "model": {"classifier": "sgd", "sgd_loss": "modified_huber"}})
    pipeline = build_pipeline(config).fit(input_frame(TEXTS), STANCES)
    assert pipeline.named_steps["classifier"].loss == "modified_huber"
    np.testing.assert_allclose(pipeline.predict_proba(input_frame(TEXTS[:3])).sum(axis=1), 1.0)


def test_cleaner_and_nb_round_trip_through_safe_save(tmp_path):
    config = ExperimentConfig.from_dict({"name": "t", "normalize": {"emoji": "separate", "elongation": "collapse"},
                                         "model": {"nb_scaling": "log_count_ratio"}})
    pipeline = build_pipeline(config).fit(input_frame(TEXTS), STANCES)
    model = StanceModel({"stance": pipeline})
    loaded = StanceModel.load(model.save(tmp_path / "m"))
    expected = [c.stance.scores for c in model.classify(TEXTS)]
    for got, want in zip((c.stance.scores for c in loaded.classify(TEXTS)), expected):
        assert got == pytest.approx(want)


def test_mawqif_variants_load():
    paths = sorted((ROOT / "experiments" / "mawqif").glob("*.yaml"))
    assert paths
    for path in paths:
        config = load_config(path)
        assert config.data.target_column == "target" and config.data.positive_labels == ("Favor", "Against")
