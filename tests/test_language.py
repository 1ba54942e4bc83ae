import pytest

from newsflow.language import detect_language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("The government said on Monday that it would raise taxes on the largest companies in the country.", "en"),
        ("Die Bundesregierung hat am Mittwoch beschlossen, dass die Steuern für kleine Unternehmen nicht erhöht werden.", "de"),
        ("Le gouvernement a annoncé mercredi que les impôts des petites entreprises ne seront pas augmentés.", "fr"),
        ("El gobierno anunció el miércoles que los impuestos de las pequeñas empresas no subirán este año.", "es"),
        ("中国国家主席习近平周三与美国总统通电话，双方讨论了贸易问题。", "zh"),
        ("Правительство объявило в среду о повышении налогов для крупных компаний.", "ru"),
    ],
)
def test_detects(text, lang):
    assert detect_language(text) == lang


def test_too_short_is_undetermined():
    assert detect_language("Breaking news") == "und"
    assert detect_language("") == "und"
