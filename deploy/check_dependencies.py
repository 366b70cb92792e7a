#!/usr/bin/env python3
"""The architecture's dependency rules, checked on the sources and, given a build tree, on the link
graph. Exits 1 and names every violation (file, line, include, rule); 0 when there is none.

Usage: check_dependencies.py [--root DIR] [--build DIR]

Rules (what a folder's sources may include from the project's other top-level folders):
  common/      schema/ only
  worker/      common/, schema/
  coordinator/ common/, schema/, and from worker/ only its public API, worker/api/
  cli/         common/, schema/, worker/
  loadtest/    common/, schema/
and no shipped program links the tests' support libraries.
"""
import argparse
import pathlib
import re
import sys

FOLDERS = ("common", "worker", "coordinator", "cli", "loadtest", "schema", "tests")
ALLOWED = {
    "common": {"common", "schema"},
    "schema": {"schema"},
    "worker": {"worker", "common", "schema"},
    "coordinator": {"coordinator", "common", "schema", "worker/api"},
    "cli": {"cli", "common", "schema", "worker"},
    "loadtest": {"loadtest", "common", "schema"},
}
SHIPPED_PROGRAMS = ("strata", "strata-worker", "strata-coordinator", "strata-loadtest")
TEST_LIBRARIES = ("strata_test_support", "strata_cluster_support", "strata_registry_support")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def allowed(folder, target):
    """Whether a source in `folder` may include the project header `target`."""
    return any(target == a or target.startswith(a + "/") for a in ALLOWED[folder])


def include_violations(root):
    found = []
    for folder in ALLOWED:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in (".h", ".cc", ".cpp", ".capnp") or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                target = match.group(1)
                if target.split("/", 1)[0] not in FOLDERS or allowed(folder, target):
                    continue
                rule = ", ".join(sorted(ALLOWED[folder] - {folder}))
                found.append(f"{path.relative_to(root)}:{number}: includes {target}; "
                             f"{folder}/ may include only its own files and {rule}")
    return found


def link_violations(build):
    """Shipped programs whose link step names a test support library (from build.ninja)."""
    ninja = build / "build.ninja"
    if not ninja.is_file():
        return [f"{ninja}: not found; configure the build tree first"]
    found = []
    text = ninja.read_text(errors="replace")
    for block in re.split(r"\n(?=build )", text):
        head = block.split("\n", 1)[0]
        match = re.match(r"build ([^:]+?):\s*CXX_EXECUTABLE_LINKER\S*", head)
        if not match:
            continue
        program = pathlib.PurePosixPath(match.group(1).strip()).name
        if program not in SHIPPED_PROGRAMS:
            continue
        for library in TEST_LIBRARIES:
            if re.search(rf"\blib{library}\.a\b", block):
                found.append(f"{program}: links {library}, test support code; move what it needs out of tests/")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=pathlib.Path(__file__).resolve().parent.parent, type=pathlib.Path)
    parser.add_argument("--build", type=pathlib.Path)
    args = parser.parse_args()
    violations = include_violations(args.root)
    if args.build:
        violations += link_violations(args.build)
    for v in violations:
        print(v)
    if violations:
        print(f"{len(violations)} dependency rule violation(s)", file=sys.stderr)
        return 1
    print("dependency rules: no violation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
