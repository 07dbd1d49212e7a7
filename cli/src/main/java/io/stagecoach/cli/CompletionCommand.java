package io.stagecoach.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach completion bash|zsh}: the completion script picocli generates from the commands
 * themselves, so it never falls behind them. The one script serves both shells: under zsh it loads
 * zsh's bash completion support first.
 */
@Command(
    name = "completion",
    description = {
      "Print a shell completion script for bash or zsh.",
      "Load it with: source <(stagecoach completion bash)   (or zsh, e.g. in ~/.zshrc)"
    })
final class CompletionCommand implements Runnable {

  enum Shell {
    bash,
    zsh
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Parameters(
      paramLabel = "SHELL",
      defaultValue = "bash",
      description = "bash or zsh (default: ${DEFAULT-VALUE})")
  Shell shell;

  @Override
  public void run() {
    CommandLine root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash(root.getCommandName(), root));
    spec.commandLine().getOut().flush();
  }
}
