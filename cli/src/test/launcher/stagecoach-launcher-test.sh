#!/usr/bin/env bash
# Tests ./stagecoach, the launcher, against a fake Maven: what it says while it builds, what it shows
# when the build fails, and that --help/--version never build. Runs in a few seconds:
#   bash cli/src/test/launcher/stagecoach-launcher-test.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

check() { # check <description> <command...>: the command must succeed
  local what="$1"
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

# A tiny stand-in for the CLI jar: prints its arguments.
mkdir -p "$work/jar/src"
cat >"$work/jar/src/Main.java" <<'JAVA'
public class Main {
  public static void main(String[] args) {
    System.out.println("ran: " + String.join(" ", args));
  }
}
JAVA
java_bin="$("$repo/stagecoach" --print-java)"
jdk="$(cd "$(dirname "$(readlink -f "$java_bin")")/.." && pwd)"
"$jdk/bin/javac" --release 21 -d "$work/jar/classes" "$work/jar/src/Main.java"
"$jdk/bin/jar" --create --file "$work/jar/stagecoach.jar" --main-class Main -C "$work/jar/classes" .

# A fake Maven: prints a reactor's lines, then makes the jar (or fails with FAKE_MVN_FAIL=1).
mkdir -p "$work/bin"
cat >"$work/bin/mvn" <<'MVN'
#!/usr/bin/env bash
touch "$FAKE_MVN_CALLED"
echo "[INFO] Scanning for projects..."
n=0
for module in "Stagecoach domain core and adapters" "Stagecoach Lambda handlers" "Stagecoach CLI"; do
  n=$((n + 1))
  echo "[INFO] ------------------------< io.stagecoach:m$n >-------------------------"
  echo "[INFO] Building $module 0.1.0-SNAPSHOT                                 [$n/3]"
  echo "[INFO] Building jar: /somewhere/m$n.jar"
done
if [ -n "${FAKE_MVN_FAIL:-}" ]; then
  for i in $(seq 1 50); do echo "[ERROR] compile error $i"; done
  echo "[INFO] BUILD FAILURE"
  exit 1
fi
mkdir -p cli/target
cp "$FAKE_JAR" cli/target/stagecoach.jar
echo "[INFO] Reactor Summary for Stagecoach 0.1.0-SNAPSHOT:"
echo "[INFO] BUILD SUCCESS"
MVN
chmod +x "$work/bin/mvn"

# A checkout: the launcher and one source file.
app="$work/app"
mkdir -p "$app/cli/src/main/java"
cp "$repo/stagecoach" "$app/stagecoach"
echo "class X {}" >"$app/cli/src/main/java/X.java"
export PATH="$work/bin:$PATH" FAKE_JAR="$work/jar/stagecoach.jar" FAKE_MVN_CALLED="$work/mvn-called"

run() { # run <args...>: sets out, status; records whether Maven ran
  rm -f "$FAKE_MVN_CALLED"
  set +e
  out="$("$app/stagecoach" "$@" 2>&1)"
  status=$?
  set -e
}
built() { [ -f "$FAKE_MVN_CALLED" ]; }
not() { ! "$@"; }
says() { grep -qF -- "$1" <<<"$out"; }

for args in "--help" "--version" "serve --help"; do
  # shellcheck disable=SC2086
  run $args
  check "no jar, '$args': exits 2 without building" eval '[ "$status" = 2 ] && not built'
  check "no jar, '$args': says it is not built yet" says "not built yet (no cli/target/stagecoach.jar)"
done

FAKE_MVN_FAIL=1 run serve
check "failed build: exits 1" eval '[ "$status" = 1 ]'
check "failed build: says what and why" says "stagecoach: building Stagecoach (first run: no cli/target/stagecoach.jar); this takes a few minutes"
check "failed build: names the log" says "the last 40 lines of $app/target/stagecoach-build.log"
check "failed build: shows the last error" says "[ERROR] compile error 50"
check "failed build: shows only the last 40 lines" not says "[ERROR] compile error 11"
check "failed build: the log has it all" grep -qF "[ERROR] compile error 1" "$app/target/stagecoach-build.log"

run serve --port 1
check "first build: runs the jar after" eval '[ "$status" = 0 ] && built'
check "first build: a line per module" says "s] Stagecoach domain core and adapters"
check "first build: the last module once the reactor ends" says "s] Stagecoach CLI"
check "first build: elapsed seconds" eval 'grep -qE "^  \[ *[0-9]+s\] Stagecoach Lambda handlers$" <<<"$out"'
check "first build: no Maven line leaks" not says "[INFO]"
check "first build: the command ran" says "ran: serve --port 1"

run whoami
check "current jar: no build" eval '[ "$status" = 0 ] && not built && [ "$out" = "ran: whoami" ]'

sleep 1
touch "$app/cli/src/main/java/X.java"
for args in "--help" "--version" "serve --help"; do
  # shellcheck disable=SC2086
  run $args
  check "sources newer, '$args': answers from the jar without building" eval 'not built && [ "$out" = "ran: $args" ]'
done

run whoami
check "sources newer: builds, saying why" says "(sources changed since cli/target/stagecoach.jar was built: cli/src/main/java/X.java)"
check "sources newer: then runs" eval 'built && says "ran: whoami"'

# The web console's sources count too; its installed node modules do not.
mkdir -p "$app/console/src" "$app/console/node_modules/some-package"
echo "export {};" >"$app/console/src/main.tsx"
echo "{}" >"$app/console/node_modules/some-package/package.json"
touch -d '2000-01-01' "$app/console/src/main.tsx"
run whoami
check "installed node modules: no build" eval '[ "$status" = 0 ] && not built'
sleep 1
touch "$app/console/src/main.tsx"
run whoami
check "console sources newer: builds, saying why" says "(sources changed since cli/target/stagecoach.jar was built: console/src/main.tsx)"

[ "$failures" = 0 ] && echo "all passed" || { echo "$failures failed"; exit 1; }
