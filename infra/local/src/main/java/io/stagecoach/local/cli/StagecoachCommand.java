package io.stagecoach.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code stagecoach}: the local cloud and, command by command, a client for the API. */
@Command(
    name = "stagecoach",
    mixinStandardHelpOptions = true,
    version = "stagecoach 0.1.0",
    description = "Environment registry and promotion pipeline for AWS applications.",
    subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class StagecoachCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try 'stagecoach serve')");
  }

  public static void main(String[] args) {
    int code = new CommandLine(new StagecoachCommand()).execute(args);
    if (code != 0 || args.length == 0 || !args[0].equals("serve")) {
      System.exit(code);
    }
  }
}
