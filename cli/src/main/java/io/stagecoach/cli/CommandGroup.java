package io.stagecoach.cli;

import picocli.CommandLine;

/**
 * A command that only groups others ({@code apps}, {@code envs}, ...): run on its own, it is a
 * usage error.
 */
abstract class CommandGroup implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a subcommand is required: " + String.join(", ", spec.subcommands().keySet()));
  }
}
