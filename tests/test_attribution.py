"""Tests for stance.attribution: cues, speakers, quotations, continuations, titles."""

from __future__ import annotations

import pytest

from stance.actors import ActorIndex
from stance.attribution import find_statements, statement_units

ACTORS = ActorIndex.from_records(
    [
        {"canonical": "فؤاد حسين", "type": "iraqi_government", "aliases": ["وزير الخارجية العراقي", "وزير الخارجية فؤاد حسين"]},
        {"canonical": "لويد أوستن", "type": "us_government", "aliases": ["أوستن", "وزير الدفاع الأمريكي"]},
        {"canonical": "كتائب حزب الله", "type": "armed_faction", "aliases": ["الكتائب"]},
        {"canonical": "مصادر حكومية عراقية", "type": "iraqi_government", "aliases": ["مصادر حكومية", "مصادر مسؤولة"]},
        {"canonical": "قائد عسكري عراقي", "type": "iraqi_government", "aliases": ["قائد عسكري رفيع", "مصدر أمني"]},
        {"canonical": "مسؤولون أمريكيون", "type": "us_government", "aliases": ["مسؤول أمريكي"]},
        {"canonical": "مقتدى الصدر", "type": "political_party", "aliases": ["الصدر", "زعيم التيار الصدري"]},
        {"canonical": "وكالة الأنباء العراقية", "type": "iraqi_government", "aliases": ["واع"]},
    ]
)


def _one(text: str):
    [statement] = find_statements(text, ACTORS)
    assert text[statement.start : statement.end] == statement.sentence
    return statement


@pytest.mark.parametrize(
    "text, canonical, cue",
    [
        ("وقال وزير الخارجية العراقي فؤاد حسين إن الحوار مستمر.", "فؤاد حسين", "وقال"),
        ("أكدت كتائب حزب الله في بيان أن القوات يجب أن ترحل.", "كتائب حزب الله", "أكدت"),
        ("أما كتائب حزب الله فاعتبرت أن القرار نصر كبير.", "كتائب حزب الله", "فاعتبرت"),
        ("وأفادت مصادر حكومية عراقية في بغداد، لـ\"العربي الجديد\"، بأن الاتفاق نهائي.", "مصادر حكومية عراقية", "وأفادت"),
        ("لكن قائداً عسكرياً رفيعاً في الجيش العراقي أقر بأن المناقشات شملت التحالف.", "قائد عسكري عراقي", "أقر"),
        ("«لن نقبل بأي قوات أجنبية»، قال زعيم التيار الصدري.", "مقتدى الصدر", "قال"),
        ("وبحسب مصادر مسؤولة، فإن المفاوضات توقفت.", "مصادر حكومية عراقية", "وبحسب"),
        ("ونقلت وكالة الأنباء العراقية عن مصدر أمني قوله إن الصواريخ أطلقت من حديثة.", "قائد عسكري عراقي", "ونقلت"),
        ("وقال مسؤول أمريكي طلب عدم ذكر اسمه إن الانسحاب سيكون تدريجياً.", "مسؤولون أمريكيون", "وقال"),
        ("ويرى الخبير الأمني سرمد البياتي أن الاتفاق يشمل القوات الأمريكية.", "الخبير الأمني سرمد البياتي", "ويرى"),
    ],
)
def test_speaker_forms(text: str, canonical: str, cue: str):
    statement = _one(text)
    assert (statement.actor_canonical, statement.cue) == (canonical, cue)


def test_unattributed_sentences_are_not_statements():
    text = "وينتشر في العراق نحو 2500 جندي أمريكي. وتعرضت قاعدة عين الأسد لهجوم بصاروخين."
    assert find_statements(text, ACTORS) == []


def test_pronoun_continuation_takes_the_previous_actor():
    text = "وقال وزير الدفاع الأمريكي لويد أوستن إن المحادثات بدأت. وأضاف: «نحن ملتزمون بأمن العراق»."
    first, second = find_statements(text, ACTORS)
    assert second.actor == first.actor and second.actor_canonical == "لويد أوستن"
    assert second.cue == "وأضاف"


def test_title_alone_resolves_to_the_last_actor_with_that_title():
    text = (
        "وقال وزير الخارجية فؤاد حسين إن العراق لا يحتاج إلى قوات قتالية.\n"
        "وأكد الصدر أن الاحتلال يجب أن يرحل.\n"
        "وتابع الوزير أن الحوار مع واشنطن سيستمر."
    )
    statements = find_statements(text, ACTORS)
    assert [s.actor_canonical for s in statements] == ["فؤاد حسين", "مقتدى الصدر", "فؤاد حسين"]
    assert statements[2].actor == "الوزير"


def test_quotation_over_several_sentences_is_one_statement():
    text = "وقال أوستن: «بدأت المحادثات. وستستمر أسابيع. ولن ننسحب فجأة». وتعرضت قاعدة لهجوم."
    [statement] = find_statements(text, ACTORS)
    assert statement.sentence == "وقال أوستن: «بدأت المحادثات. وستستمر أسابيع. ولن ننسحب فجأة»."


def test_statement_units_join_only_open_quotations():
    text = "قال: «أولاً. ثانياً». ثم خرج. وقال: \"نعم. لا\"."
    assert [text[s:e] for s, e in statement_units(text)] == ["قال: «أولاً. ثانياً».", "ثم خرج.", 'وقال: "نعم. لا".']


def test_boilerplate_lines_are_skipped():
    text = "اقرأ أيضاً: قال الصدر إن الاحتلال يجب أن يرحل فوراً من العراق وكل المنطقة.\nوقال الصدر إن المقاومة ستتوقف مؤقتاً."
    [statement] = find_statements(text, ACTORS)
    assert statement.sentence == "وقال الصدر إن المقاومة ستتوقف مؤقتاً."


def test_glued_period_splits_statements():
    text = "وقالت مصادر مسؤولة إن التفاوض توقف.وأضافت المصادر أن الوضع معقد."
    first, second = find_statements(text, ACTORS)
    assert first.sentence.endswith("توقف.") and second.sentence.startswith("وأضافت")
    assert second.actor_canonical == "مصادر حكومية عراقية"
