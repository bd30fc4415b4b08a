"""Tests for stance.actors: table loading, alias resolution, type guessing, records."""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.actors import ActorIndex, canonical_key, guess_actor_type, tokenize_names
from stance.lexicon import strip_article, token_variants
from stance.errors import SchemaError

RECORDS = [
    {"canonical": "محمد شياع السوداني", "type": "iraqi_government", "aliases": ["السوداني", "رئيس الوزراء العراقي"]},
    {"canonical": "لويد أوستن", "type": "us_government", "aliases": ["أوستن", "وزير الدفاع الأمريكي"]},
    {"canonical": "باسم العوادي", "type": "iraqi_government", "aliases": ["المتحدث باسم الحكومة العراقية"]},
    {"canonical": "الحكومة العراقية", "type": "iraqi_government", "aliases": ["الحكومة", "بغداد"]},
    {"canonical": "قائد عسكري عراقي", "type": "iraqi_government", "aliases": ["قائد عسكري رفيع"]},
    {"canonical": "مسؤولون أمريكيون", "type": "us_government", "aliases": ["مسؤول أمريكي"]},
    {"canonical": "لجنة الأمن والدفاع النيابية", "type": "iraqi_parliament", "aliases": ["لجنة الأمن والدفاع"]},
    {"canonical": "بدر الزيادي", "type": "iraqi_parliament", "aliases": ["الزيادي"]},
]


@pytest.fixture(scope="module")
def index() -> ActorIndex:
    return ActorIndex.from_records(RECORDS)


@pytest.mark.parametrize(
    "written, expected",
    [
        ("السوداني", ("محمد شياع السوداني", "iraqi_government")),
        ("رئيسُ الوزراءِ العراقيّ", ("محمد شياع السوداني", "iraqi_government")),
        ("وزير الدفاع الأمريكي لويد أوستن", ("لويد أوستن", "us_government")),
        ("وزير الدفاع الأميركي لويد أوستن", ("لويد أوستن", "us_government")),
        ("المتحدث باسم الحكومة العراقية باسم العوادي", ("باسم العوادي", "iraqi_government")),
        ("وللحكومة", ("الحكومة العراقية", "iraqi_government")),
        ("قائداً عسكرياً رفيعاً في الجيش العراقي", ("قائد عسكري عراقي", "iraqi_government")),
        ("عضو لجنة الأمن والدفاع النيابية بدر الزيادي", ("بدر الزيادي", "iraqi_parliament")),
        ("مسؤول دفاعي أمريكي", ("مسؤولون أمريكيون", "us_government")),
        # a person the table lacks: the canonical is the name, the type comes from the title
        ("حسين علاوي، مستشار رئيس الوزراء العراقي", ("حسين علاوي", "iraqi_government")),
        ("الرئيس الإيراني مسعود بزشكيان", ("مسعود بزشكيان", "iran")),
        ("النائب يوسف الكلابي", ("يوسف الكلابي", "iraqi_parliament")),
        ("القائد في البيشمركة اللواء سيروان بارزاني", ("سيروان بارزاني", "kurdistan_region")),
        ("وزير الخارجية الإيطالي لويجي دي مايو", ("لويجي دي مايو", "coalition")),
        ("وزير الخارجية الكويتي عبد الله اليحيا", ("عبد الله اليحيا", "other")),
        ("محرر الأخبار في موقع «أنتي وور» ديف ديكامب", ("ديف ديكامب", "other")),
        ("أمين المجلس الأعلى للأمن القومي الإيراني علي لاريجاني", ("علي لاريجاني", "iran")),
        # no name: the written form stays
        ("مسؤولان في فصائل مسلحة مدعومة", ("مسؤولان في فصائل مسلحة مدعومة", "armed_faction")),
        ("النائب عن كتلة الصادقون", ("النائب عن كتلة الصادقون", "iraqi_parliament")),
        # another nationality after a title alias: someone else's title
        ("رئيس الوزراء البريطاني كير ستارمر", ("كير ستارمر", "coalition")),
        ("وزير الدفاع التركي", ("وزير الدفاع التركي", "other")),
        # a known surname after a first name its actor lacks: another person
        ("النائب محمد الزيادي", ("محمد الزيادي", "iraqi_parliament")),
        ("عضو اللجنة بدر الزيادي", ("بدر الزيادي", "iraqi_parliament")),
    ],
)
def test_resolve(index: ActorIndex, written: str, expected: tuple[str, str]):
    assert index.resolve(written) == expected


@pytest.mark.parametrize(
    "written, expected",
    [
        ("وزير الدفاع الأميركي", "us_government"),
        ("وزارة النفط", "iraqi_government"),
        ("النائب عن تحالف الفتح", "iraqi_parliament"),
        ("كتائب سيد الشهداء", "armed_faction"),
        ("تيار الحكمة", "political_party"),
        ("برلمان إقليم كردستان", "kurdistan_region"),
        ("الخارجية الإيرانية", "iran"),
        ("وزارة الدفاع البريطانية", "coalition"),
        ("الخبير الأمني سرمد البياتي", "analyst"),
        ("بابا الفاتيكان", "other"),
    ],
)
def test_guess_actor_type(written: str, expected: str):
    assert guess_actor_type(written) == expected


def test_unknown_person_is_named_by_the_name_and_typed_by_the_title(index: ActorIndex):
    assert index.resolve("المحلل السياسي إحسان الشمري") == ("إحسان الشمري", "analyst")
    # an unknown actor with no personal name keeps its written form
    assert index.resolve("المحلل السياسي") == ("المحلل السياسي", "analyst")


def test_records_round_trip(index: ActorIndex):
    again = ActorIndex.from_records(index.to_records())
    assert again.to_records() == index.to_records()
    assert again.resolve("أوستن") == ("لويد أوستن", "us_government")
    assert len(again) == len(RECORDS)
    assert "لويد اوستن" in again


def test_canonical_key_ignores_spelling_variants():
    assert canonical_key("وزارة الخارجية الأمريكية") == canonical_key("وزارةُ الخارجيّة الامريكيه")


def test_from_csv_reads_extras(tmp_path: Path):
    (tmp_path / "actors.csv").write_text("canonical,type,aliases\nلويد أوستن,us_government,أوستن\n", encoding="utf-8")
    batch = tmp_path / "corpus" / "retold_x"
    batch.mkdir(parents=True)
    (batch / "actors_extra.csv").write_text("canonical,type,aliases\nلويد أوستن,us_government,وزير الدفاع|البنتاغون\nجون كيربي,us_government,كيربي\n", encoding="utf-8")
    index = ActorIndex.from_csv(tmp_path / "actors.csv")
    assert index.resolve("كيربي") == ("جون كيربي", "us_government")
    assert index.resolve("البنتاغون") == ("لويد أوستن", "us_government")
    assert len(ActorIndex.from_csv(tmp_path / "actors.csv", include_extras=False)) == 1


@pytest.mark.parametrize(
    "content, message",
    [
        ("canonical,type\nأوستن,us_government\n", "actors.csv:1: missing column(s) aliases; expected canonical,type,aliases"),
        ("canonical,type,aliases\nأوستن,pentagon,\n", "actors.csv:2: unknown actor type 'pentagon' for 'أوستن'; expected one of iraqi_government, iraqi_parliament, armed_faction, political_party, kurdistan_region, us_government, coalition, iran, analyst, other"),
        ("canonical,type,aliases\nأوستن,us_government,\nأوستن,coalition,\n", "actors.csv:3: actor 'أوستن' has type 'coalition' here but 'us_government' before"),
        ("canonical,type,aliases\n,us_government,\n", "actors.csv:2: empty canonical actor name"),
    ],
)
def test_bad_tables_raise_schema_errors(tmp_path: Path, content: str, message: str):
    path = tmp_path / "actors.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        ActorIndex.from_csv(path, include_extras=False)
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_missing_table(tmp_path: Path):
    with pytest.raises(SchemaError, match="actor table not found"):
        ActorIndex.from_csv(tmp_path / "none.csv")


# -- the shared lexicon helpers and the alias rules of the index --------------------------

TITLE_HOLDERS = [
    {"canonical": "جون كيربي", "type": "us_government", "aliases": ["كيربي", "المتحدث باسم البنتاغون"]},
    {"canonical": "بات رايدر", "type": "us_government", "aliases": ["رايدر", "المتحدث باسم البنتاغون"]},
    {"canonical": "وزارة الدفاع الأمريكية", "type": "us_government", "aliases": ["البنتاغون"]},
    {"canonical": "أبو علي العسكري", "type": "armed_faction", "aliases": ["العسكري"]},
    {"canonical": "الولايات المتحدة", "type": "us_government", "aliases": ["واشنطن"]},
    {"canonical": "الحكومة الأمريكية", "type": "us_government", "aliases": ["واشنطن", "الولايات المتحدة"]},
]


@pytest.fixture(scope="module")
def holders() -> ActorIndex:
    return ActorIndex.from_records(TITLE_HOLDERS)


@pytest.mark.parametrize(
    "token, form",
    [("وللحكومة", "الحكومة"), ("قائداً", "قائد"), ("بالبيان", "بيان"), ("الوزير", "وزير")],
)
def test_token_variants_drop_clitics(token: str, form: str):
    assert canonical_key(form) in token_variants(canonical_key(token))


def test_strip_article_keeps_short_words():
    assert (strip_article("الوزير"), strip_article("الى")) == ("وزير", "الى")


def test_a_generic_one_word_alias_is_not_looked_up(holders: ActorIndex):
    assert holders.find_aliases(tokenize_names("الوجود العسكري")) == []
    assert holders.is_generic_alias(canonical_key("العسكري"))
    assert holders.resolve("أبو علي العسكري") == ("أبو علي العسكري", "armed_faction")


def test_a_title_several_actors_hold_is_ambiguous(holders: ActorIndex):
    tokens = tokenize_names("المتحدث باسم البنتاغون")
    assert [m.canonical for m in holders.find_aliases(tokens)] == ["وزارة الدفاع الأمريكية"]
    [(match, owners)] = holders.ambiguous_matches(tokens)
    assert owners == ("جون كيربي", "بات رايدر")
    # Without the article, the title names its body.
    assert holders.resolve("المتحدث باسم البنتاغون") == ("وزارة الدفاع الأمريكية", "us_government")


def test_a_canonical_name_belongs_to_its_actor_and_a_shared_name_to_the_first(holders: ActorIndex):
    assert holders.resolve("الولايات المتحدة") == ("الولايات المتحدة", "us_government")
    assert holders.resolve("واشنطن") == ("الولايات المتحدة", "us_government")


@pytest.mark.parametrize(
    "written, expected",
    [
        # The title is someone else's alias; the unknown name speaks for the body.
        ("المتحدث باسم البنتاغون جوناثان هوفمان", ("وزارة الدفاع الأمريكية", "us_government")),
        ("وزير الدفاع الأمريكي مارك إسبر", ("مارك إسبر", "us_government")),
        ("وزير الدفاع الأمريكي لويد أوستن", ("لويد أوستن", "us_government")),
    ],
)
def test_a_title_followed_by_an_unknown_name_is_not_the_titles_holder(index: ActorIndex, holders: ActorIndex, written: str, expected: tuple[str, str]):
    table = holders if "البنتاغون" in written else index
    assert table.resolve(written) == expected


def test_only_indefinite_sources_are_anonymous(index: ActorIndex):
    assert index.resolve("مسؤول أمريكي رفيع") == ("مسؤولون أمريكيون", "us_government")
    assert index.resolve("المسؤول الأمني")[0] == "المسؤول الأمني"


ROUND4_INDEX = ActorIndex.from_records(
    [
        {"canonical": "محللون", "type": "analyst", "aliases": ["خبير", "محلل"]},
        {"canonical": "كامل الكناني", "type": "analyst", "aliases": ["الكناني"]},
        {"canonical": "مجموعة الأزمات الدولية", "type": "analyst", "aliases": []},
        {"canonical": "مسؤولون أمريكيون", "type": "us_government", "aliases": ["مسؤول أمريكي"]},
        {"canonical": "قائد عسكري عراقي", "type": "iraqi_government", "aliases": ["مصدر أمني"]},
        {"canonical": "أنتوني بلينكن", "type": "us_government", "aliases": ["بلينكن"]},
        {"canonical": "محمد شياع السوداني", "type": "iraqi_government", "aliases": ["رئيس الوزراء محمد شياع السوداني"]},
    ]
)


@pytest.mark.parametrize(
    "written, canonical",
    [
        # a bare head noun alias gives way to a name later in the span
        ("الخبير الاستراتيجي العراقي كامل الكناني", "كامل الكناني"),
        ("الخبير", "محللون"),
        # dual and oblique anonymous sources
        ("مسؤولان أمريكيان", "مسؤولون أمريكيون"),
        ("مصدرين أمنيين عراقيين", "قائد عسكري عراقي"),
        ("مصدر في الشرطة", "قائد عسكري عراقي"),
        # after a name, a title starts another noun phrase
        ("بلينكن رئيس الوزراء محمد شياع السوداني", "أنتوني بلينكن"),
    ],
)
def test_round4_resolution(written: str, canonical: str):
    assert ROUND4_INDEX.resolve(written)[0] == canonical


def test_alias_ties_do_not_depend_on_the_hash_seed():
    # "روسيا" also reads as "روسي" + accusative alef, the Arabic alias of RUSI: the written
    # form must win in every process, whatever PYTHONHASHSEED orders sets by.
    import os
    import subprocess
    import sys

    code = (
        "from stance.actors import ActorIndex\n"
        "index = ActorIndex.from_records([{'canonical': 'المعهد الملكي للخدمات المتحدة', 'type': 'analyst', 'aliases': ['روسي']},"
        " {'canonical': 'روسيا', 'type': 'other', 'aliases': ['موسكو']}])\n"
        "print(index.resolve('روسيا')[0])\n"
    )
    seen = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        seen.add(done.stdout.strip())
    assert seen == {"روسيا"}


def test_a_surname_several_actors_share_is_decided_by_the_article():
    from stance.attribution import find_statements

    index = ActorIndex.from_records([
        {"canonical": "نصر الشمري", "type": "armed_faction", "aliases": []},
        {"canonical": "محمد الشمري", "type": "iraqi_parliament", "aliases": ["الشمري"]},
    ])
    text = "وقال نصر الشمري إن المهلة تقترب من نهايتها.\nوأضاف الشمري أن الفصائل مستعدة."
    assert [s.actor_canonical for s in find_statements(text, index)] == ["نصر الشمري", "نصر الشمري"]


def test_a_title_then_an_unknown_person_sharing_a_first_name_with_a_known_one():
    index = ActorIndex.from_records([
        {"canonical": "الأمم المتحدة", "type": "other", "aliases": ["الأمين العام للأمم المتحدة"]},
        {"canonical": "أنطونيو تاياني", "type": "coalition", "aliases": ["تاياني"]},
        {"canonical": "قيس الخزعلي", "type": "armed_faction", "aliases": ["الأمين العام لعصائب أهل الحق"]},
    ])
    assert index.resolve("الأمين العام للأمم المتحدة أنطونيو غوتيريش")[0] == "الأمم المتحدة"


def _naive_find(tokens, index):
    """Every alias compared at every position: what the trie must reproduce, in order."""
    from stance.actors import _lookup_keys
    from stance.lexicon import canonical_key, token_matches, token_variants

    found = []
    for i, token in enumerate(tokens):
        seen = set()
        for first in _lookup_keys(token):
            for alias_tokens, canonical, key in index._by_first.get(first, ()):
                if i + len(alias_tokens) > len(tokens) or key in seen:
                    continue
                if all(token_matches(tokens[i + k], alias_tokens[k]) for k in range(len(alias_tokens))):
                    surname = len(alias_tokens) == 1 and key.startswith("ال") and canonical_key(canonical).endswith(" " + key)
                    if surname and key not in token_variants(tokens[i]):
                        continue  # a surname alias needs its article: "ياسر" is not "الياسر"
                    seen.add(key)
                    found.append((i, i + len(alias_tokens), canonical, key))
    return sorted(found, key=lambda m: (m[0], -m[1]))


def test_alias_trie_finds_what_comparing_every_alias_finds():
    root = Path(__file__).resolve().parent.parent
    table = ActorIndex.from_csv(root / "labels" / "actors.csv")
    texts = sorted((root / "labels" / "corpus").glob("*/texts/*.txt"))[:40]
    assert texts, "no corpus texts"
    total = 0
    for path in texts:
        tokens = tokenize_names(path.read_text(encoding="utf-8"))
        expected = _naive_find(tokens, table)
        got = [(m.start, m.end, m.canonical, m.alias) for m in table.find_aliases(tokens)]
        assert got == expected, path.name
        total += len(got)
    assert total > 1000  # the texts do name many actors


def test_alias_trie_prefixed_and_nested_aliases(index: ActorIndex):
    tokens = tokenize_names("وقال رئيس الوزراء العراقي السوداني ولوزير الدفاع الأمريكي ولجنة الأمن والدفاع النيابية")
    assert [(m.start, m.end, m.canonical) for m in index.find_aliases(tokens)] == [
        (1, 4, "محمد شياع السوداني"),
        (4, 5, "محمد شياع السوداني"),
        (5, 8, "لويد أوستن"),
        (8, 12, "لجنة الأمن والدفاع النيابية"),
        (8, 11, "لجنة الأمن والدفاع النيابية"),
    ]


def test_an_anonymous_source_keeps_the_nationality_it_names():
    table = ActorIndex.from_records([
        {"canonical": "قائد عسكري عراقي", "type": "iraqi_government", "aliases": []},
        {"canonical": "مصادر حكومية عراقية", "type": "iraqi_government", "aliases": []},
        {"canonical": "مسؤولون أمريكيون", "type": "us_government", "aliases": []},
        {"canonical": "الحكومة الألمانية", "type": "coalition", "aliases": []},
    ])
    assert table.resolve("مصدر عسكري ألماني") == ("الحكومة الألمانية", "coalition")
    assert table.resolve("مصدر عسكري عراقي") == ("قائد عسكري عراقي", "iraqi_government")
    assert table.resolve("مسؤول عراقي رفيع في واشنطن") == ("مصادر حكومية عراقية", "iraqi_government")
    assert table.resolve("مسؤول دفاعي أمريكي") == ("مسؤولون أمريكيون", "us_government")


def test_foreign_ranks_between_an_office_and_a_known_name():
    table = ActorIndex.from_records([
        {"canonical": "وزارة الدفاع الأمريكية", "type": "us_government", "aliases": ["وزارة الدفاع الأمريكية"]},
        {"canonical": "بات رايدر", "type": "us_government", "aliases": ["باتريك رايدر"]},
    ])
    assert table.resolve("المتحدث باسم وزارة الدفاع الأمريكية الميجر جنرال باتريك رايدر") == ("بات رايدر", "us_government")


def test_a_name_after_a_collective_or_title_alias_is_the_speaker():
    table = ActorIndex.from_records([
        {"canonical": "محللون", "type": "analyst", "aliases": ["محلل سياسي"]},
        {"canonical": "حسين علاوي", "type": "iraqi_government", "aliases": ["مستشار رئيس الوزراء العراقي"]},
        {"canonical": "تحالف الفتح", "type": "political_party", "aliases": ["تحالف الفتح"]},
    ])
    assert table.resolve("المحلل السياسي العراقي إبراهيم السراج") == ("إبراهيم السراج", "analyst")
    assert table.resolve("المحلل السياسي إحسان الشمري، رئيس مركز التفكير السياسي") == ("إحسان الشمري", "analyst")
    assert table.resolve("مستشار رئيس الوزراء العراقي للشؤون الأمنية خالد اليعقوبي") == ("خالد اليعقوبي", "iraqi_government")
    assert table.resolve("المحلل السياسي") == ("محللون", "analyst")
    # words that are no name after the alias leave it alone
    assert table.resolve("المحلل السياسي أي صلة لبلاده")[0] != "صلة لبلاده"


def test_a_place_before_a_name_is_not_part_of_it():
    table = ActorIndex.from_records([{"canonical": "محللون", "type": "analyst", "aliases": ["محلل سياسي"]}])
    assert table.resolve("المحلل في دبي نورمان ريكلفس") == ("نورمان ريكلفس", "analyst")
    assert table.resolve("وزير شؤون البيشمركة في حكومة إقليم كوردستان شورش إسماعيل") == ("شورش إسماعيل", "kurdistan_region")


def test_a_first_name_is_not_a_surname_alias_with_the_article():
    index = ActorIndex.from_records([
        {"canonical": "فراس الياسر", "type": "armed_faction", "aliases": ["الياسر"]},
        {"canonical": "ياسر وتوت", "type": "iraqi_parliament", "aliases": ["وتوت"]},
        {"canonical": "لجنة الأمن والدفاع النيابية", "type": "iraqi_parliament", "aliases": ["لجنة الأمن والدفاع"]},
    ])
    assert index.resolve("عضو لجنة الأمن والدفاع ياسر إسكندر وتوت")[0] == "ياسر وتوت"
    assert index.resolve("وقال الياسر")[0] == "فراس الياسر"
    assert [m.canonical for m in index.find_aliases(["ياسر"])] == []
