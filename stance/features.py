"""Extra scikit-learn steps for short social-media texts: a tweet cleaner and NB-scaled linear models.

Both are built only by :func:`stance.pipeline.build_pipeline` and travel inside the saved model
(skops trusts the ``stance.`` prefix), so training and scoring can never disagree.

- :class:`TweetCleaner` runs before the camel-tools normaliser: it drops URLs, splits or drops
  hashtags, drops or separates emoji and collapses letter elongation (``رااااائع`` -> ``رائع``).
- :class:`NBLinearClassifier` is the NB-SVM / NB-LR of Wang and Manning (2012): for each class,
  features are scaled by the naive-Bayes log-count ratio of that class against the rest, and a
  binary linear model is fitted on the scaled features (one-vs-rest). The ratios are learned in
  ``fit``, so under cross-validation they only ever see the training folds.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from stance.config import ELONGATION_OPTIONS, EMOJI_OPTIONS, HASHTAG_OPTIONS, URL_OPTIONS
from stance.errors import ConfigError

# "URL" is the placeholder Mawqif (and many Arabic tweet corpora) put where a link was.
_URL = re.compile(r"https?://\S+|www\.\S+|\bURL\b")
_MENTION = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"#+(\w+)")
# Pictographs, dingbats, flags, skin tones, variation selectors and the zero-width joiner.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\U0001F3FB-\U0001F3FF]+")
# Three or more of the same letter: tweets stretch words for emphasis (جمييييل, ههههههه).
_ELONGATED = re.compile(r"(\w)\1{2,}")
_SPACES = re.compile(r"\s+")


def clean_tweet(text: str, urls: str = "keep", hashtags: str = "keep", emoji: str = "keep",
                elongation: str = "keep") -> str:
    """Clean one tweet before Arabic normalisation.

    Args:
        text: The tweet.
        urls: ``keep``, or ``remove`` links, the ``URL`` placeholder and ``@mentions``.
        hashtags: ``keep``; ``split`` drops the ``#`` and turns ``_`` into spaces, so
            ``#تمكين_المرأة`` reads as the words ``تمكين المرأة``; ``remove`` drops the whole hashtag.
        emoji: ``keep``; ``separate`` puts spaces around each emoji run so it is a word token of its own
            (and each emoji a character n-gram of its own); ``remove`` drops them.
        elongation: ``keep``, or ``collapse`` runs of three or more of the same letter to two.

    Returns:
        The cleaned text, whitespace collapsed to single spaces.
    """
    if urls == "remove":
        text = _MENTION.sub(" ", _URL.sub(" ", text))
    if hashtags == "split":
        text = _HASHTAG.sub(lambda m: " " + m.group(1).replace("_", " ") + " ", text)
    elif hashtags == "remove":
        text = _HASHTAG.sub(" ", text)
    if emoji == "separate":
        text = _EMOJI.sub(lambda m: " " + " ".join(m.group(0)) + " ", text)
    elif emoji == "remove":
        text = _EMOJI.sub(" ", text)
    if elongation == "collapse":
        text = _ELONGATED.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


class TweetCleaner(TransformerMixin, BaseEstimator):
    """:func:`clean_tweet` as a scikit-learn transformer (nothing is learned).

    Parameters
    ----------
    urls, hashtags, emoji, elongation:
        See :func:`clean_tweet`; the defaults change nothing but whitespace.
    """

    def __init__(self, urls: str = "keep", hashtags: str = "keep", emoji: str = "keep", elongation: str = "keep"):
        self.urls = urls
        self.hashtags = hashtags
        self.emoji = emoji
        self.elongation = elongation

    def fit(self, X, y=None):
        """Validate the options."""
        for name, allowed in (("urls", URL_OPTIONS), ("hashtags", HASHTAG_OPTIONS), ("emoji", EMOJI_OPTIONS),
                              ("elongation", ELONGATION_OPTIONS)):
            value = getattr(self, name)
            if value not in allowed:
                raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        """Return a 1-D array of cleaned texts."""
        check_is_fitted(self, "n_features_in_")
        return np.asarray([clean_tweet(text, self.urls, self.hashtags, self.emoji, self.elongation)
                           for text in _as_texts(X)], dtype=object)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(["cleaned_text"], dtype=object)


def _as_texts(X) -> list[str]:
    """Accept a list, array, Series or one-column DataFrame of strings."""
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
        X = X.iloc[:, 0]
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in X]


def log_count_ratio(X, positive: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """The naive-Bayes log-count ratio of every feature, ``positive`` rows against the rest.

    Args:
        X: Non-negative feature matrix (sparse or dense), one row per document.
        positive: Boolean mask of the rows of the class.
        alpha: Additive smoothing of the feature sums.

    Returns:
        ``log((p / |p|_1) / (q / |q|_1))`` with ``p = alpha + sum of positive rows`` and ``q`` the
        same over the other rows, one value per column.
    """
    p = alpha + np.asarray(X[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(X[~positive].sum(axis=0)).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


class NBLinearClassifier(ClassifierMixin, BaseEstimator):
    """Naive-Bayes-scaled linear classifier (NB-SVM / NB-LR, Wang and Manning 2012), one-vs-rest.

    For each class ``c`` the features are multiplied by :func:`log_count_ratio` of ``c`` against the
    other classes, and a clone of ``estimator`` is fitted on them to tell ``c`` from the rest. The
    one-vs-rest probabilities of the classes are normalised to sum to one. With two classes one
    model is fitted (ratio of the second class against the first).

    Parameters
    ----------
    estimator:
        A binary linear classifier with ``predict_proba`` (what :func:`stance.pipeline.build_classifier` returns).
    alpha:
        Smoothing of the count ratios; larger values pull the ratios towards zero.

    Attributes
    ----------
    classes_:
        The class labels, sorted.
    ratios_:
        ``(n_models, n_features)`` log-count ratios, one row per fitted binary model.
    estimators_:
        The fitted binary models, one per class (one in total with two classes).
    coef_, intercept_:
        Weights on the unscaled features (``ratio * weight`` of each binary model; for a calibrated
        SVM the mean over its calibration folds), so ``explain`` reads this model like any linear one.
    """

    def __init__(self, estimator=None, alpha: float = 1.0):
        self.estimator = estimator
        self.alpha = alpha

    def fit(self, X, y):
        """Learn the ratios on ``X`` and ``y`` and fit one binary model per class."""
        if self.estimator is None:
            raise ConfigError("NBLinearClassifier needs an estimator (a binary linear classifier)")
        if not isinstance(self.alpha, (int, float)) or isinstance(self.alpha, bool) or self.alpha <= 0:
            raise ConfigError(f"alpha must be a positive number; got {self.alpha!r}")
        X = sp.csr_matrix(X) if not sp.issparse(X) else X.tocsr()
        if X.min() < 0:
            raise ValueError("NBLinearClassifier needs non-negative features (counts or TF-IDF)")
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"NBLinearClassifier needs at least two classes; got {list(self.classes_)}")
        positives = [self.classes_[1]] if len(self.classes_) == 2 else list(self.classes_)
        ratios, estimators = [], []
        for label in positives:
            is_label = y == label
            ratio = log_count_ratio(X, is_label, float(self.alpha))
            estimators.append(clone(self.estimator).fit(_scale(X, ratio), is_label.astype(int)))
            ratios.append(ratio)
        self.ratios_ = np.vstack(ratios)
        self.estimators_ = estimators
        weights = [_binary_weights(e) for e in estimators]
        self.coef_ = np.vstack([w * r for (w, _), r in zip(weights, ratios)])
        self.intercept_ = np.asarray([b for _, b in weights])
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        """Class probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "estimators_")
        X = sp.csr_matrix(X) if not sp.issparse(X) else X.tocsr()
        positive = np.column_stack([e.predict_proba(_scale(X, r))[:, list(e.classes_).index(1)]
                                    for e, r in zip(self.estimators_, self.ratios_)])
        if len(self.classes_) == 2:
            return np.column_stack([1.0 - positive[:, 0], positive[:, 0]])
        total = positive.sum(axis=1, keepdims=True)
        uniform = np.full_like(positive, 1.0 / positive.shape[1])
        return np.divide(positive, total, out=uniform, where=total > 0)

    def decision_function(self, X):
        """``X @ coef_.T + intercept_`` (one column with two classes, as scikit-learn's linear models)."""
        check_is_fitted(self, "estimators_")
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if len(self.classes_) == 2 else scores

    def predict(self, X):
        """The most probable class of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def _scale(X, ratio: np.ndarray):
    return X @ sp.diags(ratio)


def _binary_weights(estimator) -> tuple[np.ndarray, float]:
    """The weight vector and intercept of a fitted binary linear model (calibrated SVMs: mean over folds)."""
    if hasattr(estimator, "calibrated_classifiers_"):
        parts = [c.estimator for c in estimator.calibrated_classifiers_]
        return (np.mean([p.coef_.ravel() for p in parts], axis=0),
                float(np.mean([p.intercept_.ravel()[0] for p in parts])))
    return np.asarray(estimator.coef_).ravel(), float(np.asarray(estimator.intercept_).ravel()[0])
