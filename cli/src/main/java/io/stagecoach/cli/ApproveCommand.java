package io.stagecoach.cli;

import picocli.CommandLine.Command;

/** {@code stagecoach approve}: lets a promotion waiting at a stage go on. */
@Command(
    name = "approve",
    description = {
      "Approve what a promotion waits for.",
      "Counts when your token's groups are among the approval's; not for the one who started the promotion"
          + " (self_approval), once per person, and only while it is pending (all exit 3)."
    })
final class ApproveCommand extends DecisionCommand {

  @Override
  String decision() {
    return "approve";
  }
}
