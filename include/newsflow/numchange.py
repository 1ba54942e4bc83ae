"""Whether an amount is a change (qualifier ``up``/``down``) from words not right before it.

Split out of :mod:`newsflow.numbers` and :mod:`newsflow.numcontext` (which hold the scanner and
the sentence-level context) because a change is often said away from the number: after it
("a 4.99% increase", "6.3 percent higher than"), by a verb further back ("raised its benchmark
rate by 25 basis points", "fell another 1.4%"), by a sign ("+7.2%"), or by the amount it restates
("rose $1.12, or 1.4%", "expand capacity by 43% (32 GW)"). The scanner already reads a change
word right before the number; this only fills amounts it left at ``=``. Amounts in, amounts out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any

from newsflow.numchecks import tail

_CHANGE_KINDS = frozenset({"percent", "money", "quantity", "count"})
_UP_VERBS = (r"rose|rises?|rising|increased|increases?|increasing|grew|grows?|growing|climbed|climbs?|jumped|"
             r"jumps?|gained|gains?|gaining|surged|surges?|soared|soars?|added|adds?|lifted|lifts?|lifting|boosted|boosts?|boosting|expanded|expands?|expanding|widened|widens?|"
             r"rallied|rallies|rallying|advanced|advances?|hiked|hikes?|edged\s+up|ticked\s+up")
_DOWN_VERBS = (r"fell|falls?|falling|dropped|drops?|dropping|declined|declines?|declining|decreased|decreases?|"
               r"decreasing|slid|slides?|sliding|slumped|slumps?|plunged|plunges?|shrank|shrinks?|shrinking|"
               r"lost|loses?|losing|cut|cuts?|cutting|reduced|reduces?|reducing|lowered|lowers?|lowering|"
               r"shed|sheds|shedding|slipped|slips?|trimmed|trims?|trimming|devalued|devalues?|narrowed|"
               r"narrows?|tumbled|tumbles?|sank|sinks?|dipped|dips?|eased|eases?|edged\s+(?:down|lower)|"
               r"(?:was|were|is|are)\s+(?:also\s+)?off")
_DOWN_BY = _DOWN_VERBS.replace("lost|loses?|losing|", "")  # "lost his seat by two votes": a margin
_UP_BY = _UP_VERBS + "|raised|raises?|raising"  # "raised $665 million" is funding; "raised rates by" a change
# the verb right before the number, or with "another", "a further", "a total of" between
_VERB_BEFORE = re.compile(
    rf"\b(?:(?P<up>{_UP_VERBS})|(?P<down>{_DOWN_VERBS}))\s+"
    r"(?:(?:another|an\s+additional|a\s+further|an\s+extra|a\s+total\s+of|by\s+a\s+total\s+of)\s+)?$", re.I)
# the verb, its object (no clause break), then "by": "cut rates by 25 basis points" (not "lost
# his seat by two votes": a margin)
_VERB_THEN_BY = re.compile(
    rf"\b(?:(?P<up>{_UP_BY})|(?P<down>{_DOWN_BY}))\b[^,;:.()\"“”]{{0,60}}?\s"
    r"by\s+$", re.I)
# "a 4.99% increase", "a 35% pay rise", "a 0.4% decline": the number sizes a change noun
_NOUN_AFTER = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:(?P<up>increases?|rises?|gains?|jumps?|hikes?|growth|rebounds?|upticks?)|"
    r"(?P<down>declines?|decreases?|drops?|falls?|cuts?|reductions?|slumps?|plunges?|dips?))\b")
_ARTICLE_BEFORE = re.compile(r"\b(?:an?|the|its|their|his|her)\s+$", re.I)
# "6.3 percent higher than", "50 pence more than", "0.8 per cent lower", "1.0°F warmer than";
# "2.0°F above the 20th century average", "0.62 inch below normal": a departure is a change too
_COMPARATIVE_AFTER = re.compile(
    r"\s+(?:(?P<up>more|higher|greater|larger|bigger|warmer|hotter|wetter)|"
    r"(?P<down>lower|less|fewer|smaller|colder|cooler|drier))\b(?P<than>(?:\s+[\w-]+){0,5}?\s+than\b)?"
    r"|\s+(?:(?P<above>above)|below)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?P<than2>average|normal|mean|norm)\b")
_CONVERSION_OPEN = re.compile(r"\s*\(\s*(?:or\s+)?")
# "grow by 1.1% in 2026 and by 2.6% in 2027": the second "by" repeats the change
_AND_BY = re.compile(r"\s(?:and|or|then)\s+by\s+$", re.I)
_COUNT_COMPARED = re.compile(r"\s+(?:(?P<up>more)|(?P<down>fewer|less))\s+than\b")
# a signed figure in brackets is a change: "(-5.3%)", "(+43,000; +0.7%)", "(-2,900 or -0.5%)"; not
# money, which a bracket gives as a signed level ("the deficit in the budget (-2.6 bn)")
_SIGNED_KINDS = frozenset({"percent", "count", "cardinal"})
_SCALED = re.compile(r"[a-z]", re.I)  # "(-2.6 bn)": a scaled bare figure is money a bracket gives as a level
_SIGNED_NEXT = re.compile(r"\s*(?:\)|[;,]\s*[-−+]|\s+or\s+[-−+])")  # not "(-6.6%, compared with -6.4%)": levels
_SIGNED_IN_BRACKET = re.compile(r"\((?:[^()]*?(?:;|,|\bor)\s*)?[-−+]$")
# a minus in brackets is a fall where the sentence speaks of change ("Decreases were recorded in
# ... (-5.3%)", "Exports to China (-8.4%) weakened"); else a negative level: "had deficits equal
# to or higher than 3% of GDP: Greece (-7.5%), Spain (-5.1%)"
_CHANGE_SAID = re.compile(
    rf"\b(?:{_UP_VERBS}|{_DOWN_VERBS}|up|down|fewer|lower|change[sd]?|changing|"
    r"increases?|decreases?|declines?|drops?|falls?|rises?|gains?|losses|growth|"
    r"contract(?:ed|s|ion)?|shrink(?:ing|age)?|weaken(?:ed|s|ing)?|strengthen(?:ed|s|ing)?|dragg?(?:ed|s|ing)?|"
    r"weigh(?:ed|s|ing)?|slow(?:ed|s|ing)?|improv(?:ed|es|ing)|worsen(?:ed|s|ing)?|deteriorat(?:ed|es|ing)|weaker|stronger)\b",
    re.I)
# "rose $1.12, or 1.4%", "down 15.0 million hours (0.9%)": the same change restated
_RESTATED_GAP = re.compile(r"\s*(?:,\s*or|\(|,?\s+or)\s*")


def mark_changes(res: list[Any], s: str) -> list[Any]:
    """Set ``up``/``down`` on amounts left at ``=`` when the sentence says they are changes."""
    for i, a in enumerate(res):
        if a.qualifier == "=" and a.kind in _SIGNED_KINDS and _SIGNED_IN_BRACKET.search(s, 0, a.start + (a.text[0] in "-−")) \
                and _SIGNED_NEXT.match(s, a.end) \
                and (a.value > 0 or a.text[0] in "-−") and not (a.kind == "cardinal" and _SCALED.search(a.text)) \
                and (a.value > 0 or not _negative_levels(s, a.start)
                     or (i > 0 and re.fullmatch(r"\s*\(\s*", s[res[i - 1].end:a.start]))):  # "$78.40 a barrel (-1.2%)"
            res[i] = a = replace(a, value=abs(a.value), qualifier="up" if s[a.start] == "+" or a.value > 0 else "down")
        if a.qualifier != "=" or a.kind not in _CHANGE_KINDS:
            continue
        q = _change_of(a, s)
        if q is None and i > 0 and res[i - 1].qualifier in ("up", "down") and (
                _RESTATED_GAP.fullmatch(s[res[i - 1].end:a.start]) or _AND_BY.search(s[res[i - 1].end:a.start])):
            q = res[i - 1].qualifier
        if q:
            res[i] = replace(a, qualifier=q)
    for i in range(len(res) - 2, -1, -1):  # "0.83°C (1.49°F) above the average": both are
        a, b = res[i], res[i + 1]
        if a.qualifier == "=" and a.kind == b.kind and b.qualifier in ("up", "down") \
                and _CONVERSION_OPEN.fullmatch(s[a.end:b.start]) and re.match(r"\s*\)", s[b.end:]):
            res[i] = replace(a, qualifier=b.qualifier)
    return res


@functools.lru_cache(maxsize=64)  # once per sentence, not per bracket: long texts have many
def _speaks_of_change(s: str) -> bool:
    return bool(_CHANGE_SAID.search(s) or re.search(r"\(\s*\+", s))


def _negative_levels(s: str, start: int) -> bool:
    """Whether a minus in brackets at ``start`` is a negative level ("Greece (-7.5%)" in a list of
    deficits): only where the sentence speaks of no change anywhere, signs no figure "+", and the
    bracket follows no figure of its own ("closed at 7,512 (-0.4%)", "$182.31 (-1.12)": changes)."""
    if _speaks_of_change(s):
        return False
    return not re.search(r"[\d%]\s*\($", s[max(0, start - 12):start].rstrip("-−"))


def _change_of(a: Any, s: str) -> str | None:
    """The change the words around one amount name, or None."""
    if a.start > 0 and s[a.start - 1] == "+" and a.value > 0:
        return "up"  # "(+7.2%)"
    before = tail(s, a.start, 90)[0]
    vm = _VERB_BEFORE.search(before, max(0, len(before) - 40))
    if vm is None and before.lower().endswith("by "):
        vm = _VERB_THEN_BY.search(before)
    if vm:
        return "up" if vm.group("up") else "down"
    if a.kind == "count":
        cm = _COUNT_COMPARED.match(s, a.end) if a.text[-1].isdigit() else None  # "55 fewer than", not "two more cases" nor "26 agencies more than"
        return None if cm is None else ("up" if cm.group("up") else "down")
    if (nm := _NOUN_AFTER.match(s, a.end)) and _ARTICLE_BEFORE.search(before) and not (
            a.kind == "money" and nm.group().split()[-1].startswith("gain")):  # "a $5bn gain": a profit
        return "up" if nm.group("up") else "down"
    if (cm := _COMPARATIVE_AFTER.match(s, a.end)) and (
            a.kind in ("percent", "money") or cm.group("than") or cm.group("than2")):
        return "up" if cm.group("up") or cm.group("above") else "down"
    return None
