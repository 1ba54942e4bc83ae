import random

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.dedup import NEAR_BITS, DuplicateFinder, hamming, simhash

STORY = ("The Port of Rotterdam handled 12 million containers last year, up 4% from a year earlier, the port "
         "authority said on Tuesday. Officials said the decision would be reviewed in the spring, and analysts "
         "expect further changes before the end of the year as the government weighs its options and traders "
         "watch closely for signs of a slowdown in European demand for Asian imports.")


def test_same_story_with_small_edits_is_near():
    edited = STORY.replace("said on Tuesday", "said on Tuesday (Reuters)") + " Reporting by Jan de Vries."
    assert hamming(simhash(STORY), simhash(edited)) <= NEAR_BITS


def test_unrelated_stories_are_far():
    rng = random.Random(1)
    words = STORY.split()
    for _ in range(50):
        other = " ".join(rng.sample(words, len(words)))
        assert hamming(simhash(STORY), simhash(other)) > NEAR_BITS


def test_finder_reports_exact_then_near():
    f = DuplicateFinder()
    f.add("a1", "hash-a", simhash(STORY))
    assert f.find("hash-a", simhash(STORY)) == ("exact", "a1", 0)
    kind, canonical, dist = f.find("hash-b", simhash(STORY + " Reporting by Jan de Vries."))
    assert (kind, canonical) == ("near", "a1") and dist <= NEAR_BITS
    assert f.find("hash-c", simhash("Kenya raised the price of petrol by 5 shillings a litre on Friday, "
                                    "the energy regulator said, citing a weaker currency.")) is None


def _simhash_bit_by_bit(text: str) -> int:
    """The definition, one bit vote at a time: what the numpy version must equal (landed
    articles' simhashes are compared with new ones, so the value can never change)."""
    import hashlib
    import re

    words = [w.lower() for w in re.findall(r"\w+", text)]
    shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    counts = [0] * 64
    for sh in shingles:
        h = int.from_bytes(hashlib.blake2b(sh.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            counts[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if counts[bit] > 0)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_simhash_equals_the_bit_by_bit_definition_on_any_text(text):
    assert simhash(text) == _simhash_bit_by_bit(text)


def test_simhash_of_a_real_paragraph_equals_the_definition():
    text = ("The Senate passed the bill on Tuesday by a vote of 68 to 32, sending it to the House, "
            "where leaders said they expected a vote next week.")
    assert simhash(text) == _simhash_bit_by_bit(text)
