"""Relabel rates in the project's own numbers sets: "$82 a barrel" becomes "USD per barrel".

    .venv/bin/python bench/migrate_money_rates.py            # dry run: print what would change
    .venv/bin/python bench/migrate_money_rates.py --write    # rewrite the two files in place
    .venv/bin/python bench/migrate_money_rates.py --counts   # counts per span of time too

Counts (``--counts``, run once in session 21): every real-news set labels a count per span of time
as one unit ("50 lashes a week", "2 million trips a year", "13 million passengers a day": ten
labels in six sets, none the other way), so "4,000 steps a day" in the project's sets becomes
"step per day" by the same rule, for time denominators only ("12 people per car" stays apart).

Why: issue 10 asks for "per X" rates as one unit ("USD per barrel"), and the real-news sets label
them so; the project's dev and held-out sets were written earlier with the ISO code alone. This
script relabels them by a rule read off the gold text only (never the extractor's output), so the
change is reviewable and repeatable: a gold money amount whose sentence reads "a|an|per|/ <noun>"
right after its span gets the unit "<ISO> per <singular noun>". Comparisons ("$5bn a year
earlier", "₹30 a fortnight ago"), noun phrases that go on ("a share of") and denominators that
are not nouns ("per million British thermal units") are left alone and printed as skipped, so a
reader can check every decision by eye. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path

EVALDATA = Path(__file__).resolve().parents[1] / "include" / "newsflow" / "evaldata"
FILES = (EVALDATA / "numbers_dev.jsonl", EVALDATA / "numbers_heldout.jsonl")

# Denominators spelled otherwise than the unit name the numbers table uses: abbreviations, and
# currencies (a money denominator is its ISO code, as a money unit is: "rupees per dollar").
NAMES = {"kg": "kilogram", "lb": "pound", "lbs": "pound", "gal": "gallon", "dollar": "USD",
         "us dollar": "USD", "u.s. dollar": "USD", "euro": "EUR"}
# Units of two words: the denominator is the whole phrase, not its first word.
PHRASES = ("kilowatt hour", "megawatt hour", "gigawatt hour", "us dollar", "u.s. dollar")
NOT_NOUNS = {"million", "billion", "thousand", "hundred", "trillion", "year-on-year", "further",
             "record", "total", "few", "lot", "bit", "week-earlier", "day-earlier"}
RATE = re.compile(r"\s*(?:(?P<art>a|an|every)\s+|per\s+|/\s*)(?P<den>(?:u\.s\.\s+)?[A-Za-z]+(?:\s+[A-Za-z]+)?)", re.I)
# Time words are rates after "a" whatever follows ("₹1,600 a month now reaches ...").
TIME = {"year", "month", "week", "fortnight", "day", "hour", "minute", "second", "quarter", "night"}
COMPARISON = re.compile(r"\s+(?:earlier|ago|before|later)\b", re.I)
# After "a <noun>", the noun phrase must end for the noun to be a rate's denominator.
PHRASE_END = re.compile(r"\s*(?:[.,;:!?)]|$)|\s+(?:in|on|at|for|as|to|from|with|and|or|by|during|"
                        r"including|excluding|while|after|compared)\b", re.I)


def span_of(text: str, mention: dict, cursor: dict[str, int]) -> tuple[int, int] | None:
    """Where a gold mention sits: its ``start`` if given, else the next occurrence of its text."""
    start = mention.get("start")
    if start is None:
        start = text.find(mention["text"], cursor.get(mention["text"], 0))
        if start < 0:
            return None
        cursor[mention["text"]] = start + 1
    return start, start + len(mention["text"])


def denominator(text: str, end: int) -> tuple[str | None, str]:
    """(unit denominator or None, the words read): the rule applied to the text after a span."""
    m = RATE.match(text, end)
    if not m:
        return None, ""
    den, den_end = m.group("den"), m.end("den")
    low = den.lower()
    phrase = next((p for p in PHRASES if low.startswith(p)), None)
    if phrase is None:  # one word only, unless the two words are a known unit
        low = low.split()[0]
        den_end = m.start("den") + len(low)
    else:
        low, den_end = phrase, m.start("den") + len(phrase)
    seen = text[end:den_end + 20]
    if low in NOT_NOUNS or COMPARISON.match(text, den_end):
        return None, seen
    if m.group("art") and low not in TIME and not PHRASE_END.match(text, den_end):
        return None, seen
    if low in NAMES:
        return NAMES[low], seen
    noun = low[:-1] if low.endswith("s") and not low.endswith("ss") and m.group("art") is None else low
    return NAMES.get(noun, noun), seen


def rewrite(path: Path, write: bool, relabel: Callable[[dict], int]) -> int:
    """Apply ``relabel`` (it edits one example's labels in place, prints what it changed and
    returns how many) to every example of ``path``; rewrite the file when ``write``."""
    out, changed = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            out.append(line)
            continue
        ex = json.loads(line)
        changed += relabel(ex)
        out.append(json.dumps(ex, ensure_ascii=False))
    if write:
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return changed


def migrate(path: Path, write: bool, kinds: tuple[str, ...] = ("money",)) -> int:
    """Relabel one file; print every change and every skipped candidate; return the changes.
    A count is relabelled only per span of time."""

    def relabel(ex: dict) -> int:
        changed = 0
        cursor: dict[str, int] = {}
        for mention in ex["numbers"]:
            span = span_of(ex["text"], mention, cursor)
            if mention["kind"] not in kinds or span is None or " per " in (mention["unit"] or ""):
                continue
            den, seen = denominator(ex["text"], span[1])
            if mention["kind"] == "count" and den not in TIME:
                den = None
            if den is None:
                if seen:
                    print(f"  skip {path.stem} {ex['id']}: {mention['text']!r} then {seen!r}")
                continue
            new = f"{mention['unit']} per {den}"
            print(f"change {path.stem} {ex['id']}: {mention['text']!r} {mention['unit']} -> {new!r}"
                  f"   [{seen.strip()!r}]")
            mention["unit"], changed = new, changed + 1
        return changed

    return rewrite(path, write, relabel)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the files (default: dry run)")
    ap.add_argument("--counts", action="store_true", help="relabel counts per span of time too")
    args = ap.parse_args()
    kinds = ("money", "count") if args.counts else ("money",)
    total = sum(migrate(path, args.write, kinds) for path in FILES)
    print(f"{total} labels {'changed' if args.write else 'would change'}")


if __name__ == "__main__":
    main()
