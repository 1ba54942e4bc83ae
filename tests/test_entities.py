import pytest

from newsflow.clean import clean_text
from newsflow.entities import bare_name, entity_rows, number_rows, resolve_canonical


def test_bare_name():
    assert bare_name("President Xi's") == "Xi"
    assert bare_name("the Taiwan Strait") == "Taiwan Strait"


def test_resolution_rules():
    mentions = [("Xi Jinping", "PERSON"), ("Xi", "PERSON"), ("Trump", "ORG"), ("Donald Trump", "PERSON"),
                ("U.S.", "GPE"), ("the United States", "GPE"), ("Xinhua", "ORG"), ("Xinhua news agency", "ORG")]
    assert resolve_canonical(mentions) == [
        ("Xi Jinping", "PERSON", None), ("Xi Jinping", "PERSON", None),
        ("Donald Trump", "PERSON", None), ("Donald Trump", "PERSON", None),
        ("United States", "GPE", "US"), ("United States", "GPE", "US"),
        # known names resolve to the gazetteer's name, also with generic words after them
        ("Xinhua", "ORG", None), ("Xinhua", "ORG", None)]


def test_in_article_resolution_of_unknown_names():
    got = resolve_canonical([("Acme Widgets Holdings", "ORG"), ("Acme Widgets", "ORG"), ("Jane Q. Doe", "PERSON"),
                             ("Doe", "PERSON"), ("Doe", "ORG")])
    assert [c for c, _, _ in got] == ["Acme Widgets Holdings"] * 2 + ["Jane Q. Doe"] * 3
    assert got[4][1] == "PERSON"


def test_ambiguous_short_name_is_not_merged_across_labels():
    # "Jordan" the country stays a country even when a person shares the name
    assert resolve_canonical([("Michael Jordan", "PERSON"), ("Jordan", "GPE")])[1] == ("Jordan", "GPE", "JO")


def test_seed_people_resolved(nlp, seed_text):
    text = clean_text(seed_text)
    doc = nlp(text)
    rows = entity_rows("a1", doc)
    people = {r["canonical"] for r in rows if r["label"] == "PERSON"}
    assert {"Xi Jinping", "Donald Trump", "Vladimir Putin"} <= people
    xi = [r for r in rows if r["text"] == "Xi"]
    assert xi and all(r["canonical"] == "Xi Jinping" and r["label"] == "PERSON" for r in xi)
    trump = [r for r in rows if r["text"] == "Trump"]
    assert trump and all(r["canonical"] == "Donald Trump" and r["label"] == "PERSON" for r in trump)
    for r in rows:
        assert text[r["start"] : r["end"]] == r["text"]
    assert {"Beijing", "Taiwan", "United States"} <= {r["canonical"] for r in rows if r["label"] == "GPE"}
    assert not {r["label"] for r in rows} & {"MONEY", "QUANTITY", "CARDINAL", "PERCENT", "ORDINAL"}


def test_seed_numbers_through_pipeline(nlp, seed_text):
    doc = nlp(clean_text(seed_text))
    got = {(r["value"], r["unit"]): r for r in number_rows("a1", doc)}
    assert got[(20e6, "tonne")]["object"] == "US soybeans"
    assert (12e6, "tonne") in got
    assert got[(11e9, "USD")]["qualifier"] == "~"
    assert got[(8.2e9, "GBP")]["value"] > 0
    # numbers are attributed to the sentence they are in
    assert got[(11e9, "USD")]["sentence_index"] == 14


def test_model_loaded_once(nlp):
    from newsflow.entities import load_nlp

    assert load_nlp() is nlp
    assert "parser" not in nlp.pipe_names and "ner" in nlp.pipe_names


def test_seed_issue3_entities(nlp, seed_text):
    doc = nlp(clean_text(seed_text))
    got = {(e.text, e.label_) for e in doc.ents}
    assert ("Keir Starmer", "PERSON") in got
    assert ("Truth Social", "ORG") in got
    assert ("the Taiwan Strait", "LOC") in got
    assert any(t.startswith("Xinhua") and lab == "ORG" for t, lab in got)
    codes = {e._.canonical: e._.country_code for e in doc.ents if e.label_ == "GPE"}
    assert codes["United States"] == "US" and codes["China"] == "CN" and codes["United Kingdom"] == "GB"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("BEIJING (Reuters) - China's exports rose in May.", ("BEIJING", "GPE")),
        ("FRANKFURT, March 3 (AP) - The bank held rates.", ("FRANKFURT", "GPE")),
        ("France's Emmanuel Macron met Chancellor Friedrich Merz in Berlin.", ("Friedrich Merz", "PERSON")),
        ("Western leaders including Britain's Keir Starmer have visited.", ("Keir Starmer", "PERSON")),
        ("Chief Executive Tim Cook said sales rose.", ("Tim Cook", "PERSON")),
        ("He wrote in a Truth Social article.", ("Truth Social", "ORG")),
        ("Talks were held in Senegal's capital.", ("Senegal", "GPE")),
    ],
)
def test_entity_rules(nlp, text, expected):
    assert expected in {(e.text, e.label_) for e in nlp(text).ents}


def test_headline_in_capitals(nlp):
    doc = nlp("MACRON URGES EUROPE TO ACT\nFrench President Emmanuel Macron said on Monday that Europe must act.")
    got = {(e.text, e.label_) for e in doc.ents}
    assert ("MACRON", "PERSON") in got
    assert not any(len(t.split()) > 1 and t.isupper() for t, _ in got)


def test_possessive_not_in_span(nlp):
    doc = nlp("Prime Minister Narendra Modi's party won the vote in India.")
    assert "Narendra Modi" in {e.text for e in doc.ents if e.label_ == "PERSON"}
