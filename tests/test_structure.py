"""The library's shape, checked with ``ast``: functions a reader can hold in their head, modules
of one job, private names that stay private, spaCy components at module level, and a README
layout that maps every module.

Why: a function over 80 lines does several jobs, a module over 600 lines holds several stages,
and a ``_private`` name used from another module is an interface nobody declared; each makes the
next change land in the wrong place.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

LIBRARY = ROOT / "include" / "newsflow"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600
# Files that break a rule while other work on them is in progress (not the structure refactor's
# to change): rule -> file names. Anything else breaking a rule fails at once, and an entry
# whose file keeps the rule again fails too, so the list only ever shrinks.
KNOWN: dict[str, set[str]] = {}  # rule -> modules allowed to break it for now (none)


def _modules() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _private(name: str) -> bool:
    """``_x`` but not a dunder, nor spaCy's ``._`` extension namespace."""
    return name.startswith("_") and not name.startswith("__") and name != "_"


def _where(path: Path, node: ast.AST) -> str:
    name = path.relative_to(LIBRARY) if path.is_relative_to(LIBRARY) else path.name
    return f"{name}:{getattr(node, 'lineno', '?')}"


def function_lengths(path: Path) -> list[tuple[str, int]]:
    """(location and name, lines) of every function and method, decorators included."""
    out = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out.append((f"{_where(path, node)} {node.name}", node.end_lineno - start + 1))
    return out


def private_uses(path: Path) -> list[str]:
    """Private names this module takes from other newsflow modules: imported by name
    (``from newsflow.x import _y``) or reached through an imported module or object
    (``x._y``, ``Lake._write_json``)."""
    tree = _tree(path)
    found, imported = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "newsflow"):
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{_where(path, node)} imports {node.module}.{alias.name}")
                imported.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "newsflow":
                    imported.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):  # newsflow.lake._x
                base = base.value
            if isinstance(base, ast.Name) and base.id in imported:
                found.append(f"{_where(path, node)} uses {ast.unparse(node)}")
    return found


def components_in_functions(path: Path) -> list[str]:
    """spaCy components or factories registered inside a function (``Language.component`` or
    ``Language.factory`` as a decorator or a call): each call of that function would register
    them again, and spaCy cannot find them by name until it has run."""
    found = []
    for fn in ast.walk(_tree(path)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in (n for stmt in fn.body for n in ast.walk(stmt)):  # its own decorators are fine
            target = node.func if isinstance(node, ast.Call) else None
            if isinstance(target, ast.Attribute) and target.attr in ("component", "factory") \
                    and isinstance(target.value, ast.Name) and target.value.id == "Language":
                found.append(f"{_where(path, node)} in {fn.name}")
    return found


def _check(rule: str, found: dict[Path, list[str]]) -> None:
    """No violation outside the known files, and every known file still has one."""
    known = KNOWN.get(rule, set())
    new = [v for path, vs in found.items() if path.name not in known for v in vs]
    assert new == [], f"{rule}: fix these"
    stale = sorted(name for name in known if not any(vs for p, vs in found.items() if p.name == name))
    assert stale == [], f"{rule}: fixed, now remove them from KNOWN"


def test_no_function_is_over_80_lines():
    _check("function", {p: [f"{name}: {n} lines" for name, n in function_lengths(p) if n > MAX_FUNCTION_LINES]
                        for p in _modules()})


def test_no_module_is_over_600_lines():
    _check("module", {p: [f"{p.relative_to(LIBRARY)}: {n} lines"]
                      for p in _modules() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES})


def test_no_private_name_is_used_across_modules():
    """Make the name public (and documented) in its module, or move the caller there."""
    _check("private", {p: private_uses(p) for p in _modules()})


def test_spacy_components_are_registered_at_module_level():
    _check("component", {p: components_in_functions(p) for p in _modules()})


def test_the_checks_see_what_they_look_for(tmp_path):
    """The checks themselves: each finds the thing it forbids in a small example."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from newsflow.lake import Lake, _newest_mtime\n"
        "from newsflow import lake as storage\n"
        "from spacy.language import Language\n"
        "def setup(doc):\n"
        "    Lake._write_json(None, {})\n"
        "    storage._info_time({})\n"
        "    doc._.amounts, self_owned = None, Lake.write_json\n"
        "    Language.component('late')(lambda doc: doc)\n"
        + "    pass\n" * 80)
    assert [n for _, n in function_lengths(sample)] == [85]
    uses = private_uses(sample)
    assert len(uses) == 3 and "_newest_mtime" in uses[0] and "Lake._write_json" in uses[1]
    assert "storage._info_time" in uses[2]
    assert len(components_in_functions(sample)) == 1


def test_the_readme_layout_maps_every_module():
    """Every module of the library has its line in the README's Layout section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    missing = [p.name for p in sorted(LIBRARY.glob("*.py")) if p.name != "__init__.py" and f"`{p.name}`" not in layout]
    assert missing == [], "add a line for each to the README's Layout section"
