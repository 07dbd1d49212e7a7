package io.stagecoach.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code approve} and {@code reject}: one decision on an approval. Any token may decide; the
 * approval's groups decide whether it counts. The requester cannot decide, one person counts once,
 * and a decided or expired approval takes no more decisions (all exit 3).
 */
abstract class DecisionCommand extends ApiCommand {

  @Parameters(
      paramLabel = "APPROVAL_ID",
      description = "as promote --wait, promotions get or approvals list show it")
  String id;

  @Option(names = "--comment", paramLabel = "TEXT", description = "why (at most 500 characters)")
  String comment;

  /** {@code approve} or {@code reject}, as the API spells it. */
  abstract String decision();

  @Override
  int run(Session s) {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("decision", decision());
    if (comment != null) {
      body.put("comment", comment);
    }
    Answer decided = s.api().post(ApprovalsCommand.path(id), body);
    s.print(
        decided,
        approval -> {
          String status = JsonText.text(approval, "status");
          s.out()
              .println(
                  switch (status) {
                    case "approved" -> "approved " + id + ": the promotion goes on";
                    case "rejected" -> "rejected " + id + ": the promotion stops";
                    case "pending" ->
                        "recorded your decision on "
                            + id
                            + "; it still needs "
                            + ApprovalsCommand.needs(approval);
                    default -> id + " is " + status;
                  });
          ApprovalsCommand.print(approval, s);
        });
    return ExitCode.OK;
  }
}
