#!/usr/bin/env bash
# docker/Dockerfile must install the packages scripts/setup lists, so that the image and a
# developer machine build and run with the same libraries. The rule:
#   build stage   (FROM ... AS build)   apt-get install  ==  BUILD_PACKAGES
#   runtime stage (FROM ... AS runtime) apt-get install  ==  RUNTIME_PACKAGES minus postgresql-*
#                 (the server and client are for scripts/pg; the container uses an outside database)
#   TEST_PACKAGES (chromium for the browser tests, ...) in neither stage: the image never runs them
# Run from the repository root, or pass it: dockerfile_packages_test.sh [ROOT]
set -euo pipefail
root=${1:-.}
setup=$root/scripts/setup
dockerfile=$root/docker/Dockerfile

# An array of scripts/setup, read without running the script.
setup_array() {
  bash -c 'source <(sed -n "/^$1=(/,/^)/p" "$2"); declare -n list=$1; printf "%s\n" "${list[@]}"' \
    _ "$1" "$setup" | sort -u
}

# The packages of the first `apt-get install` in the stage named $1, one per continued line.
docker_list() {
  awk -v stage="$1" '
    toupper($1) == "FROM" { in_stage = (tolower($NF) == stage); installing = 0; next }
    in_stage && /apt-get install/ { installing = 1; next }
    installing && $1 ~ /^[a-z0-9][a-z0-9.+-]*$/ && $2 == "\\" { print $1; next }
    installing { installing = 0; in_stage = 0 }
  ' "$dockerfile" | sort -u
}

fail=0
compare() {
  local what=$1 expected=$2 actual=$3
  if [[ -z $expected ]]; then echo "FAIL $what: nothing found in $setup"; fail=1; return; fi
  if [[ -z $actual ]]; then echo "FAIL $what: no apt-get install found in $dockerfile"; fail=1; return; fi
  if [[ $expected == "$actual" ]]; then echo "ok   $what: $(wc -l <<<"$expected") packages"; return; fi
  echo "FAIL $what differs ('<' only in scripts/setup, '>' only in docker/Dockerfile):"
  diff <(echo "$expected") <(echo "$actual") | grep '^[<>]' || true
  fail=1
}

compare "build stage" "$(setup_array BUILD_PACKAGES)" "$(docker_list build)"
compare "runtime stage" "$(setup_array RUNTIME_PACKAGES | grep -v '^postgresql-' || true)" "$(docker_list runtime)"

# Test-only packages stay out of the image (and out of the lists compared above).
test_only=$(setup_array TEST_PACKAGES)
if [[ -z $test_only ]]; then
  echo "FAIL test packages: no TEST_PACKAGES in $setup"
  fail=1
else
  leaked=$(comm -12 <(echo "$test_only") <(printf '%s\n' "$(docker_list build)" "$(docker_list runtime)" | sort -u))
  if [[ -n $leaked ]]; then
    echo "FAIL test packages in docker/Dockerfile: $(echo $leaked)"
    fail=1
  else
    echo "ok   test packages: $(wc -l <<<"$test_only") kept out of the image"
  fi
fi
exit "$fail"
