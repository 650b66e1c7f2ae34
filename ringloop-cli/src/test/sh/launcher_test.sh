#!/usr/bin/env bash
# Checks of the ./ringloop launcher.
#
#   launcher_test.sh                  every fast check (fake JDKs in a temp dir, no build, well under a second each)
#   launcher_test.sh --list           the names of the fast checks (LauncherTest runs each one from JUnit)
#   launcher_test.sh NAME...          the named checks
#   launcher_test.sh --full           the fast checks, then the slow ones on a fresh clone of the committed HEAD:
#                                     first-run build, no rebuild, JDK found with JAVA_HOME=old, concurrent
#                                     rebuild under the lock, `bash .ci/run` (needs a real JDK 25 and mvn; minutes)
#
# The fast checks are hermetic: the launcher sees only fake JDKs (shell scripts with a `release` file) through
# JAVA_HOME, a PATH holding just the tools it needs, and RINGLOOP_JDK_SEARCH_PATH instead of the install folders.
set -euo pipefail

HERE="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd -P)"
ROOT="$(cd -- "$HERE/../../../.." && pwd -P)"
LAUNCHER="$ROOT/ringloop"
ENV_BIN="$(command -v env)"
# The space is on purpose: every path the launcher sees in these checks contains one.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ringloop launcher test.XXXXXX")"
trap 'rm -rf -- "$WORK"' EXIT

# --- fixtures ----------------------------------------------------------------------------------------------

fail() {
  printf 'FAIL %s: %s\n' "$CURRENT" "$*" >&2
  [[ -n "${OUT+x}" ]] && printf -- '--- stdout:\n%s\n--- stderr:\n%s\n--- exit: %s\n' "$OUT" "$ERR" "$RC" >&2
  exit 1
}

# make_jdk NAME VERSION [no-release] [no-javac]: a fake JDK home whose java prints VERSION like a real one.
make_jdk() {
  local home="$WORK/jdks/$1" version="$2" flag
  mkdir -p "$home/bin"
  printf '#!/bin/sh\necho '\''openjdk version "%s" 2030-01-01'\'' >&2\necho "OpenJDK Runtime Environment" >&2\n' \
    "$version" >"$home/bin/java"
  printf '#!/bin/sh\nexit 0\n' >"$home/bin/javac"
  chmod +x "$home/bin/java" "$home/bin/javac"
  printf 'IMPLEMENTOR="Fake"\nJAVA_VERSION="%s"\n' "$version" >"$home/release"
  for flag in "${@:3}"; do
    case "$flag" in
      no-release) rm -f "$home/release" ;;
      no-javac) rm -f "$home/bin/javac" ;;
    esac
  done
  printf '%s' "$home"
}

# A PATH directory with the tools the launcher uses and no java.
TOOLS="$WORK/tools dir"
mkdir -p "$TOOLS"
for tool in bash env readlink dirname sed grep sort tail head cut tr stat find mkdir flock cat rm mv; do
  if path="$(command -v "$tool")"; then ln -s "$path" "$TOOLS/$tool"; fi
done

# run_launcher ENV... -- ARGS...: runs the launcher with exactly the given environment (plus PATH=tools unless
# given), from the / directory. Sets OUT, ERR, RC.
run_launcher() {
  local envs=("PATH=$TOOLS") arg
  while (( $# > 0 )); do
    arg="$1"; shift
    [[ "$arg" == "--" ]] && break
    envs+=("$arg")
  done
  local out_file="$WORK/out" err_file="$WORK/err"
  RC=0
  (cd / && "$ENV_BIN" -i "${envs[@]}" "${LAUNCHER_UNDER_TEST:-$LAUNCHER}" "$@" >"$out_file" 2>"$err_file" </dev/null) \
    || RC=$?
  OUT="$(cat "$out_file")"
  ERR="$(cat "$err_file")"
}

expect_jdk() {
  (( RC == 0 )) || fail "exit $RC, expected 0"
  [[ "$OUT" == "$1" ]] || fail "chose '$OUT', expected '$1'"
}

# --- fast checks -------------------------------------------------------------------------------------------

should_prefer_java_home_when_it_is_25() {
  local jdk25 jdk26
  jdk25="$(make_jdk "temurin 25" 25.0.3)"
  jdk26="$(make_jdk "temurin 26" 26.0.1)"
  run_launcher "JAVA_HOME=$jdk25" "RINGLOOP_JDK_SEARCH_PATH=$WORK/jdks/*" -- java-home
  expect_jdk "$jdk25"
}

should_skip_old_java_home_and_path_and_pick_newest_install() {
  local jdk17 jdk26
  jdk17="$(make_jdk jdk-17 17.0.15)"
  make_jdk jdk-25 25.0.3 >/dev/null
  make_jdk jdk-25-ea 25-ea >/dev/null
  jdk26="$(make_jdk "jdk-26 no release file" 26.0.1 no-release)"
  make_jdk jre-27 27 no-javac >/dev/null
  run_launcher "PATH=$TOOLS:$jdk17/bin" "JAVA_HOME=$jdk17" "RINGLOOP_JDK_SEARCH_PATH=$WORK/jdks/*" -- java-home
  expect_jdk "$jdk26"
}

should_use_java_on_path_through_symlinks() {
  local jdk25 bin="$WORK/bin dir"
  jdk25="$(make_jdk jdk-25 25.0.3)"
  mkdir -p "$bin" && ln -s "$jdk25/bin/java" "$bin/java"
  run_launcher "PATH=$TOOLS:$bin" "RINGLOOP_JDK_SEARCH_PATH=$WORK/nothing/*" -- java-home
  expect_jdk "$jdk25"
}

should_search_sdkman_candidates_in_home() {
  local home="$WORK/home dir" jdk
  mkdir -p "$home/.sdkman/candidates/java"
  jdk="$(make_jdk sdk-99 99.0.1)"
  mv "$jdk" "$home/.sdkman/candidates/java/99.0.1-tem"
  run_launcher "HOME=$home" -- java-home
  expect_jdk "$home/.sdkman/candidates/java/99.0.1-tem"
}

should_fail_with_one_clear_line_without_jdk_25() {
  local jdk17 command
  jdk17="$(make_jdk jdk-17 17.0.15)"
  make_jdk jre-25 25.0.3 no-javac >/dev/null
  for command in java-home info test; do
    run_launcher "PATH=$TOOLS:$jdk17/bin" "JAVA_HOME=$jdk17" "RINGLOOP_JDK_SEARCH_PATH=$WORK/jdks/*" -- "$command"
    (( RC == 1 )) || fail "$command: exit $RC, expected 1"
    [[ -z "$OUT" ]] || fail "$command: printed on stdout"
    [[ "$ERR" != *$'\n'* ]] || fail "$command: more than one line on stderr"
    [[ "$ERR" == *"JDK 25"* && "$ERR" == *"JAVA_HOME"* && "$ERR" == *"Temurin 25"* ]] \
      || fail "$command: message does not say what is missing and how to get it"
  done
}

should_say_bench_is_not_built_without_the_module_from_any_cwd() {
  # A copy of the launcher in a checkout whose root pom has no ringloop-bench module, called through a symlink.
  local repo="$WORK/a checkout" links="$WORK/links dir"
  mkdir -p "$repo" "$links"
  cp "$LAUNCHER" "$repo/ringloop"
  printf '<project>\n  <modules>\n    <module>ringloop-core</module>\n    <module>ringloop-cli</module>\n' \
    >"$repo/pom.xml"
  printf '  </modules>\n</project>\n' >>"$repo/pom.xml"
  ln -s "$repo/ringloop" "$links/rl"
  LAUNCHER_UNDER_TEST="$links/rl" run_launcher -- bench --quick
  (( RC == 1 )) || fail "exit $RC, expected 1"
  [[ "$ERR" == *"bench is not built"* && "$ERR" == *"./ringloop echo"* ]] || fail "unclear message"
  [[ ! -e "$repo/target" ]] || fail "tried to build"
}

# --- slow checks (--full) ----------------------------------------------------------------------------------

full_checks() {
  local clone="$WORK/fresh clone" real_old="" pid_a pid_b rc_a=0 rc_b=0
  CURRENT="full: clone"
  git clone -q "$ROOT" "$clone"
  LAUNCHER_UNDER_TEST="$clone/ringloop"

  CURRENT="full: first run builds and runs info with JAVA_HOME unset"
  run_launcher "PATH=$PATH" "HOME=$HOME" -- info
  (( RC == 0 )) || fail "exit $RC"
  [[ "$ERR" == *"building ringloop (first run"* ]] || fail "no build message"
  [[ "$OUT" =~ (^|$'\n')java\ +(2[5-9]|[3-9][0-9]) ]] || fail "info does not show a JDK >= 25"

  CURRENT="full: second run does not build and prints nothing on stderr"
  run_launcher "PATH=$PATH" "HOME=$HOME" -- info
  (( RC == 0 )) || fail "exit $RC"
  [[ -z "$ERR" ]] || fail "stderr not empty"

  CURRENT="full: JAVA_HOME pointing at an old JDK, PATH=/usr/bin:/bin, still finds 25"
  local dir
  for dir in /usr/lib/jvm/*; do
    if [[ -x "$dir/bin/javac" && -r "$dir/release" ]] && ! grep -q '^JAVA_VERSION="2[5-9]' "$dir/release"; then
      real_old="$dir"
      break
    fi
  done
  [[ -n "$real_old" ]] || real_old="$(make_jdk jdk-17 17.0.15)"
  run_launcher "PATH=/usr/bin:/bin" "HOME=$HOME" "JAVA_HOME=$real_old" -- info
  (( RC == 0 )) || fail "exit $RC"
  [[ "$OUT" =~ (^|$'\n')java\ +(2[5-9]|[3-9][0-9]) ]] || fail "info does not show a JDK >= 25"

  CURRENT="full: two concurrent runs after a change: one rebuild, both succeed"
  touch "$clone/ringloop-cli/src/main/java/io/ringloop/cli/Main.java"
  (cd / && "$clone/ringloop" info >"$WORK/a.out" 2>"$WORK/a.err" </dev/null) & pid_a=$!
  (cd / && "$clone/ringloop" info >"$WORK/b.out" 2>"$WORK/b.err" </dev/null) & pid_b=$!
  wait "$pid_a" || rc_a=$?
  wait "$pid_b" || rc_b=$?
  (( rc_a == 0 && rc_b == 0 )) || fail "exits $rc_a and $rc_b: $(cat "$WORK/a.err" "$WORK/b.err")"
  [[ "$(cat "$WORK/a.err" "$WORK/b.err" | grep -c rebuilding)" == 1 ]] || fail "not exactly one rebuild"

  CURRENT="full: CI=true bash .ci/run"
  RC=0
  (cd "$clone" && CI=true bash .ci/run >"$WORK/ci.out" 2>&1 </dev/null) || RC=$?
  (( RC == 0 )) || fail "exit $RC: $(tail -n 40 "$WORK/ci.out")"
  grep -q 'BUILD SUCCESS' "$WORK/ci.out" || fail "no Maven summary"
  printf 'ok   full checks\n'
}

# --- driver ------------------------------------------------------------------------------------------------

FAST_CHECKS=(
  should_prefer_java_home_when_it_is_25
  should_skip_old_java_home_and_path_and_pick_newest_install
  should_use_java_on_path_through_symlinks
  should_search_sdkman_candidates_in_home
  should_fail_with_one_clear_line_without_jdk_25
  should_say_bench_is_not_built_without_the_module_from_any_cwd
)

run_check() {
  CURRENT="$1"
  rm -rf -- "$WORK/jdks" "$WORK/home dir"
  unset OUT
  "$1"
  printf 'ok   %s\n' "$1"
}

case "${1:-}" in
  --list) printf '%s\n' "${FAST_CHECKS[@]}" ;;
  --full) for check in "${FAST_CHECKS[@]}"; do run_check "$check"; done; full_checks ;;
  "") for check in "${FAST_CHECKS[@]}"; do run_check "$check"; done ;;
  *)
    for check in "$@"; do
      [[ " ${FAST_CHECKS[*]} " == *" $check "* ]] || { printf 'no such check: %s\n' "$check" >&2; exit 2; }
      run_check "$check"
    done
    ;;
esac
