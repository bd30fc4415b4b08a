"""Experiment configs: YAML files in ``experiments/`` loaded into frozen dataclasses.

Every section rejects unknown keys and every option set is closed, so a typo in a config
fails loudly (naming the key or value and what is allowed) instead of silently falling
back to a default. :meth:`ExperimentConfig.flat` is what gets logged as MLflow params.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from stance.errors import ConfigError

NGRAM_MODES = ("word", "char", "union")
STEMMERS = ("none", "snowball")
TOKENIZERS = ("simple", "camel_morph")
CLASSIFIERS = ("logreg", "linear_svm", "sgd")
CLASS_WEIGHTS = ("balanced", "none")
SGD_LOSSES = ("log_loss", "modified_huber")
NB_SCALINGS = ("none", "log_count_ratio")
CHAR_ANALYZERS = ("char_wb", "char")
WORD_TOKENS = ("word", "nonspace")
URL_OPTIONS = ("keep", "remove")
HASHTAG_OPTIONS = ("keep", "split", "remove")
EMOJI_OPTIONS = ("keep", "separate", "remove")
ELONGATION_OPTIONS = ("keep", "collapse")
DATA_FORMATS = ("auto", "labels", "csv", "jsonl")


def _check_choice(name: str, value: Any, allowed: tuple) -> None:
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(map(str, allowed))}; got {value!r}")


def _check_bool(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be true or false; got {value!r}")


def _check_range(name: str, value: Any) -> tuple[int, int]:
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise ConfigError(f"{name} must be a pair of integers [low, high]; got {value!r}")
    low, high = value
    if not 1 <= low <= high:
        raise ConfigError(f"{name} must satisfy 1 <= low <= high; got {value!r}")
    return (low, high)


@dataclass(frozen=True)
class DataConfig:
    """Where the training data is and which columns hold what.

    Attributes
    ----------
    path:
        The ``labels/`` folder of this project, or any CSV (UTF-8, BOM allowed) or JSONL file.
        Relative paths are resolved against the current directory.
    format:
        ``auto`` (a folder is the labels corpus, otherwise by file suffix), ``labels``, ``csv``, ``jsonl``.
    text_column:
        Column with the statement text.
    label_column:
        Column with the stance label; the label set is whatever values the data holds.
    frame_column:
        Column with the frame label, or ``None`` to train no frame head.
    group_column:
        Column grouping rows for cross-validation (an article), or ``None`` for plain stratified folds.
    actor_column, actor_type_column:
        Optional columns with the speaker and its type, used when ``features.use_actor`` is on.
    target_column:
        Optional column splitting the data into independent tasks (Mawqif's ``target``): one model per value.
    split_column:
        Optional column whose value ``test`` marks held-out rows never used in cross-validation or fitting.
    positive_labels:
        Labels whose mean F1 is the headline metric (Mawqif: Favor and Against); empty means macro-F1 over all.
    """

    path: str = "labels"
    format: str = "auto"
    text_column: str = "sentence"
    label_column: str = "stance"
    frame_column: str | None = "frame"
    group_column: str | None = "article_id"
    actor_column: str | None = "actor"
    actor_type_column: str | None = "actor_type"
    target_column: str | None = None
    split_column: str | None = "split"
    positive_labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_choice("data.format", self.format, DATA_FORMATS)
        if not self.text_column or not self.label_column:
            raise ConfigError("data.text_column and data.label_column must be non-empty column names")
        object.__setattr__(self, "positive_labels", tuple(self.positive_labels))


@dataclass(frozen=True)
class NormalizeConfig:
    """Arabic normalisation applied inside the saved model (camel-tools functions).

    Attributes
    ----------
    alef:
        Map أ إ آ ٱ to ا.
    ya:
        Map alef maksura ى to ي.
    teh_marbuta:
        Map ة to ه.
    diacritics:
        Remove harakat, shadda, sukun, dagger alef and hamza marks above/below.
    tatweel:
        Remove the tatweel ـ.
    tokenizer:
        ``simple`` (camel-tools ``simple_word_tokenize``, data-free) or ``camel_morph`` (morphological
        tokenisation with the camel-tools MLE disambiguator; needs its data packages, installed with
        ``camel_data -i light``, unless ``morph_db`` is set).
    stemmer:
        ``none`` or ``snowball`` (PyStemmer's Arabic Snowball stemmer, data-free).
    morph_db:
        Optional camel-tools morphology database file (its text format) for ``camel_morph``: words
        are split by that database's most probable analysis instead of the installed packages'
        disambiguator. Relative paths are resolved against the current directory; the file must
        exist (checked when ``tokenizer`` is ``camel_morph``) and stay there for the saved model.
        Ignored with ``tokenizer: simple``.
    urls:
        Tweets: ``keep``, or ``remove`` links, the ``URL`` placeholder and ``@mentions`` before normalising.
    hashtags:
        Tweets: ``keep``; ``split`` (drop ``#``, ``_`` becomes a space: the hashtag's words are kept);
        ``remove`` (drop whole hashtags).
    emoji:
        Tweets: ``keep``; ``separate`` (each emoji its own word token); ``remove``.
    elongation:
        Tweets: ``keep``, or ``collapse`` a letter repeated three or more times to two (``جمييييل``).

    The four tweet options run in :class:`stance.features.TweetCleaner` before the camel-tools
    steps; with all of them ``keep`` (the default) the pipeline has no such step.
    """

    alef: bool = True
    ya: bool = True
    teh_marbuta: bool = True
    diacritics: bool = True
    tatweel: bool = True
    tokenizer: str = "simple"
    stemmer: str = "none"
    morph_db: str | None = None
    urls: str = "keep"
    hashtags: str = "keep"
    emoji: str = "keep"
    elongation: str = "keep"

    def __post_init__(self) -> None:
        _check_choice("normalize.tokenizer", self.tokenizer, TOKENIZERS)
        _check_choice("normalize.stemmer", self.stemmer, STEMMERS)
        _check_choice("normalize.urls", self.urls, URL_OPTIONS)
        _check_choice("normalize.hashtags", self.hashtags, HASHTAG_OPTIONS)
        _check_choice("normalize.emoji", self.emoji, EMOJI_OPTIONS)
        _check_choice("normalize.elongation", self.elongation, ELONGATION_OPTIONS)
        if self.morph_db is not None:
            if not isinstance(self.morph_db, str) or not self.morph_db:
                raise ConfigError(f"normalize.morph_db must be a file path or null; got {self.morph_db!r}")
            if self.tokenizer == "camel_morph" and not Path(self.morph_db).expanduser().is_file():
                raise ConfigError(f"normalize.morph_db: {self.morph_db}: file not found")


@dataclass(frozen=True)
class FeaturesConfig:
    """TF-IDF features.

    Attributes
    ----------
    ngrams:
        ``word``, ``char`` (character n-grams, see ``char_analyzer``) or ``union`` of both.
    word_ngram_range, char_ngram_range:
        n-gram ranges ``[low, high]``.
    char_analyzer:
        ``char_wb`` (n-grams inside word boundaries, padded with spaces) or ``char`` (n-grams across
        word boundaries too).
    word_token:
        What the word vectoriser counts: ``word`` (runs of letters and digits) or ``nonspace`` (every
        token the normaliser leaves, punctuation and emoji included).
    min_df:
        Minimum document frequency of a feature (a count).
    max_df:
        Maximum document frequency of a feature, as a fraction of the documents in ``(0, 1]``.
    max_features:
        Cap on each vectoriser's vocabulary, or ``None``.
    sublinear_tf:
        Use ``1 + log(tf)``.
    binary:
        Count each feature at most once per document (before idf weighting).
    use_actor:
        Add the actor type (one-hot) and the actor's words beside the text.
    """

    ngrams: str = "union"
    word_ngram_range: tuple[int, int] = (1, 2)
    char_ngram_range: tuple[int, int] = (2, 5)
    char_analyzer: str = "char_wb"
    word_token: str = "word"
    min_df: int = 1
    max_df: float = 1.0
    max_features: int | None = None
    sublinear_tf: bool = True
    binary: bool = False
    use_actor: bool = False

    def __post_init__(self) -> None:
        _check_choice("features.ngrams", self.ngrams, NGRAM_MODES)
        _check_choice("features.char_analyzer", self.char_analyzer, CHAR_ANALYZERS)
        _check_choice("features.word_token", self.word_token, WORD_TOKENS)
        _check_bool("features.sublinear_tf", self.sublinear_tf)
        _check_bool("features.binary", self.binary)
        _check_bool("features.use_actor", self.use_actor)
        if isinstance(self.max_df, bool) or not isinstance(self.max_df, (int, float)) or not 0 < self.max_df <= 1:
            raise ConfigError(f"features.max_df must be a fraction of documents in (0, 1]; got {self.max_df!r}")
        object.__setattr__(self, "max_df", float(self.max_df))
        object.__setattr__(self, "word_ngram_range", _check_range("features.word_ngram_range", self.word_ngram_range))
        object.__setattr__(self, "char_ngram_range", _check_range("features.char_ngram_range", self.char_ngram_range))
        if not isinstance(self.min_df, int) or self.min_df < 1:
            raise ConfigError(f"features.min_df must be an integer >= 1; got {self.min_df!r}")
        if self.max_features is not None and (not isinstance(self.max_features, int) or self.max_features < 1):
            raise ConfigError(f"features.max_features must be a positive integer or null; got {self.max_features!r}")


@dataclass(frozen=True)
class ModelConfig:
    """The linear classifier.

    Attributes
    ----------
    classifier:
        ``logreg`` (LogisticRegression), ``linear_svm`` (LinearSVC wrapped in sigmoid calibration so it
        gives probabilities) or ``sgd`` (SGDClassifier, loss ``sgd_loss``).
    C:
        Inverse regularisation strength (``logreg``, ``linear_svm``); ``sgd`` uses ``alpha = 1 / (C * n)``.
    class_weight:
        ``balanced`` or ``none``.
    max_iter:
        Iteration cap of the solver.
    sgd_loss:
        Loss of ``sgd``: ``log_loss`` or ``modified_huber`` (a smoothed hinge that still gives
        probabilities). Ignored by the other classifiers.
    nb_scaling:
        ``none``, or ``log_count_ratio``: NB-SVM / NB-LR (Wang and Manning 2012), one binary
        classifier per class on features scaled by that class's naive-Bayes log-count ratio
        (:class:`stance.features.NBLinearClassifier`; the ratios are learned inside each fold).
    nb_alpha:
        Smoothing of the log-count ratios (``nb_scaling: log_count_ratio`` only).
    """

    classifier: str = "logreg"
    C: float = 4.0
    class_weight: str = "balanced"
    max_iter: int = 2000
    sgd_loss: str = "log_loss"
    nb_scaling: str = "none"
    nb_alpha: float = 1.0

    def __post_init__(self) -> None:
        _check_choice("model.classifier", self.classifier, CLASSIFIERS)
        _check_choice("model.class_weight", self.class_weight, CLASS_WEIGHTS)
        _check_choice("model.sgd_loss", self.sgd_loss, SGD_LOSSES)
        _check_choice("model.nb_scaling", self.nb_scaling, NB_SCALINGS)
        if isinstance(self.C, bool) or not isinstance(self.C, (int, float)) or self.C <= 0:
            raise ConfigError(f"model.C must be a positive number; got {self.C!r}")
        object.__setattr__(self, "C", float(self.C))
        if isinstance(self.nb_alpha, bool) or not isinstance(self.nb_alpha, (int, float)) or self.nb_alpha <= 0:
            raise ConfigError(f"model.nb_alpha must be a positive number; got {self.nb_alpha!r}")
        object.__setattr__(self, "nb_alpha", float(self.nb_alpha))


@dataclass(frozen=True)
class EvalConfig:
    """Cross-validation and reporting.

    Attributes
    ----------
    n_splits:
        Number of grouped folds (no group in both train and test of a fold).
    seed:
        Random seed for fold assignment and stochastic solvers.
    learning_curve:
        Also compute a learning curve (macro-F1 against training-set size).
    """

    n_splits: int = 5
    seed: int = 13
    learning_curve: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.n_splits, int) or self.n_splits < 2:
            raise ConfigError(f"eval.n_splits must be an integer >= 2; got {self.n_splits!r}")


@dataclass(frozen=True)
class TrackingConfig:
    """Where runs go.

    Attributes
    ----------
    experiment:
        MLflow experiment name.
    registered_model:
        Registry name of the model; ``None`` to not register.
    """

    experiment: str = "stance"
    registered_model: str | None = "stance-classifier"


@dataclass(frozen=True)
class ExperimentConfig:
    """A whole experiment: one YAML file in ``experiments/``.

    Attributes
    ----------
    name:
        Run name in MLflow.
    description:
        One line on what the variant tests.
    """

    name: str
    description: str = ""
    data: DataConfig = field(default_factory=DataConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    features: FeaturesConfig = field(default_factory=FeaturesConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str = "<config>") -> "ExperimentConfig":
        """Build a config from a mapping, rejecting unknown keys.

        Parameters
        ----------
        raw:
            The parsed YAML.
        source:
            Name used in error messages.
        """
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{source}: the config must be a mapping at the top level")
        sections = {f.name: f.type for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - set(sections))
        if unknown:
            raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sections)}")
        if "name" not in raw:
            raise ConfigError(f"{source}: missing required key 'name'")
        kwargs: dict[str, Any] = {"name": str(raw["name"]), "description": str(raw.get("description", ""))}
        for section_name, section_cls in _SECTIONS.items():
            value = raw.get(section_name) or {}
            if not isinstance(value, Mapping):
                raise ConfigError(f"{source}: section '{section_name}' must be a mapping")
            allowed = {f.name for f in dataclasses.fields(section_cls)}
            bad = sorted(set(value) - allowed)
            if bad:
                raise ConfigError(
                    f"{source}: unknown key(s) {', '.join(f'{section_name}.{b}' for b in bad)}; "
                    f"allowed: {', '.join(sorted(allowed))}"
                )
            try:
                kwargs[section_name] = section_cls(**value)
            except ConfigError as exc:
                raise ConfigError(f"{source}: {exc}") from None
        return cls(**kwargs)

    def with_data_path(self, path: str | Path) -> "ExperimentConfig":
        """Return a copy whose data path is ``path`` (the ``--data`` override)."""
        return dataclasses.replace(self, data=dataclasses.replace(self.data, path=str(path)))

    def flat(self) -> dict[str, str]:
        """Flatten to ``section.key -> str`` for logging as MLflow params."""
        flat: dict[str, str] = {"name": self.name}
        for section_name in _SECTIONS:
            for key, value in dataclasses.asdict(getattr(self, section_name)).items():
                flat[f"{section_name}.{key}"] = str(value)
        return flat

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (YAML-serialisable) of the whole config."""
        out = dataclasses.asdict(self)
        for section in out.values():
            if isinstance(section, dict):
                for key, value in section.items():
                    if isinstance(value, tuple):
                        section[key] = list(value)
        return out


_SECTIONS = {
    "data": DataConfig,
    "normalize": NormalizeConfig,
    "features": FeaturesConfig,
    "model": ModelConfig,
    "eval": EvalConfig,
    "tracking": TrackingConfig,
}


def load_config(path: str | Path) -> ExperimentConfig:
    """Load an experiment YAML file.

    Parameters
    ----------
    path:
        The YAML file.

    Returns
    -------
    ExperimentConfig

    Raises
    ------
    ConfigError
        If the file is missing, is not valid YAML, or holds an unknown key or value.
    """

    path = Path(path)
    return ExperimentConfig.from_dict(_load_raw(path, seen=()), source=str(path))


def _load_raw(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """Read a YAML mapping; a ``base: other.yaml`` key (relative to the file) is loaded first and
    overridden section by section, so a variant states only what it changes."""
    import yaml

    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    if path.resolve() in seen:
        raise ConfigError(f"{path}: circular 'base' chain")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the config must be a mapping at the top level")
    base = raw.pop("base", None)
    if base is None:
        return raw
    merged = _load_raw(path.parent / str(base), seen + (path.resolve(),))
    for key, value in raw.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged
