#!/usr/bin/env bash
# The dependency check (deploy/check_dependencies.py) passes on the project as it is, and fails,
# naming each one, on violations planted in a copy of it: an include across a forbidden edge in
# each direction the rules forbid, and a shipped program that links test support code.
# Usage: dependency_rules_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
check="$src/deploy/check_dependencies.py"

python3 "$check" --root "$src" --build "$build"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for folder in common worker coordinator cli loadtest schema; do
  cp -r "$src/$folder" "$work/$folder"
done
planted() { printf '#include "%s"\n' "$2" >"$work/$1"; }
planted coordinator/planted_cli.cc cli/db/db_path.h
planted coordinator/planted_internal.cc worker/service/run_job.h
planted coordinator/allowed.cc worker/api/image_inventory.h
planted common/planted.h worker/api/image_inventory.h
planted worker/planted.cc coordinator/store/store.h
planted loadtest/planted.cc tests/support/image_builder.h
mkdir "$work/build"
cat >"$work/build/build.ninja" <<'NINJA'
build loadtest/strata-loadtest: CXX_EXECUTABLE_LINKER__strata-loadtest_Release loadtest/main.cc.o | tests/libstrata_test_support.a
  LINK_LIBRARIES = tests/libstrata_test_support.a
build tests/strata_unit_tests: CXX_EXECUTABLE_LINKER__strata_unit_tests_Release a.o | tests/libstrata_test_support.a
  LINK_LIBRARIES = tests/libstrata_test_support.a
NINJA

rc=0
out=$(python3 "$check" --root "$work" --build "$work/build") || rc=$?
echo "$out"
fail() { echo "FAIL: $*"; exit 1; }
[[ $rc -eq 1 ]] || fail "the check exited $rc on planted violations, not 1"
for expected in "coordinator/planted_cli.cc:1: includes cli/db/db_path.h" \
                "coordinator/planted_internal.cc:1: includes worker/service/run_job.h" \
                "common/planted.h:1: includes worker/api/image_inventory.h" \
                "worker/planted.cc:1: includes coordinator/store/store.h" \
                "loadtest/planted.cc:1: includes tests/support/image_builder.h" \
                "strata-loadtest: links strata_test_support"; do
  grep -qF "$expected" <<<"$out" || fail "not reported: $expected"
done
! grep -q "allowed.cc" <<<"$out" || fail "worker/api/ is the coordinator's door, yet reported"
! grep -q "strata_unit_tests" <<<"$out" || fail "a test program may link test support, yet reported"
[[ $(grep -c ': includes \|: links ' <<<"$out") -eq 6 ]] || fail "more than the 6 planted violations reported"
echo "PASS: the 6 planted violations are reported, nothing else"
