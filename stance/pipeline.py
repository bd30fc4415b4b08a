"""The one factory that builds the scikit-learn pipeline from a config.

Input of every pipeline is a DataFrame with the columns of :data:`INPUT_COLUMNS`
(``text``, ``actor``, ``actor_type``; empty strings where unknown). Nothing else in the
package constructs estimators.
"""

from __future__ import annotations

from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.svm import LinearSVC

from stance.config import ExperimentConfig, FeaturesConfig, ModelConfig, NormalizeConfig
from stance.features import NBLinearClassifier, TweetCleaner
from stance.normalize import ArabicNormalizer

INPUT_COLUMNS = ("text", "actor", "actor_type")
# Tokens are already split by the normaliser; punctuation tokens (، « :) are left to the char n-grams
# unless features.word_token is "nonspace", which counts every token the normaliser leaves.
_WORD_TOKEN = r"(?u)\w+"
_TOKEN_PATTERNS = {"word": _WORD_TOKEN, "nonspace": r"\S+"}
_TWEET_OPTIONS = ("urls", "hashtags", "emoji", "elongation")


def build_normalizer(config: NormalizeConfig) -> ArabicNormalizer:
    """The camel-tools normaliser configured by ``config``."""
    return ArabicNormalizer(
        alef=config.alef,
        ya=config.ya,
        teh_marbuta=config.teh_marbuta,
        diacritics=config.diacritics,
        tatweel=config.tatweel,
        tokenizer=config.tokenizer,
        stemmer=config.stemmer,
        morph_db=config.morph_db,
    )


def build_tweet_cleaner(config: NormalizeConfig) -> TweetCleaner | None:
    """The tweet cleaner configured by ``config``, or ``None`` when every tweet option is ``keep``."""
    options = {name: getattr(config, name) for name in _TWEET_OPTIONS}
    if all(value == "keep" for value in options.values()):
        return None
    return TweetCleaner(**options)


def _text_features(features: FeaturesConfig):
    common = dict(min_df=features.min_df, max_df=features.max_df, max_features=features.max_features,
                  sublinear_tf=features.sublinear_tf, binary=features.binary, lowercase=False)
    parts = []
    if features.ngrams in ("word", "union"):
        parts.append(("word", TfidfVectorizer(analyzer="word", token_pattern=_TOKEN_PATTERNS[features.word_token],
                                              ngram_range=features.word_ngram_range, **common)))
    if features.ngrams in ("char", "union"):
        parts.append(("char", TfidfVectorizer(analyzer=features.char_analyzer, ngram_range=features.char_ngram_range,
                                              **common)))
    return FeatureUnion(parts)


def build_classifier(config: ModelConfig, seed: int = 13):
    """The linear classifier configured by ``config`` (always exposes ``predict_proba``).

    With ``nb_scaling: log_count_ratio`` it is an :class:`~stance.features.NBLinearClassifier`
    around the configured linear model.
    """
    linear = _linear_classifier(config, seed)
    if config.nb_scaling == "log_count_ratio":
        return NBLinearClassifier(linear, alpha=config.nb_alpha)
    return linear


def _linear_classifier(config: ModelConfig, seed: int):
    class_weight = None if config.class_weight == "none" else "balanced"
    if config.classifier == "logreg":
        return LogisticRegression(C=config.C, class_weight=class_weight, max_iter=config.max_iter)
    if config.classifier == "linear_svm":
        svm = LinearSVC(C=config.C, class_weight=class_weight, max_iter=config.max_iter, random_state=seed)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=3)
    # sgd: alpha is the regularisation per sample; map C to it on a nominal 1000 samples.
    return SGDClassifier(loss=config.sgd_loss, alpha=1.0 / (config.C * 1000), class_weight=class_weight,
                         max_iter=config.max_iter, random_state=seed, tol=1e-4)


def build_pipeline(config: ExperimentConfig) -> Pipeline:
    """Build [tweet cleaner ->] normaliser -> TF-IDF (word, char or both) [+ actor features] -> linear classifier.

    Parameters
    ----------
    config:
        The experiment; its ``normalize``, ``features`` and ``model`` sections are used.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Unfitted; expects a DataFrame with ``text``, ``actor`` and ``actor_type`` columns.
    """
    cleaner = build_tweet_cleaner(config.normalize)
    text_branch = Pipeline([
        *([("clean", cleaner)] if cleaner is not None else []),
        ("normalize", build_normalizer(config.normalize)),
        ("tfidf", _text_features(config.features)),
    ])
    branches = [("text", text_branch, "text")]
    if config.features.use_actor:
        branches.append(("actor_type", OneHotEncoder(handle_unknown="ignore"), ["actor_type"]))
        actor_words = Pipeline([
            ("normalize", build_normalizer(config.normalize)),
            ("tfidf", TfidfVectorizer(analyzer="word", token_pattern=_WORD_TOKEN, lowercase=False)),
        ])
        branches.append(("actor", actor_words, "actor"))
    features = ColumnTransformer(branches, remainder="drop", sparse_threshold=1.0)
    return Pipeline([("features", features), ("classifier", build_classifier(config.model, config.eval.seed))])
