"""Whether "pounds" after a number weighs or pays: "600 pounds of beef" and "cattle weighing less
than 600 pounds" weigh, "he paid 300 pounds" pays. Split out of :mod:`newsflow.units` (which
reads the currency named after a number) because it is its own question with its own cues; hand
written because neither quantulum3 nor Babel tells a pound of weight from a pound sterling.
"""

from __future__ import annotations

import re

# "pounds of beef", "60,000 pounds (30 tons) of", "27 tonnes (60,000 pounds)", a yield "7,716 pounds per
# acre": pounds are a weight
_POUND_WEIGHT_AFTER = re.compile(r"(?:\s*\([^()]{1,40}\))?\s+of\b|\s+per\s+(?:(?:harvested|planted)\s+)?(?:acre|hectare)\b|\s*\(\s*(?:about\s+)?[\d.,]+\s*(?:kg|kilo(?:gram)?s?|"
                                 r"(?:metric\s+)?tons?|tonnes?|t)\b", re.I)
_POUND_WEIGHT_BEFORE = re.compile(r"(?:(?:kg|kilo(?:gram)?s?|tons?|tonnes?|ounces?|oz|lbs?)\s*\(|\bweigh(?:s|ed|ing)?|\bweight\s+of)"
                                  r"\s*(?:about\s+|some\s+|(?:less|more)\s+than\s+|up\s+to\s+|over\s+|under\s+)?$", re.I)
# what farm and food reports weigh in pounds: "Milk production increased ... to 189,320 million pounds"
_WEIGHED_GOODS = re.compile(r"\b(?:milk|beef|pork|poultry|meat|cheese|butter|lamb|turkey|chicken|broiler|catch|cattle|"
                            r"calves|steers|heifers|hogs|landings|landed|fish|shellfish|seafood|salmon|pollock|shrimp|"
                            r"(?:production|output|harvest|yields?|shipments)\s+(?:of\s+)?(?:milk|meat|beef|pork|cheese|fish))\b", re.I)
_GOODS_MONEY = re.compile(r"\b(?:earn\w*|worth|cost\w*|paid|pay\w*|spen[dt]\w*|invest\w*|fund\w*|revenues?|sales|"
                          r"profits?|prices?|British|UK|Britain|England|Scotland|Wales)\b", re.I)
_NUMBER_END = re.compile(r"[\d.,]*$")
_POUND_MONEY = re.compile(r"£|\bsterling\b|\bpence\b|\bGBP\b|\bpounds?\s+sterling\b", re.I)


def pound_weight(s: str, start: int, end: int) -> bool:
    """Whether "pounds" after a number weighs rather than pays: "of" follows (past a bracketed
    conversion) or a mass unit stands beside it in brackets, and no £/sterling/pence says money."""
    start -= len(_NUMBER_END.search(s, max(0, start - 24), start).group())
    if not (_POUND_WEIGHT_AFTER.match(s, end) or _POUND_WEIGHT_BEFORE.search(s, max(0, start - 40), start)
            or (_WEIGHED_GOODS.search(s) and not _GOODS_MONEY.search(s))):
        return False
    return not _POUND_MONEY.search(s)
