"""Safe model loading: a head holding a type outside the trusted set is refused, checksum or not."""

import builtins
import os

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from stance.errors import ModelError
from stance.model import StanceModel


@pytest.mark.parametrize("function,name", [(os.system, "posix.system"), (builtins.eval, "builtins.eval"),
                                           (builtins.getattr, "builtins.getattr")])
def test_untrusted_function_in_a_head_is_refused(tmp_path, function, name):
    import numpy as np

    head = Pipeline([("hook", FunctionTransformer(func=function)), ("classifier", LogisticRegression())])
    head.named_steps["classifier"].fit(np.array([[0.0], [1.0]]), ["a", "b"])
    # save() records the right checksum, so only the type check stands between the file and load.
    directory = StanceModel(heads={"stance": head}).save(tmp_path / "model")
    with pytest.raises(ModelError) as caught:
        StanceModel.load(directory)
    assert str(caught.value) == f"{directory / 'stance.skops'}: refusing to load untrusted type(s) {name}"
