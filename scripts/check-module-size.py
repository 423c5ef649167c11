"""Fails when a module under src/ (migrations aside) is longer than 500 lines, naming each one.

A module that long holds several concerns; split it by concern (see docs/decisions) rather than raising the limit.
Run by `make lint`: python scripts/check-module-size.py [--max-lines N] [root ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MAX_LINES = 500


def long_modules(roots: list[Path], max_lines: int) -> list[tuple[Path, int]]:
    found = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            with path.open("rb") as handle:
                lines = sum(1 for _ in handle)
            if lines > max_lines:
                found.append((path, lines))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[Path("src")])
    parser.add_argument("--max-lines", type=int, default=MAX_LINES)
    args = parser.parse_args(argv)
    found = long_modules(args.roots, args.max_lines)
    for path, lines in found:
        print(f"{path}: {lines} lines; at most {args.max_lines} (split it by concern)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
