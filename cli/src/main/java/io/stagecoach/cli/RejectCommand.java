package io.stagecoach.cli;

import picocli.CommandLine.Command;

/** {@code stagecoach reject}: stops a promotion waiting at a stage. */
@Command(
    name = "reject",
    description = {
      "Reject what a promotion waits for: the promotion fails (approval_rejected).",
      "Not for the one who started the promotion (self_approval), and only while it is pending (exit 3)."
    })
final class RejectCommand extends DecisionCommand {

  @Override
  String decision() {
    return "reject";
  }
}
