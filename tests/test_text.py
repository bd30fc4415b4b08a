"""Tests for stance.text: the matching key, boilerplate lines, sentence splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.text import body_lines, boilerplate_spans, line_spans, match_key, split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "labels" / "corpus" / "seeds" / "texts"

# A small scrape with each kind of boilerplate around two body paragraphs.
SCRAPE = """الرئيسية / عربي ودولي
البرلمان العراقي يصوّت على إنهاء وجود القوات الأجنبية
البرلمان العراقي يصوّت على إنهاء وجود القوات الأجنبية
آخر تحديث GMT16:26:15
بغداد - الأحد 5 كانون الثاني/يناير 2020
29/01/2024

وقال رئيس مجلس النواب محمد الحلبوسي إن على الحكومة التزاماً بإنهاء وجود القوات الأجنبية.
جندي أميركي في الموصل، مارس 2020 (مرتضى السوداني/الأناضول)
ودعا الصدر إلى إغلاق السفارة الأمريكية في بغداد وطرد القوات منها فوراً.

اقرأ أيضاً: تشييع سليماني والمهندس في كربلاء والنجف وسط حشود كبيرة في العراق يوم الاثنين الماضي.
شارك هذا المقال
أضف تعليقك
لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *
شروط النشر: عدم الإساءة للكاتب أو للأشخاص أو للمقدسات أو مهاجمة الأديان.
جميع الحقوق محفوظة © 2024
Maintained and developed by Arabs Today Group SAL
"""

BODY = [
    "وقال رئيس مجلس النواب محمد الحلبوسي إن على الحكومة التزاماً بإنهاء وجود القوات الأجنبية.",
    "ودعا الصدر إلى إغلاق السفارة الأمريكية في بغداد وطرد القوات منها فوراً.",
]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("الحكومةُ العراقيّة", "الحكومه العراقيه"),
        ("أكّد", "اكد"),
        ("إيران", "ايران"),
        ("مستشفى", "مستشفي"),
        ("قـــال", "قال"),
        ("NATO", "nato"),
    ],
)
def test_match_key(raw: str, expected: str):
    assert match_key(raw) == expected


def test_line_spans_strip_whitespace():
    text = "  سطر أول  \n\n\tسطر ثان\n"
    assert [text[s:e] for s, e in line_spans(text)] == ["سطر أول", "سطر ثان"]


def test_boilerplate_is_dropped_and_body_kept():
    assert [SCRAPE[s:e] for s, e in body_lines(SCRAPE)] == BODY
    dropped = {SCRAPE[s:e] for s, e in boilerplate_spans(SCRAPE)}
    assert "شارك هذا المقال" in dropped
    assert any(line.startswith("اقرأ أيضاً") for line in dropped)
    assert any(line.startswith("شروط النشر") for line in dropped)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قال الوزير إن الاتفاق تم. وأضاف أن الحوار مستمر.", ["قال الوزير إن الاتفاق تم.", "وأضاف أن الحوار مستمر."]),
        ("يقف وراء هذا التحول.وجاء ذلك بالتزامن مع خلاف.", ["يقف وراء هذا التحول.", "وجاء ذلك بالتزامن مع خلاف."]),
        ("هل تنسحب القوات؟ قال المتحدث: لا!", ["هل تنسحب القوات؟", "قال المتحدث: لا!"]),
        ("أعلنت الحكومة، يوم السبت 27/1/2024، انتهاء الجولة.", ["أعلنت الحكومة، يوم السبت 27/1/2024، انتهاء الجولة."]),
        ("بلغت الكلفة 2.5 مليار دولار.", ["بلغت الكلفة 2.5 مليار دولار."]),
        ("قال وزير الدفاع لويد ج. أوستن إن المحادثات بدأت.", ["قال وزير الدفاع لويد ج. أوستن إن المحادثات بدأت."]),
        ("وقالت: «كنا قريبين جداً.» ثم غادرت.", ["وقالت: «كنا قريبين جداً.»", "ثم غادرت."]),
        ('وأضاف: "انتهى الأمر." وتابع.', ['وأضاف: "انتهى الأمر."', "وتابع."]),
        ("سطر أول بلا نقطة\nسطر ثان", ["سطر أول بلا نقطة", "سطر ثان"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_split_sentences_offsets_point_into_the_original():
    text = "  قال الوزير: نعم.  وأضاف: لا.\n"
    spans = split_sentences(text)
    assert spans == [(2, 18), (20, 30)]


def test_body_only_sentences_skip_boilerplate():
    sentences = [SCRAPE[s:e] for s, e in split_sentences(SCRAPE, body_only=True)]
    assert sentences == BODY


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts not present")
@pytest.mark.parametrize(
    "article, dropped_line",
    [
        ("seed_000", "قد يُهمك ايضـــــًا :"),
        ("seed_000", "الإسم *"),
        ("seed_000", "جميع الحقوق محفوظة لمجموعة العرب اليوم الاعلامية 2023 ©"),
        ("seed_000", "GMT 09:32 2024 الأربعاء ,14 آب / أغسطس"),
        ("seed_000", "وزير الخارجية العراقي فؤاد حسين ونظيره الأميركي أنتوني بلينكن (إعلام حكومي)"),
        ("seed_001", "شارك المقال"),
        ("seed_002", "جندي أميركي في الموصل، مارس 2020 (مرتضى السوداني/الأناضول)"),
        ("seed_002", "استمع إلى الملخص"),
        ("seed_003", "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *"),
        ("seed_004", "29/01/2024"),
    ],
)
def test_seed_boilerplate_is_dropped(article: str, dropped_line: str):
    text = (SEEDS / f"{article}.txt").read_text(encoding="utf-8")
    dropped = {text[s:e] for s, e in boilerplate_spans(text)}
    assert dropped_line in dropped


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts not present")
def test_seed_repeated_title_is_dropped_once_seen():
    text = (SEEDS / "seed_000.txt").read_text(encoding="utf-8")
    body = [text[s:e] for s, e in body_lines(text)]
    assert not any("يؤجل انسحاب قوات التحالف" in line for line in body)
    assert any(line.startswith("وقالت مصادر مسؤولة") for line in body)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("الاثنين 12 ايلول 2024 - 10:30 ص", True),
        ("نشر في: 2024-09-27 GMT", True),
        ("كانون الثاني 2020", True),
        ("2024م", False),  # a letter glued to digits is not a date word
        ("قال الوزير في 12 ايلول", False),
    ],
)
def test_date_lines(line: str, expected: bool):
    from stance.text import _is_date_line, load_boilerplate_rules

    rules = load_boilerplate_rules()
    assert rules.date_tokens is not None
    assert _is_date_line(match_key(line), rules) is expected
    # the fast word check never changes the answer of the full pattern
    slow = type(rules)(rules.prefixes, rules.contains, rules.date_words, rules.short_line_words, None)
    assert _is_date_line(match_key(line), slow) is expected


def test_date_words_with_regex_syntax_skip_the_word_check():
    from stance.text import _plain_words

    assert _plain_words(["GMT", "ص|م", "كانون الثاني|شباط"]) == frozenset({"gmt", "ص", "م", "كانون", "الثاني", "شباط"})
    assert _plain_words([r"\d+ ساعه"]) is None
