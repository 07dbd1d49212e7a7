#!/usr/bin/env bash
# Tests ./stagecoach, the launcher, against a fake Maven and a fake JDK: what it says while it builds,
# what it shows when the build fails, that --help/--version never build, that it keeps its choice of
# JDK until the JDKs change, that every command but serve runs on the client jar with a class-data
# sharing archive, and serve on the whole jar with an archive of its own. Runs in a few seconds:
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

# Tiny stand-ins for the CLI jars: print their arguments.
mkdir -p "$work/jar/src" "$work/client-jar/src"
cat >"$work/jar/src/Main.java" <<'JAVA'
public class Main {
  public static void main(String[] args) {
    System.out.println("ran: " + String.join(" ", args));
  }
}
JAVA
sed 's/"ran: "/"client ran: "/' "$work/jar/src/Main.java" >"$work/client-jar/src/Main.java"
java_bin="$("$repo/stagecoach" --print-java)"
jdk="$(cd "$(dirname "$(readlink -f "$java_bin")")/.." && pwd)"
for j in jar client-jar; do
  "$jdk/bin/javac" --release 21 -d "$work/$j/classes" "$work/$j/src/Main.java"
  "$jdk/bin/jar" --create --file "$work/$j/stagecoach.jar" --main-class Main -C "$work/$j/classes" .
done

# Fake JDKs (JAVA_HOME): each says it is Java 99 when the launcher asks its version, noting the
# question in $PROBES, and otherwise runs the real java, noting its arguments in $JAVA_ARGS.
fake_jdk() { # fake_jdk <dir>
  mkdir -p "$1/bin"
  cat >"$1/bin/java" <<FAKE
#!/usr/bin/env bash
if [ "\${1:-}" = "-XshowSettings:properties" ]; then
  echo "$1" >>"\$PROBES"
  echo "    java.specification.version = 99" >&2
  exit 0
fi
echo "\$*" >"\$JAVA_ARGS"
exec "$java_bin" "\$@"
FAKE
  chmod +x "$1/bin/java"
}
fake_jdk "$work/jdk-a"
fake_jdk "$work/jdk-b"
export JAVA_HOME="$work/jdk-a" PROBES="$work/probes" JAVA_ARGS="$work/java-args"

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
[ -n "${FAKE_NO_CLIENT_JAR:-}" ] || cp "$FAKE_CLIENT_JAR" cli/target/stagecoach-client.jar
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
export FAKE_CLIENT_JAR="$work/client-jar/stagecoach.jar"

run() { # run <args...>: sets out, status; records whether Maven ran and which JDKs were asked
  rm -f "$FAKE_MVN_CALLED" "$PROBES" "$JAVA_ARGS"
  touch "$PROBES"
  set +e
  out="$("$app/stagecoach" "$@" 2>&1)"
  status=$?
  set -e
}
built() { [ -f "$FAKE_MVN_CALLED" ]; }
asked() { grep -qxF "$1" "$PROBES"; }        # asked <jdk>: the launcher asked that JDK its version
asked_none() { [ ! -s "$PROBES" ]; }
java_args_have() { grep -qF -- "$1" "$JAVA_ARGS"; }
not() { ! "$@"; }
says() { grep -qF -- "$1" <<<"$out"; }

first=yes
for args in "--help" "--version" "serve --help"; do
  # shellcheck disable=SC2086
  run $args
  [ -z "$first" ] || check "first launch: asks the JDKs their version" asked "$work/jdk-a"
  first=""
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
check "current jar: no build, the client jar runs it" eval '[ "$status" = 0 ] && not built && [ "$out" = "client ran: whoami" ]'
check "client command: a class-data sharing archive, written by the first run" \
  eval 'java_args_have "-XX:SharedArchiveFile=$app/cli/target/stagecoach-client.jsa -XX:+AutoCreateSharedArchive" && [ -s "$app/cli/target/stagecoach-client.jsa" ]'
check "client command: short-lived JVM flags" eval 'java_args_have "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"'
jsa="$app/cli/target/stagecoach-client.jsa"
made="$(stat -c %Y.%i "$jsa")"
run whoami
check "next client command: the same archive, used" eval '[ "$(stat -c %Y.%i "$jsa")" = "$made" ] && [ "$out" = "client ran: whoami" ]'
sleep 1
touch "$app/cli/target/stagecoach-client.jar"
run whoami
check "a rebuilt client jar: the archive is made again" eval '[ -s "$jsa" ] && [ ! "$jsa" -ot "$app/cli/target/stagecoach-client.jar" ] && [ "$(stat -c %Y.%i "$jsa")" != "$made" ]'
made="$(stat -c %Y.%i "$jsa")"
sleep 1
mkdir -p "$app/cli/target/lib" && touch "$app/cli/target/lib/picocli-9.jar"
run whoami
check "a rebuilt jar of its class path: the archive is made again" eval '[ -s "$jsa" ] && [ "$(stat -c %Y.%i "$jsa")" != "$made" ]'
run whoami
check "second command: no JDK asked (the choice is kept)" eval 'asked_none && [ "$out" = "client ran: whoami" ]'
check "second command: it still runs on the chosen JDK" eval '[ -s "$JAVA_ARGS" ]'
run serve --port 2
check "serve: runs the whole jar, on an archive of its own written by the first serve" \
  eval '[ "$out" = "ran: serve --port 2" ] && java_args_have "-XX:SharedArchiveFile=$app/cli/target/stagecoach-serve.jsa -XX:+AutoCreateSharedArchive" && not java_args_have "stagecoach-client" && [ -s "$app/cli/target/stagecoach-serve.jsa" ]'
check "serve: no JDK asked" asked_none
serve_jsa="$app/cli/target/stagecoach-serve.jsa"
made="$(stat -c %Y.%i "$serve_jsa")"
run serve --port 3
check "next serve: the same archive, used" eval '[ "$(stat -c %Y.%i "$serve_jsa")" = "$made" ] && [ "$out" = "ran: serve --port 3" ]'
sleep 1
touch "$app/cli/target/stagecoach.jar" "$app/cli/target/stagecoach-client.jar"
run serve --port 4
check "a rebuilt jar: the serve archive is made again" eval '[ -s "$serve_jsa" ] && [ "$(stat -c %Y.%i "$serve_jsa")" != "$made" ]'

sleep 1
touch "$work/jdk-a/bin/java"
run whoami
check "a JDK updated in place: asked again" eval 'asked "$work/jdk-a" && [ "$out" = "client ran: whoami" ]'
JAVA_HOME="$work/jdk-b" run whoami
check "another JAVA_HOME: asked, and used" eval 'asked "$work/jdk-b" && [ "$out" = "client ran: whoami" ]'
JAVA_HOME="$work/jdk-b" run --print-java
check "--print-java: the kept choice, no JDK asked" eval 'asked_none && [ "$out" = "$work/jdk-b/bin/java" ]'
echo "garbage" >"$app/target/java-choice"
run whoami
check "a spoilt choice file: asked again" eval 'asked "$work/jdk-a" && [ "$out" = "client ran: whoami" ]'

rm "$app/cli/target/stagecoach-client.jar"
run whoami
check "no client jar (an older build): the whole jar runs it" eval '[ "$status" = 0 ] && [ "$out" = "ran: whoami" ]'

# Through a symlink elsewhere (one on the PATH, or in another directory): still the checkout's jar.
mkdir -p "$work/elsewhere"
ln -s "$app/stagecoach" "$work/elsewhere/stagecoach"
rm -f "$FAKE_MVN_CALLED"
set +e
out="$(cd "$work/elsewhere" && ./stagecoach whoami 2>&1)"
status=$?
set -e
check "through a symlink: the checkout's jar, no build" eval '[ "$status" = 0 ] && not built && [ "$out" = "ran: whoami" ]'
check "through a symlink: nothing written beside the symlink" eval '[ ! -e "$work/elsewhere/target" ]'

sleep 1
touch "$app/cli/src/main/java/X.java"
for args in "--help" "--version" "serve --help"; do
  # shellcheck disable=SC2086
  run $args
  check "sources newer, '$args': answers from the jar without building" eval 'not built && says "ran: $args" && [ "$(wc -l <<<"$out")" = 1 ]'
done

run whoami
check "sources newer: builds, saying why" says "(sources changed since cli/target/stagecoach.jar was built: cli/src/main/java/X.java)"
check "sources newer: then runs on the new client jar" eval 'built && says "client ran: whoami"'

sleep 1
touch "$app/cli/target/stagecoach.jar"
run whoami
check "a client jar older than the jar (a partial build): the whole jar runs it" eval '[ "$out" = "ran: whoami" ]'

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
