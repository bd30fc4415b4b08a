import numpy as np
import pytest

from stance.config import ExperimentConfig
from stance.explain import explain_row, top_ngrams
from stance.model import StanceModel, input_frame
from stance.pipeline import build_pipeline
from stance.train import grouped_folds
from tests.conftest import STATEMENTS

TEXTS = [s[1] for s in STATEMENTS]
STANCES = np.array([s[4] for s in STATEMENTS])
GROUPS = np.array([s[0] for s in STATEMENTS])


def _config(**model):
    return ExperimentConfig.from_dict({"name": "t", "features": {"char_ngram_range": [2, 4]}, "model": model})


@pytest.mark.parametrize("classifier", ["logreg", "linear_svm", "sgd"])
def test_every_classifier_fits_and_gives_probabilities(classifier):
    pipeline = build_pipeline(_config(classifier=classifier)).fit(input_frame(TEXTS), STANCES)
    proba = pipeline.predict_proba(input_frame(TEXTS[:3]))
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_training_data_is_learned():
    pipeline = build_pipeline(_config(C=100.0)).fit(input_frame(TEXTS), STANCES)
    assert (pipeline.predict(input_frame(TEXTS)) == STANCES).mean() == 1.0


def test_normaliser_is_inside_the_pipeline_so_variants_score_alike():
    pipeline = build_pipeline(_config()).fit(input_frame(TEXTS), STANCES)
    a = pipeline.predict_proba(input_frame(["أكد المتحدث أن الشراكة الأمنية ستستمر"]))
    b = pipeline.predict_proba(input_frame(["اكّد المتحدّث ان الشراكه الامنيه ستستمر"]))
    np.testing.assert_allclose(a, b)


def test_actor_features_change_the_feature_space():
    base = build_pipeline(_config()).fit(input_frame(TEXTS), STANCES)
    config = ExperimentConfig.from_dict({"name": "t", "features": {"use_actor": True}})
    actors = [s[2] for s in STATEMENTS]
    types = [s[3] for s in STATEMENTS]
    with_actor = build_pipeline(config).fit(input_frame(TEXTS, actors, types), STANCES)
    names = with_actor.named_steps["features"].get_feature_names_out()
    assert any(n.startswith("actor_type__") for n in names)
    assert len(names) > len(base.named_steps["features"].get_feature_names_out())


def test_grouped_folds_never_share_an_article():
    for train, test in grouped_folds(STANCES, GROUPS, 3, seed=1):
        assert not set(GROUPS[train]) & set(GROUPS[test])


def test_top_ngrams_and_explanation():
    pipeline = build_pipeline(_config()).fit(input_frame(TEXTS), STANCES)
    table = top_ngrams(pipeline, k=5)
    assert set(table["class"]) == set(STANCES) and len(table) == 15
    pushes = explain_row(pipeline, input_frame(["طالبت الفصائل بخروج القوات الأجنبية وإنهاء الاحتلال"]),
                         "full_withdrawal", k=5)
    assert pushes and all(p.contribution > 0 for p in pushes)


def test_model_round_trips_through_safe_save(tmp_path):
    pipeline = build_pipeline(_config()).fit(input_frame(TEXTS), STANCES)
    model = StanceModel({"stance": pipeline}, {"note": "x"})
    model.save(tmp_path / "m")
    loaded = StanceModel.load(tmp_path / "m")
    assert [c.stance.label for c in loaded.classify(TEXTS)] == [c.stance.label for c in model.classify(TEXTS)]
    assert loaded.meta["note"] == "x"


def test_heads_with_identical_features_share_one_transform(tmp_path):
    frames = np.array([s[5] for s in STATEMENTS])
    X = input_frame(TEXTS)
    stance = build_pipeline(_config()).fit(X, STANCES)
    frame = build_pipeline(_config()).fit(X, frames)
    model = StanceModel({"stance": stance, "frame": frame})
    assert model.feature_owner("stance") == model.feature_owner("frame")
    shared = model.classify(TEXTS)
    assert [c.stance.label for c in shared] == list(stance.predict(X))
    assert [c.frame.label for c in shared] == list(frame.predict(X))
    np.testing.assert_allclose([c.frame.scores[str(frame.classes_[0])] for c in shared], frame.predict_proba(X)[:, 0])


def test_heads_fitted_on_different_rows_do_not_share_features():
    frames = np.array([s[5] for s in STATEMENTS])
    stance = build_pipeline(_config()).fit(input_frame(TEXTS), STANCES)
    frame = build_pipeline(_config()).fit(input_frame(TEXTS[:12]), frames[:12])
    model = StanceModel({"stance": stance, "frame": frame})
    assert model.feature_owner("frame") == "frame"
    assert [c.frame.label for c in model.classify(TEXTS)] == list(frame.predict(input_frame(TEXTS)))
