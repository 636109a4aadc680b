"""Prints requirements declared in pyproject.toml, one per line, for scripts/setup.

    pyproject_deps.py build [--lowest]           the [build-system] requirements
    pyproject_deps.py runtime a,b [--lowest]     the dependencies plus the extras a and b; with
                                                 --lowest each pinned to its declared floor
                                                 (">=X" becomes "==X"; scripts/test-oldest)
    pyproject_deps.py runtime a,b --lift         the same, less the peers of [tool.custinsight.
                                                 lift-caps], which are installed on their own
    pyproject_deps.py lifted a,b                 those peers' requirements from the extras a, b
    pyproject_deps.py requires NAME              the requirements of the installed NAME, less
                                                 its lifted caps and its extras' requirements
    pyproject_deps.py check                      reads `pip check` on stdin; exits 1 unless every
                                                 problem it reports is a lifted cap

pyproject.toml is the only list: setup installs what it declares, nothing else.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

_FLOOR = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+(?:\[[^\]]*\])?)\s*>=\s*(?P<version>[^,;\s]+)\s*"
                    r"(?P<marker>;.*)?$")


def lowest(requirement: str) -> str:
    """The requirement pinned to its declared floor; exact pins and bare names stay as written."""
    match = _FLOOR.match(requirement)
    if not match:
        return requirement
    return f"{match['name']}=={match['version']}{match['marker'] or ''}"


def name_of(requirement: str) -> str:
    """The normalised distribution name of a requirement ("Foo_Bar[x]>=1" -> "foo-bar")."""
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)", requirement)
    return re.sub(r"[-_.]+", "-", match[1]).lower() if match else requirement


def _declared(pyproject: dict, extras: str) -> list[str]:
    project = pyproject["project"]
    requirements = list(project["dependencies"])
    optional = project.get("optional-dependencies", {})
    for extra in filter(None, extras.split(",")):
        if extra not in optional:
            raise SystemExit(f"pyproject_deps: no extra {extra!r} in pyproject.toml "
                             f"(has {sorted(optional)})")
        requirements += optional[extra]
    return requirements


def _lifted(pyproject: dict) -> dict[str, set[str]]:
    table = pyproject.get("tool", {}).get("custinsight", {}).get("lift-caps", {})
    return {name_of(k): {name_of(c) for c in v} for k, v in table.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["build", "runtime", "lifted", "requires", "check"])
    parser.add_argument("arg", nargs="?", default="")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--lowest", action="store_true")
    mode.add_argument("--lift", action="store_true")
    args = parser.parse_args()
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    lifted = _lifted(pyproject)

    if args.what == "build":
        requirements = list(pyproject["build-system"]["requires"])
    elif args.what == "runtime":
        requirements = _declared(pyproject, args.arg)
        if args.lift:
            requirements = [r for r in requirements if name_of(r) not in lifted]
    elif args.what == "lifted":
        requirements = [r for r in _declared(pyproject, args.arg) if name_of(r) in lifted]
    elif args.what == "requires":
        from importlib.metadata import requires

        caps = lifted.get(name_of(args.arg), set())
        requirements = [r for r in requires(args.arg) or []
                        if "extra ==" not in r and name_of(r) not in caps]
    else:  # check: `pip check` lines look like "lifelines 0.30.3 has requirement pandas<3.0,..."
        problems = [line for line in sys.stdin.read().splitlines()
                    if line.strip() and line.strip() != "No broken requirements found."]
        pattern = re.compile(r"^(\S+) \S+ has requirement ([A-Za-z0-9_.\-]+)")
        unexpected = [line for line in problems
                      if not ((m := pattern.match(line))
                              and name_of(m[2]) in lifted.get(name_of(m[1]), set()))]
        for line in problems:
            print(("  lifted cap (pyproject's [tool.custinsight.lift-caps]): " if line not in
                   unexpected else "  CONFLICT: ") + line)
        return 1 if unexpected else 0
    if args.lowest:
        requirements = [lowest(r) for r in requirements]
    # One line per distinct requirement, in declaration order.
    print("\n".join(dict.fromkeys(requirements)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
