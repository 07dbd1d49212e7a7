package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line holds only the command that the arguments name, or every command when they name
 * none (or ask for the help or the completion script).
 */
class StagecoachCommandTest {

  private static Set<String> subcommands(String... args) {
    return StagecoachCommand.commandLine(new StagecoachCommand(), args).getSubcommands().keySet();
  }

  private static Set<String> all() {
    return StagecoachCommand.COMMANDS.stream()
        .map(StagecoachCommand.Subcommand::name)
        .collect(Collectors.toSet());
  }

  @Test
  void everyCommand_isListedUnderTheNameItsAnnotationGives() {
    for (StagecoachCommand.Subcommand c : StagecoachCommand.COMMANDS) {
      assertEquals(
          c.name(), c.type().getAnnotation(CommandLine.Command.class).name(), c.type().getName());
    }
    assertEquals(30, all().size());
  }

  @Test
  void aNamedCommand_isTheOnlyOneRead() {
    assertEquals(Set.of("apps"), subcommands("apps", "list"));
    assertEquals(Set.of("serve"), subcommands("serve", "--port", "0"));
    assertEquals(Set.of("envs"), subcommands("envs", "destroy", "--help"));
  }

  @Test
  void noCommand_aMisspeltOne_theHelpAndTheCompletion_haveThemAll() {
    for (List<String> args :
        List.of(
            List.<String>of(),
            List.of("appz", "list"),
            List.of("--help"),
            List.of("help", "apps"),
            List.of("completion"))) {
      assertEquals(all(), subcommands(args.toArray(String[]::new)), args.toString());
    }
  }

  @Test
  void aMisspeltCommand_isStillOneLineWithSuggestions() {
    StringWriter err = new StringWriter();
    int code =
        StagecoachCommand.commandLine(new StagecoachCommand(), "appz", "list")
            .setErr(new PrintWriter(err, true))
            .execute("appz", "list");
    assertEquals(ExitCode.INVALID, code);
    assertTrue(
        err.toString().startsWith("stagecoach: unknown command 'appz', did you mean 'apps'"),
        err.toString());
  }
}
