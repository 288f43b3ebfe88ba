"""Account holder names in the Zengin character set: the documented conversions, or a refusal."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from medcyber.claims.zengin import (
    BANK_NAME_CHARS,
    ENTITY_ABBREVIATIONS,
    NAME_CHARS,
    ZenginError,
    _banks,
    bank_name,
    convert_name,
)

CONVERSIONS = [
    # full-width → half-width kana, voicing marks as bytes of their own
    ("ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
    ("ガギグゲゴ パピプペポ", "ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"),
    ("ヴィラ", "ｳﾞｲﾗ"),
    # hiragana
    ("やまだ はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ"),
    # small kana written large
    ("キョウト ニッショウ", "ｷﾖｳﾄ ﾆﾂｼﾖｳ"),
    ("ｷｬｯｼｭ", "ｷﾔﾂｼﾕ"),
    ("ヶ丘", None),  # the kanji is refused below; ヶ alone converts
    ("ヵヶヮ", "ｶｹﾜ"),
    ("ヰヱヲ", "ｲｴｵ"),
    ("ｦ", "ｵ"),
    # long-vowel marks and dashes
    ("タロー", "ﾀﾛ-"),
    ("ｻｰﾋﾞｽ", "ｻ-ﾋﾞｽ"),
    ("メディカル－センター", "ﾒﾃﾞｲｶﾙ-ｾﾝﾀ-"),
    ("ア―イ‐ウ−エ", "ｱ-ｲ-ｳ-ｴ"),
    # full-width letters, digits and symbols; a–z upper-cased
    ("ＡＢＣ　ｸﾘﾆｯｸ", "ABC ｸﾘﾆﾂｸ"),
    ("Ｄｒ．ｋｉｍ", "DR.KIM"),
    ("ｸﾘﾆｯｸ（１２３）", "ｸﾘﾆﾂｸ(123)"),
    ("ジョン・スミス", "ｼﾞﾖﾝ.ｽﾐｽ"),
    # spaces
    ("  ヤマダ　　タロウ  ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
    # legal-entity abbreviations at the start, end and middle
    ("医療法人 やまだ内科", None),
    ("医療法人社団 さくらかい", "ｲ)ｻｸﾗｶｲ"),
    ("医療法人財団　みどりかい", "ｲ)ﾐﾄﾞﾘｶｲ"),
    ("社会医療法人 あおば", "ｲ)ｱｵﾊﾞ"),
    ("医療法人", "ｲ)"),
    ("メディカルサービス株式会社", "ﾒﾃﾞｲｶﾙｻ-ﾋﾞｽ(ｶ"),
    ("ヤマダ 株式会社 トウキョウシテン", "ﾔﾏﾀﾞ(ｶ)ﾄｳｷﾖｳｼﾃﾝ"),
    ("社会福祉法人 ゆうあいかい", "ﾌｸ)ﾕｳｱｲｶｲ"),
    ("一般社団法人 ぶんきょうくいしかい", "ｼﾔ)ﾌﾞﾝｷﾖｳｸｲｼｶｲ"),
    ("合同会社ケア", "ﾄﾞ)ｹｱ"),
    ("特定非営利活動法人 ささえあい", "ﾄｸﾋ)ｻｻｴｱｲ"),
]


@pytest.mark.parametrize(("name", "expected"), [c for c in CONVERSIONS if c[1] is not None])
def test_documented_conversions(name: str, expected: str) -> None:
    result = convert_name(name)
    assert result.converted == expected
    assert result.changed == (name != expected)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("山田太郎", "「山」「田」「太」「郎」は全銀の文字"),
        ("医療法人 やまだ内科", "「内」「科」は全銀の文字"),
        ("ヶ丘", "「丘」"),
        ("ヤマダ＆サトウ", "「&」"),
        ("ヤマダ@クリニック", "「@」"),
        ("ヤマダ/サトウ", "「/」"),
        ("Straße", "「ß」"),
        ("クリニック♥", "「♥」"),
        ("ヤマダ\tタロウ", "見えない文字"),
        ("ヤマダ\u200bタロウ", "見えない文字"),
        ("", "名義が空です"),
        ("　", "名義が空です"),
        ("ア" * 31, "31文字で、30文字を超えます"),
        ("ガ" * 16, "32文字で、30文字を超えます"),  # a voiced kana is two characters
    ],
)
def test_names_that_cannot_be_written_are_refused_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(ZenginError, match=reason):
        convert_name(name)


def test_a_30_character_name_fits() -> None:
    assert convert_name("ア" * 30).converted == "ｱ" * 30


# --- properties ---
HIRAGANA = st.characters(min_codepoint=0x3041, max_codepoint=0x3096)
KATAKANA = st.characters(min_codepoint=0x30A1, max_codepoint=0x30FC)
HALF_KANA = st.characters(min_codepoint=0xFF61, max_codepoint=0xFF9F)
FULL_ASCII = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
KANJI = st.sampled_from("山田医療法人社団会園内科診療所病院東京都丘")
OTHER = st.sampled_from("　 ・ー－‐―−（）「」、。♥ßé\t\u200b")
PIECE = st.one_of(
    HIRAGANA,
    KATAKANA,
    HALF_KANA,
    FULL_ASCII,
    ASCII,
    KANJI,
    OTHER,
    st.sampled_from(sorted(ENTITY_ABBREVIATIONS)),
)
japanese_names = st.lists(PIECE, max_size=40).map("".join)


@settings(max_examples=1500, deadline=None)
@given(japanese_names)
def test_any_japanese_name_converts_into_the_allowed_set_or_is_refused(name: str) -> None:
    try:
        result = convert_name(name)
    except ZenginError as error:
        assert str(error)  # refused with a reason
        return
    converted = result.converted
    assert 1 <= len(converted) <= 30
    assert set(converted) <= NAME_CHARS
    assert len(converted.encode("cp932")) == len(converted)  # one byte a character
    assert convert_name(converted).converted == converted  # converting twice changes nothing


ALLOWED_ONLY = st.text(alphabet=sorted(NAME_CHARS - {" "}), min_size=1, max_size=30)


@settings(max_examples=500, deadline=None)
@given(ALLOWED_ONLY)
def test_a_name_already_in_the_allowed_set_is_left_as_it_is(name: str) -> None:
    assume(name[0] not in "ﾞﾟ")  # a voicing mark alone would join the kana before it
    assert convert_name(name).converted == name


def test_every_bank_and_branch_name_of_the_data_set_can_be_written() -> None:
    for bank in _banks().values():
        names = [bank.kana, *(branch.kana for branch in bank.branches.values())]
        for name in names:
            written = bank_name(name)
            assert written and set(written) <= BANK_NAME_CHARS and len(written) <= 15, name
