"""Which newsflow modules one article passes through in one ``newsflow process`` run, in order.

    .venv/bin/python bench/trace_modules.py                      # the seed article
    .venv/bin/python bench/trace_modules.py FILE --depth 4       # another input, a shallower tree
    .venv/bin/python bench/trace_modules.py --json               # one JSON object

Why: the library is split into modules by job (fetch, staging, process, validate, lake); a
refactor that moves a job should show here as a shorter, more direct path, and a module that
calls back and forth with another shows as a high transition count between them. It runs the
real command line (``newsflow.cli.main``) in this process with :func:`sys.setprofile`, and counts
a *transition* each time a function of one newsflow module calls (directly, or through a
third-party library such as spaCy) a function of another. Every newsflow module and the spaCy
model are loaded before tracing starts, so imports do not show as calls.

Output: the modules in the order they are first entered; the modules ``pipeline`` (the
steps' sequencer) calls into, in order; a call tree at module granularity
(each node is a module entered from its parent, with how many times; children in the order they
were first entered); and the transition count per edge.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

PACKAGE = "newsflow"
# Modules every step uses for bookkeeping (files, the contract, the lock, crash points, run
# identity, settings): left out of the step sequence, which shows where the article's data goes.
INFRASTRUCTURE = frozenset({"lake", "tables", "lock", "faults", "runs", "settings", "cli"})


def _module(frame: FrameType | None) -> str | None:
    """The newsflow module a frame runs in (``newsflow.x`` shortened to ``x``), else None."""
    if frame is None:
        return None
    name = frame.f_globals.get("__name__", "")
    if name == PACKAGE or name.startswith(PACKAGE + "."):
        return name.removeprefix(PACKAGE + ".") or PACKAGE
    return None


def _module_path(frame: FrameType | None) -> tuple[str, ...]:
    """The newsflow modules on the stack, outermost first, consecutive repeats merged."""
    path: list[str] = []
    while frame is not None:
        mod = _module(frame)
        if mod is not None and (not path or path[-1] != mod):
            path.append(mod)
        frame = frame.f_back
    return tuple(reversed(path))


class Tracer:
    """Records module transitions: (caller module, callee module) pairs and the module path."""

    def __init__(self) -> None:
        self.first_entry: list[str] = []
        self.edges: Counter[tuple[str, str]] = Counter()
        self.paths: Counter[tuple[str, ...]] = Counter()
        self.path_order: list[tuple[str, ...]] = []
        self.sequence: list[tuple[str, str]] = []  # every transition, in order

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if event != "call" or frame.f_code.co_name == "<module>":
            return
        mod = _module(frame)
        if mod is None:
            return
        caller = frame.f_back
        while caller is not None and _module(caller) is None:
            caller = caller.f_back
        source = _module(caller) or "(outside)"
        if source == mod:
            return
        if mod not in self.first_entry:
            self.first_entry.append(mod)
        self.edges[(source, mod)] += 1
        self.sequence.append((source, mod))
        path = _module_path(frame)
        if path not in self.paths:
            self.path_order.append(path)
        self.paths[path] += 1

    def tree(self, depth: int) -> list[str]:
        """The module call tree as indented lines, ``module ×entries``, depth first, each
        node's children in the order they were first entered."""
        children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for path in self.path_order:
            for i in range(1, len(path) + 1):  # a path's ancestors are nodes too
                node, parent = path[:i], path[: i - 1]
                if node not in children.setdefault(parent, []):
                    children[parent].append(node)
        lines: list[str] = []

        def walk(node: tuple[str, ...]) -> None:
            if node and len(node) <= depth:
                lines.append(f"{'  ' * (len(node) - 1)}{node[-1]} ×{self.paths.get(node, 0)}")
            for child in children.get(node, []):
                walk(child)

        walk(())
        return lines

    def steps(self, caller: str, skip: frozenset[str] = INFRASTRUCTURE) -> list[str]:
        """The modules ``caller`` calls into, in the order it does, consecutive repeats merged,
        ``skip`` left out: for ``pipeline``, the path of a run through the library's stages."""
        out: list[str] = []
        for source, mod in self.sequence:
            if source == caller and mod not in skip and (not out or out[-1] != mod):
                out.append(mod)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"first_entry": self.first_entry,
                "pipeline_steps": self.steps("pipeline"),
                "transitions": sum(self.edges.values()),
                "edges": {f"{a} -> {b}": n for (a, b), n in self.edges.most_common()},
                "tree": {" > ".join(p): self.paths[p] for p in self.path_order}}


def _warm_up() -> None:
    """Import every newsflow module and load the spaCy model outside the trace."""
    import newsflow

    for info in pkgutil.iter_modules(newsflow.__path__):
        importlib.import_module(f"{PACKAGE}.{info.name}")
    from newsflow.entities import load_nlp
    from newsflow.settings import get_settings

    load_nlp(get_settings().spacy_model)


def trace(inputs: list[str]) -> Tracer:
    """Run ``newsflow process INPUTS`` into a temporary lake under the tracer."""
    from newsflow.cli import main

    _warm_up()
    tracer = Tracer()
    with tempfile.TemporaryDirectory(prefix="newsflow-trace-") as tmp:
        args = ["process", *inputs, "--out", str(Path(tmp) / "data"), "--run-id", "trace"]
        sys.setprofile(tracer)
        try:
            code = main(args)
        finally:
            sys.setprofile(None)
    if code != 0:
        raise SystemExit(f"newsflow process exited {code}")
    return tracer


def main() -> None:
    from newsflow.settings import SAMPLES_DIR

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("inputs", nargs="*", default=[str(SAMPLES_DIR / "000_f9789ab62cedf289.txt")])
    p.add_argument("--depth", type=int, default=99, help="tree levels to print")
    p.add_argument("--json", action="store_true", help="one JSON object")
    args = p.parse_args()
    tracer = trace(args.inputs)
    if args.json:
        print(json.dumps(tracer.as_dict(), indent=2))
        return
    print("modules, in the order first entered:")
    print("  " + " -> ".join(tracer.first_entry))
    print(f"\nwhat pipeline calls, in order (repeats merged; without {', '.join(sorted(INFRASTRUCTURE))}):")
    print("  " + " -> ".join(tracer.steps("pipeline")))
    print(f"\ncross-module calls: {sum(tracer.edges.values())} "
          f"over {len(tracer.edges)} edges, {len(tracer.first_entry)} modules")
    print("\nmodule call tree (module ×times entered from its parent):")
    print("\n".join("  " + line for line in tracer.tree(args.depth)))
    print("\ntransitions per edge:")
    for (a, b), n in tracer.edges.most_common():
        print(f"  {n:8d}  {a} -> {b}")


if __name__ == "__main__":
    main()
