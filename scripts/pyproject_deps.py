"""Prints requirements declared in pyproject.toml, one per line, for scripts/setup.

    python scripts/pyproject_deps.py build             the [build-system] requirements
    python scripts/pyproject_deps.py runtime a,b       the dependencies plus the extras a and b
    python scripts/pyproject_deps.py runtime a,b --lowest
                                                       the same, each pinned to its declared floor
                                                       (">=X" becomes "==X"; used by scripts/test-oldest)

pyproject.toml is the only list: setup installs what it declares, nothing else.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

_FLOOR = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+(?:\[[^\]]*\])?)\s*>=\s*(?P<version>[^,;\s]+)\s*$")


def lowest(requirement: str) -> str:
    """The requirement pinned to its declared floor; exact pins and bare names stay as written."""
    match = _FLOOR.match(requirement)
    return f"{match['name']}=={match['version']}" if match else requirement


def main(argv: list[str]) -> int:
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    if argv[:1] == ["build"]:
        requirements = list(pyproject["build-system"]["requires"])
    elif argv[:1] == ["runtime"] and len(argv) in (2, 3):
        project = pyproject["project"]
        requirements = list(project["dependencies"])
        optional = project.get("optional-dependencies", {})
        for extra in filter(None, argv[1].split(",")):
            if extra not in optional:
                print(f"pyproject_deps: no extra {extra!r} in pyproject.toml (has {sorted(optional)})",
                      file=sys.stderr)
                return 2
            requirements += optional[extra]
        if argv[2:] == ["--lowest"]:
            requirements = [lowest(r) for r in requirements]
        elif argv[2:]:
            print(f"pyproject_deps: unknown option {argv[2]!r}", file=sys.stderr)
            return 2
    else:
        print(__doc__, file=sys.stderr)
        return 2
    # One line per distinct requirement, in declaration order.
    print("\n".join(dict.fromkeys(requirements)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
