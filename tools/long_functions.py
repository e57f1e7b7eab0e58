"""List the functions of a package longer than a limit, longest first.

Usage: ``python tools/long_functions.py [ROOT] [--over N]`` (defaults:
``vgp_symbolic``, 60 lines).  A function's length runs from its ``def`` to its last line, docstring
included (decorators -- e.g. a click command's option table -- are shown apart,
as ``+N decorator lines``); a nested function is counted inside its parent and
listed on its own as well.  Exit code 0 always:
this is a map for a clean-up, not a gate.
"""
from __future__ import annotations

import argparse
import ast
import pathlib
import sys


def long_functions(root: pathlib.Path, over: int) -> list[tuple[int, str, int, str, int]]:
    """``(length, file, line, qualified name, decorator lines)`` of every function over ``over``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found.extend(_walk(tree, path, over, prefix=""))
    return sorted(found, key=lambda row: (-row[0], row[1], row[2]))


def _walk(node: ast.AST, path: pathlib.Path, over: int, prefix: str):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = prefix + child.name
            if not isinstance(child, ast.ClassDef):
                length = child.end_lineno - child.lineno + 1
                decorators = child.lineno - min([child.lineno] + [d.lineno for d in child.decorator_list])
                if length > over:
                    yield (length, str(path), child.lineno, name, decorators)
            yield from _walk(child, path, over, prefix=name + ".")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="vgp_symbolic")
    parser.add_argument("--over", type=int, default=60)
    args = parser.parse_args(argv)
    rows = long_functions(pathlib.Path(args.root), args.over)
    for length, file, line, name, decorators in rows:
        extra = f"  (+{decorators} decorator lines)" if decorators else ""
        print(f"{length:4d}  {file}:{line}  {name}{extra}")
    print(f"{len(rows)} functions over {args.over} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
