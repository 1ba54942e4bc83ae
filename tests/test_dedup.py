import random

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
