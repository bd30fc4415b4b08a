import numpy as np
import pytest

from stance.config import ConfigError
from stance.normalize import ArabicNormalizer, normalize_arabic, stem_tokens, tokenize


@pytest.mark.parametrize("raw, expected", [
    ("أكد", "اكد"),                      # hamza on alef
    ("إيران", "ايران"),                  # hamza under alef
    ("آخر", "اخر"),                      # madda
    ("مستشفى", "مستشفي"),                # alef maksura -> ya
    ("الحكومة", "الحكومه"),              # teh marbuta -> heh
    ("بيّنَ", "بين"),                    # shadda and fatha
    ("الانسحـــاب", "الانسحاب"),         # tatweel
    ("  قال   الوزير ", "قال الوزير"),     # whitespace
])
def test_normalize_arabic_folds_variants(raw, expected):
    assert normalize_arabic(raw) == expected


@pytest.mark.parametrize("option, raw", [
    ("alef", "أكد"), ("ya", "مستشفى"), ("teh_marbuta", "الحكومة"), ("diacritics", "بيّن"), ("tatweel", "انسحـاب"),
])
def test_each_option_can_be_turned_off(option, raw):
    assert normalize_arabic(raw, **{option: False}) != normalize_arabic(raw)


def test_normalisation_is_idempotent_with_hamza_marks():
    text = "قالَ المسؤولُ إنّ الانسحابَ سيُنجزُ \u0654"
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


def test_tokenize_splits_punctuation_but_not_words():
    assert tokenize("قال: «لا انسحاب»، اليوم.") == ["قال", ":", "«", "لا", "انسحاب", "»", "،", "اليوم", "."]


def test_snowball_stemmer_strips_affixes():
    assert stem_tokens(["بانسحاب"], "none") == ["بانسحاب"]
    assert stem_tokens(["والمستشارين"], "snowball") != ["والمستشارين"]


def test_unknown_stemmer_lists_allowed_values():
    with pytest.raises(ConfigError, match="stemmer must be one of none, snowball; got 'porter'"):
        stem_tokens(["x"], "porter")


def test_transformer_outputs_space_joined_normalised_tokens():
    out = ArabicNormalizer().fit(["x"]).transform(["أكّد الوزيرُ: «الانسحاب»"])
    assert isinstance(out, np.ndarray)
    assert out.tolist() == ["اكد الوزير : « الانسحاب »"]


def test_transformer_rejects_unknown_tokenizer_at_fit():
    with pytest.raises(ConfigError, match="tokenizer must be one of simple, camel_morph; got 'bert'"):
        ArabicNormalizer(tokenizer="bert").fit(["x"])
