import pytest

from newsflow.clean import clean_text
from newsflow.segment import paragraphs, segment


def texts(text):
    return [text[s.start : s.end] for s in segment(text)]


def test_seed_has_19_sentences_without_splitting_us(seed_text):
    text = clean_text(seed_text)
    sents = segment(text)
    assert len(sents) == 19
    first = text[sents[0].start : sents[0].end]
    assert "Sino-U.S. relations during a phone call with U.S. President Donald Trump" in first
    assert [s.sentence_index for s in sents] == list(range(19))
    # two sentences share the 13th paragraph
    assert [s.paragraph_index for s in sents].count(12) == 2


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He met Mr. Smith. Then he left.", ["He met Mr. Smith.", "Then he left."]),
        ("Prices rose 5.2 per cent. The bank said so.", ["Prices rose 5.2 per cent.", "The bank said so."]),
        ("It was in the U.S. The next day he left.", ["It was in the U.S.", "The next day he left."]),
        ("U.S. President Joe Biden spoke. He left.", ["U.S. President Joe Biden spoke.", "He left."]),
        ("J. K. Rowling wrote it. She did.", ["J. K. Rowling wrote it.", "She did."]),
        ("“Why?” he asked. “Because.” She left.", ["“Why?” he asked.", "“Because.”", "She left."]),
        ("The vote is on Jan. 5 in room No. 10 today. Done.", ["The vote is on Jan. 5 in room No. 10 today.", "Done."]),
        ("He works at Acme Inc. He is happy.", ["He works at Acme Inc.", "He is happy."]),
        ("Wait... What happened? Nobody knows!", ["Wait...", "What happened?", "Nobody knows!"]),
        ("It must protect [Taiwan's] sovereignty. China said.", ["It must protect [Taiwan's] sovereignty.", "China said."]),
        ("e.g. this continues. Yes.", ["e.g. this continues.", "Yes."]),
    ],
)
def test_sentence_rules(text, expected):
    assert texts(text) == expected


def test_headline_without_punctuation_is_its_own_sentence():
    text = "Markets rally on rate hopes\nStocks rose on Monday. Bonds fell."
    assert texts(text) == ["Markets rally on rate hopes", "Stocks rose on Monday.", "Bonds fell."]
    assert [s.paragraph_index for s in segment(text)] == [0, 1, 1]


def test_offsets_point_into_text():
    text = "  Leading space. Second one.\nNew para here."
    for s in segment(text):
        assert text[s.start : s.end] == text[s.start : s.end].strip()
    assert paragraphs(text)[1] == (29, 43)


def test_empty():
    assert segment("") == []


def test_list_items_are_sentences_of_their_own():
    text = "The plan has three parts:\n- cut taxes\n- raise spending\n1. Review in May"
    assert texts(text) == ["The plan has three parts:", "- cut taxes", "- raise spending", "1. Review in May"]
