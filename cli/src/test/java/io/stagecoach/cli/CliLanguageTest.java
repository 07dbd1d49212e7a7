package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.cli.settings.CliEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI speaks one language: every error one {@code stagecoach: <detail>} line with its exit code
 * (picocli's own included), times and versions as people read them, counts with their plural. None
 * of this needs a server: the endpoint points nowhere.
 */
class CliLanguageTest {

  @TempDir Path work;

  CliRun cli(String... args) {
    CliEnvironment env =
        new CliEnvironment(
            Map.of(CliEnvironment.ENDPOINT, "http://127.0.0.1:9"),
            work,
            work.resolve("home"),
            "tester");
    return CliRun.run(env, args);
  }

  void assertOneLineMisuse(CliRun run, String expected) {
    assertEquals(ExitCode.INVALID, run.code(), run.printed());
    assertEquals("", run.out(), "no usage on stdout: " + run.printed());
    assertEquals(expected + "\n", run.err(), run.printed());
  }

  @Test
  void anUnknownCommand_isOneLine_withASuggestion_exit2() {
    assertOneLineMisuse(
        cli("aps", "list"),
        "stagecoach: unknown command 'aps', did you mean 'apps' or 'approve' or 'approvals'?"
            + " (see 'stagecoach --help')");
  }

  @Test
  void anUnknownOption_isOneLine_namingIt_exit2() {
    CliRun run = cli("apps", "list", "--limt", "3");
    assertEquals(ExitCode.INVALID, run.code(), run.printed());
    assertTrue(
        run.err().startsWith("stagecoach: unknown option '--limt'"), "names it: " + run.printed());
    assertTrue(run.err().endsWith("(see 'stagecoach apps list --help')\n"), run.printed());
    assertEquals(1, run.err().lines().count(), run.printed());
  }

  @Test
  void aMissingTemplateFile_isOneLine_notTheUsage_exit2() {
    CliRun run =
        cli("apps", "create", "x", "--pipeline", "dev", "--template", "no-such-template.json");
    assertEquals(ExitCode.INVALID, run.code(), run.printed());
    assertEquals(1, run.err().lines().count(), run.printed());
    assertTrue(run.err().startsWith("stagecoach: "), run.printed());
    assertTrue(run.err().contains("no-such-template.json"), run.printed());
    assertFalse(run.err().contains("Usage:"), run.printed());
  }

  @Test
  void anInvalidOptionValue_isOneLine_exit2() {
    CliRun run = cli("apps", "list", "--limit", "many");
    assertEquals(ExitCode.INVALID, run.code(), run.printed());
    assertEquals(1, run.err().lines().count(), run.printed());
    assertTrue(
        run.err().startsWith("stagecoach: invalid value for option '--limit'"), run.printed());
  }

  @Test
  void noCommand_andAGroupAlone_areOneLine_exit2() {
    assertOneLineMisuse(
        cli(),
        "stagecoach: a command is required (try 'stagecoach serve') (see 'stagecoach --help')");
    CliRun group = cli("apps");
    assertEquals(ExitCode.INVALID, group.code(), group.printed());
    assertTrue(group.err().startsWith("stagecoach: a subcommand is required: list, get"));
  }

  @Test
  void help_stillPrintsTheUsage_exit0() {
    CliRun run = cli("apps", "create", "--help");
    assertEquals(0, run.code(), run.printed());
    assertTrue(run.out().startsWith("Usage: stagecoach apps create"), run.printed());
  }

  // ------------------------------------------------------------ how values read

  static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  static final Display PARIS =
      new Display(Clock.fixed(NOW, ZoneOffset.UTC), ZoneId.of("Europe/Paris"));

  @Test
  void times_withinTheHour_readAsAgoOrIn_otherwiseLocalTimeToTheSecond() {
    assertEquals("0 s ago", PARIS.time("2025-06-01T10:00:00.123456789Z"));
    assertEquals("42 s ago", PARIS.time("2025-06-01T09:59:18Z"));
    assertEquals("3 min ago", PARIS.time("2025-06-01T09:56:30.5Z"));
    assertEquals("in 5 min", PARIS.time("2025-06-01T10:04:30Z"));
    assertEquals("in 20 s", PARIS.time("2025-06-01T10:00:20Z"));
    assertEquals("2025-06-01 10:59:59", PARIS.time("2025-06-01T08:59:59.999999999Z"));
    assertEquals("2025-06-02 12:00:00", PARIS.time("2025-06-02T10:00:00Z"), "Paris is UTC+2");
    assertEquals("not-a-time", PARIS.time("not-a-time"), "what is not an instant is left alone");
    assertEquals("", PARIS.time(""));
  }

  @Test
  void fullCommitVersions_areShortenedAsGitDoes_othersKept() {
    assertEquals("4e1f2a9", Display.version("4e1f2a9c0b1d2e3f405162738495a6b7c8d9e0f1"));
    assertEquals("1.4.2", Display.version("1.4.2"));
    assertEquals("4e1f2a9", Display.version("4e1f2a9"));
    assertEquals(
        "release-4e1f2a9c0b1d2e3f405162738495a6b7c8d9e0f1",
        Display.version("release-4e1f2a9c0b1d2e3f405162738495a6b7c8d9e0f1"),
        "only a bare commit id is shortened: a name is never cut");
  }

  @Test
  void counts_takeTheirPlural() {
    assertEquals("1 resource", Display.count(1, "resource", "resources"));
    assertEquals("0 resources", Display.count(0, "resource", "resources"));
    assertEquals("2 resources", Display.count(2, "resource", "resources"));
  }

  // ------------------------------------------------------------ completion

  @Test
  void completion_isAScriptBashLoads_completingTheCommands() throws Exception {
    CliRun run = cli("completion", "bash");
    assertEquals(0, run.code(), run.printed());
    assertEquals(run.out(), cli("completion", "zsh").out(), "one script serves both shells");
    assertTrue(run.out().contains("bashcompinit"), "loads zsh's bash completion under zsh");
    Path script = work.resolve("stagecoach-completion.bash");
    Files.writeString(script, run.out());

    // Load it into a real bash and ask it what follows "stagecoach ap" and "stagecoach apps ".
    String probe =
        "source '"
            + script
            + "'; complete -p stagecoach >/dev/null || exit 9;"
            + " f=$(complete -p stagecoach | sed -E 's/.*-F ([^ ]+).*/\\1/');"
            + " COMP_WORDS=(stagecoach ap); COMP_CWORD=1; COMP_LINE='stagecoach ap';"
            + " COMP_POINT=${#COMP_LINE}; $f; echo \"${COMPREPLY[*]}\";"
            + " COMP_WORDS=(stagecoach apps ''); COMP_CWORD=2; COMP_LINE='stagecoach apps ';"
            + " COMP_POINT=${#COMP_LINE}; $f; echo \"${COMPREPLY[*]}\"";
    Process bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
    assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "bash answers");
    String answer = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, bash.exitValue(), answer);
    var lines = answer.lines().toList();
    assertTrue(lines.get(lines.size() - 2).contains("apps"), answer);
    assertTrue(lines.get(lines.size() - 2).contains("approvals"), answer);
    assertTrue(lines.get(lines.size() - 1).contains("create"), answer);
    assertTrue(lines.get(lines.size() - 1).contains("update"), answer);
  }

  @Test
  void completion_ofAnotherShell_isAUsageError() {
    CliRun run = cli("completion", "fish");
    assertEquals(ExitCode.INVALID, run.code(), run.printed());
    assertTrue(
        run.err().startsWith("stagecoach: invalid value for positional parameter"), run.printed());
  }
}
