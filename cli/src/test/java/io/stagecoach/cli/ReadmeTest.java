package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README runs as written: every {@code sh} block, top to bottom, in one {@code bash -euo
 * pipefail}, in an empty directory where {@code ./stagecoach serve} runs, as a reader at one
 * terminal would run them. It uses what the build packaged ({@code ./stagecoach}, the launcher, and
 * {@code cli/target/stagecoach.jar}), so it runs after {@code package} (the {@code packaged}
 * execution of surefire in this module's pom, part of {@code mvn verify}).
 *
 * <p>serve runs on a free port rather than the README's 4566, which a developer's own serve may
 * hold: the blocks read the address from {@code .stagecoach/endpoint}, as the README tells readers
 * to, and the CLI finds it there with no endpoint setting at all.
 *
 * <p>A block fails the test with a command that fails, or with an HTTP answer of 400 or more from
 * curl that the block does not announce in a comment ("answers 409 promotion_required"), in order.
 * A block is left out only with {@code <!-- readme-test: skip (reason) -->} just above it.
 */
@Tag("packaged")
class ReadmeTest {

  /** A fence and its language: ```sh. */
  private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");

  private static final Pattern SKIP = Pattern.compile("^<!-- readme-test: skip \\((.+)\\) -->$");
  private static final Pattern ANNOUNCED = Pattern.compile("answers (\\d{3}) ([a-z_]+)");

  /** One fenced block: where it starts (the fence's line number), its language and lines. */
  record Block(int line, String language, List<String> body, String skipReason) {
    boolean runs() {
      return (language.equals("sh") || language.equals("bash")) && skipReason == null;
    }
  }

  @TempDir Path work;

  static Path repository() {
    // Surefire runs in the module's directory, cli/.
    Path root = Path.of("").toAbsolutePath().getParent();
    assertTrue(Files.isRegularFile(root.resolve("README.md")), "no README.md in " + root);
    return root;
  }

  static List<Block> blocks(List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher skip = SKIP.matcher(line.strip());
      if (line.strip().startsWith("<!-- readme-test")) {
        assertTrue(skip.matches(), "README.md line " + (i + 1) + ": write it as " + SKIP);
        assertTrue(
            i + 1 < lines.size() && FENCE.matcher(lines.get(i + 1)).matches(),
            "README.md line " + (i + 1) + ": a skip marker goes just above the block it skips");
        continue;
      }
      Matcher fence = FENCE.matcher(line);
      if (!fence.matches()) {
        continue;
      }
      assertFalse(
          fence.group(1).isEmpty(),
          "README.md line "
              + (i + 1)
              + ": say the block's language (sh for commands, json, text) so this test knows"
              + " whether to run it");
      String reason = null;
      if (i > 0) {
        Matcher above = SKIP.matcher(lines.get(i - 1).strip());
        if (above.matches()) {
          reason = above.group(1);
        }
      }
      int start = i;
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
        body.add(lines.get(i));
      }
      assertTrue(i < lines.size(), "README.md line " + (start + 1) + ": the block never ends");
      blocks.add(new Block(start + 1, fence.group(1), List.copyOf(body), reason));
    }
    return blocks;
  }

  /**
   * Runs before the blocks: stops at the first failure, saying where; curl checks the status of
   * every answer (the body still printed as curl prints it).
   */
  private static final String PREAMBLE =
      """
      set -euo pipefail
      __block=0
      trap '[[ "$BASH_COMMAND" == return* ]] || echo "readme-test: FAILED in the block at README.md line $__block: $BASH_COMMAND" >&2' ERR
      __url() { local a; for a in "$@"; do case "$a" in http://*|https://*) echo "$a";; esac; done; }
      curl() {
        local headers body rc=0 status code want
        headers="$(mktemp "$README_TEST_STATE/headers.XXXXXX")"
        body="$(mktemp "$README_TEST_STATE/body.XXXXXX")"
        command curl -D "$headers" -o "$body" "$@" || rc=$?
        cat "$body"
        if [ "$rc" -ne 0 ]; then rm -f "$headers" "$body"; return "$rc"; fi
        status="$(awk 'toupper($1) ~ /^HTTP\\// {s=$2} END {print s+0}' "$headers")"
        if [ "$status" -ge 400 ]; then
          code="$(grep -o '"code" *: *"[a-z_]*"' "$body" | head -n 1 | sed 's/.*"\\([a-z_]*\\)"$/\\1/' || true)"
          want="$(head -n 1 "$README_TEST_STATE/announced" || true)"
          if [ "$want" = "$__block $status $code" ]; then
            sed -i 1d "$README_TEST_STATE/announced"
          else
            echo >&2
            echo "readme-test: FAILED in the block at README.md line $__block: HTTP $status ${code:-(no code)}" \\
              "from $(__url "$@"), which the block does not announce" >&2
            rm -f "$headers" "$body"
            return 1
          fi
        fi
        rm -f "$headers" "$body"
      }
      aws() {
        local out rc=0
        out="$(command aws "$@")" || rc=$?
        printf '%s\n' "$out"
        [ "$rc" -eq 0 ] || return "$rc"
        if grep -q '"FailedEntryCount": [1-9]' <<<"$out"; then
          echo "readme-test: FAILED in the block at README.md line $__block: the AWS CLI's answer has a failed entry" >&2
          return 1
        fi
      }
      __begin() { __block="$1"; echo; echo "readme-test: block at README.md line $1" >&2; }
      __end() {
        if grep -q "^$1 " "$README_TEST_STATE/announced"; then
          echo "readme-test: FAILED: the block at README.md line $1 announces an answer that never came:" \\
            "$(grep "^$1 " "$README_TEST_STATE/announced" | head -n 1)" >&2
          exit 1
        fi
      }
      """;

  @Test
  void everyShellBlock_runsAsWritten_topToBottom_onAFreshServe() throws Exception {
    assumeTrue(onPath("curl"), "the README's blocks use curl");
    assumeTrue(onPath("aws"), "the README's blocks use the AWS CLI v2 (Debian package awscli)");
    Path repo = repository();
    Path jar = repo.resolve("cli/target/stagecoach.jar");
    assertTrue(Files.isRegularFile(jar), "run after package: no " + jar);

    List<Block> blocks = blocks(Files.readAllLines(repo.resolve("README.md")));
    List<Block> runs = blocks.stream().filter(Block::runs).toList();
    List<Block> skipped =
        blocks.stream().filter(b -> !b.runs() && b.language().matches("sh|bash")).toList();
    assertTrue(runs.size() >= 5, "the README's shell blocks: " + blocks);

    // The directory a reader runs in: the launcher and the examples, nothing of a previous run.
    Files.createSymbolicLink(work.resolve("stagecoach"), repo.resolve("stagecoach"));
    Files.createSymbolicLink(work.resolve("examples"), repo.resolve("examples"));
    Path state = Files.createDirectories(work.resolve(".readme-test"));
    Path bin = Files.createDirectories(state.resolve("bin"));
    // The jar is current after package: a launcher that wants to build is a bug, not a build.
    Path mvn = bin.resolve("mvn");
    Files.writeString(
        mvn,
        "#!/bin/sh\necho 'readme-test: the launcher tried to build with Maven' >&2\nexit 97\n");
    mvn.toFile().setExecutable(true);
    Map<String, String> env = environment(bin, Files.createDirectories(state.resolve("home")));
    env.put("README_TEST_STATE", state.toString());

    List<String> announced = new ArrayList<>();
    StringBuilder script = new StringBuilder(PREAMBLE);
    for (Block b : runs) {
      for (String line : b.body()) {
        int hash = line.indexOf('#');
        if (hash >= 0) {
          Matcher m = ANNOUNCED.matcher(line.substring(hash));
          while (m.find()) {
            announced.add(b.line() + " " + m.group(1) + " " + m.group(2));
          }
        }
      }
      script.append("\n__begin ").append(b.line()).append('\n');
      b.body().forEach(l -> script.append(l).append('\n'));
      script.append("__end ").append(b.line()).append('\n');
    }
    script.append("\necho\necho 'readme-test: every block ran'\n");
    Files.write(state.resolve("announced"), announced);
    Path scriptFile = state.resolve("readme.sh");
    Files.writeString(scriptFile, script);

    int port = freePort();
    assertNotEquals(4566, port);
    Path serveLog = state.resolve("serve.log");
    Instant t0 = Instant.now();
    Process serve =
        new ProcessBuilder(work.resolve("stagecoach").toString(), "serve", "--port", "" + port)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(serveLog.toFile())
            .start();
    serve.getOutputStream().close();
    Path blocksLog = state.resolve("blocks.log");
    try {
      awaitReady(serve, serveLog);
      Duration ready = Duration.between(t0, Instant.now());
      Instant t1 = Instant.now();
      ProcessBuilder bash =
          new ProcessBuilder("bash", scriptFile.toString())
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(blocksLog.toFile());
      bash.environment().clear();
      bash.environment().putAll(env);
      Process run = bash.start();
      run.getOutputStream().close();
      if (!run.waitFor(10, TimeUnit.MINUTES)) {
        run.descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly();
        fail("the README's blocks did not finish within 10 minutes:\n" + tail(blocksLog, 80));
      }
      Duration took = Duration.between(t1, Instant.now());
      assertEquals(
          0,
          run.exitValue(),
          "a README block failed (the whole output is in "
              + blocksLog
              + "):\n"
              + tail(blocksLog, 80)
              + "\n--- serve's last lines\n"
              + tail(serveLog, 20));
      assertTrue(Files.readString(blocksLog).contains("readme-test: every block ran"));

      // The CLI in this directory found serve on its port with no endpoint setting at all.
      Process whoami =
          withEnvironment(new ProcessBuilder(work.resolve("stagecoach").toString(), "whoami"), env)
              .directory(work.toFile())
              .redirectErrorStream(true)
              .start();
      String me = new String(whoami.getInputStream().readAllBytes());
      assertEquals(0, whoami.waitFor(), me);
      // The labels are padded to the longest one: match the line, not its spacing.
      assertTrue(
          me.lines()
              .map(String::strip)
              .anyMatch(
                  line ->
                      line.startsWith("endpoint:")
                          && line.substring("endpoint:".length())
                              .strip()
                              .equals(
                                  "http://127.0.0.1:"
                                      + port
                                      + " ("
                                      + work.resolve(".stagecoach/endpoint")
                                      + ")")),
          me);

      System.out.printf(
          "README test: %d blocks run, %d not (%s); serve ready in %.1f s, the blocks took %.1f s%n",
          runs.size(),
          skipped.size(),
          String.join(
              "; ", skipped.stream().map(b -> "line " + b.line() + ": " + b.skipReason()).toList()),
          ready.toMillis() / 1000.0,
          took.toMillis() / 1000.0);
    } finally {
      // SIGTERM, as Ctrl-C would stop it; it says so and leaves its data.
      serve.destroy();
      if (!serve.waitFor(30, TimeUnit.SECONDS)) {
        serve.destroyForcibly();
      }
    }
    assertTrue(Files.readString(serveLog).contains("Stopped; data kept in"), tail(serveLog, 20));
    assertFalse(Files.exists(work.resolve(".stagecoach/endpoint")), "a stopped serve");
  }

  /**
   * This machine's environment without anything that would point the CLI, the AWS CLI or the
   * launcher elsewhere: no Stagecoach or AWS settings, a home of its own, and a PATH whose Maven
   * refuses to build.
   */
  private static Map<String, String> environment(Path bin, Path home) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet()
        .removeIf(
            k ->
                k.startsWith("STAGECOACH_")
                    || k.startsWith("AWS_")
                    || k.equals("XDG_CONFIG_HOME")
                    || k.equals("JAVA_TOOL_OPTIONS")
                    || k.equals("MAVEN_OPTS"));
    env.put("HOME", home.toString());
    env.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    return env;
  }

  private static ProcessBuilder withEnvironment(ProcessBuilder pb, Map<String, String> env) {
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  private static void awaitReady(Process serve, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      String printed = Files.readString(log);
      if (printed.contains("Ready in")) {
        return;
      }
      if (!serve.isAlive()) {
        fail("./stagecoach serve exited " + serve.exitValue() + ":\n" + printed);
      }
      Thread.sleep(100);
    }
    fail("./stagecoach serve was not ready within 120 s:\n" + tail(log, 40));
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String tail(Path file, int lines) throws IOException {
    if (!Files.exists(file)) {
      return "(nothing)";
    }
    List<String> all = Files.readAllLines(file);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
