package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.Follow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach approvals}: the approvals promotions wait for; {@code approve} and {@code
 * reject} decide them.
 */
@Command(
    name = "approvals",
    description = {
      "Approvals that promotions wait for.",
      "Decide one with 'stagecoach approve ID' or 'stagecoach reject ID'."
    },
    subcommands = {ApprovalsCommand.ListApprovals.class, ApprovalsCommand.GetApproval.class})
final class ApprovalsCommand extends CommandGroup {

  static ApiPath path(String id) {
    return ApiPath.of("v1", "approvals", id);
  }

  /**
   * {@code 1 of staff, 1 of client}: what a pending approval still lacks (the API's {@code
   * missing}, per group after the decisions so far), else what the approval's or a stage's policy
   * asks for.
   */
  static String needs(JsonNode approval) {
    List<String> groups = new ArrayList<>();
    if (approval.path("missing").isArray() && approval.path("status").asText().equals("pending")) {
      approval
          .path("missing")
          .forEach(g -> groups.add(g.path("count").asInt() + " of " + JsonText.text(g, "group")));
      return String.join(", ", groups);
    }
    JsonNode policy = approval.has("policy") ? approval.path("policy") : approval;
    policy
        .path("groups")
        .forEach(g -> groups.add(g.path("min").asInt(1) + " of " + JsonText.text(g, "group")));
    return String.join(", ", groups);
  }

  static void print(JsonNode a, Session s) {
    Details details =
        new Details()
            .add("approval", JsonText.text(a, "approvalId"))
            .add("status", JsonText.text(a, "status"))
            .add(
                "release",
                JsonText.text(a, "app")
                    + " "
                    + JsonText.text(a, "version")
                    + " -> "
                    + JsonText.text(a, "environment"))
            .add("promotion", JsonText.text(a, "promotionId"))
            .add("needs", needs(a))
            .add("requested", s.when(a, "requestedAt", "requestedBy"))
            .add("expires", s.time(a, "expiresAt"));
    boolean first = true;
    for (JsonNode d : a.path("decisions")) {
      String groups = String.join(",", JsonText.strings(d.path("groups")));
      String comment = JsonText.text(d, "comment");
      details.add(
          first ? "decisions" : "",
          JsonText.text(d, "decision")
              + " by "
              + JsonText.text(d, "principal")
              + (groups.isEmpty() ? "" : " (" + groups + ")")
              + " at "
              + JsonText.text(d, "at")
              + (comment.isEmpty() ? "" : ": " + comment));
      first = false;
    }
    details
        .add("plan unavailable", JsonText.text(a, "planUnavailable"))
        .add("blast radius", PlanText.blastRadius(a.path("plan")))
        .add("cost", PlanText.cost(a.path("plan")));
    details.print(s.out());
    if (a.has("plan") && !a.path("plan").isNull()) {
      s.out().println();
      s.out()
          .println(
              "plan of "
                  + JsonText.text(a, "app")
                  + " "
                  + JsonText.text(a, "version")
                  + " in "
                  + JsonText.text(a, "environment")
                  + ":");
      PlanText.print(a.path("plan"), s.out());
    }
  }

  @Command(
      name = "list",
      description = {
        "List the approvals waiting for a decision, oldest first.",
        "With --wait, first wait until at least one does (at most 30 minutes; exit 1 then)."
      })
  static final class ListApprovals extends ApiCommand {
    @Mixin PageOptions page;

    @Option(
        names = "--wait",
        description = "wait until an approval waits for a decision, then list (a promotion asks)")
    boolean wait;

    @Option(
        names = {"-q", "--quiet"},
        description =
            "print only their ids, one a line, e.g. APPROVAL=$(stagecoach approvals list --wait -q)")
    boolean quiet;

    @Override
    int run(Session s) {
      if (quiet && s.json()) {
        throw usage("--quiet and --json do not go together: --quiet prints only the ids");
      }
      ApiPath pending = ApiPath.of("v1", "approvals").query("pending", "true");
      JsonNode body = s.list(pending, page);
      Instant giveUp = s.pacing().clock().instant().plus(s.pacing().timeout());
      while (wait && body.path("items").isEmpty()) {
        if (!s.pacing().clock().instant().isBefore(giveUp)) {
          s.err()
              .println(
                  "stagecoach: no approval waited for a decision within "
                      + Follow.duration(s.pacing().timeout()));
          return ExitCode.FAILED;
        }
        try {
          s.pacing().sleeper().sleep(s.pacing().interval());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return ExitCode.FAILED;
        }
        body = s.list(pending, page);
      }
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      if (quiet) {
        body.path("items").forEach(a -> s.out().println(JsonText.text(a, "approvalId")));
        return ExitCode.OK;
      }
      Table table = new Table("ID", "APP", "VERSION", "ENV", "NEEDS", "REQUESTED", "EXPIRES");
      body.path("items")
          .forEach(
              a ->
                  table.row(
                      JsonText.text(a, "approvalId"),
                      JsonText.text(a, "app"),
                      Display.version(JsonText.text(a, "version")),
                      JsonText.text(a, "environment"),
                      needs(a),
                      s.when(a, "requestedAt", "requestedBy"),
                      s.time(a, "expiresAt")));
      table.print(s.out(), "no approvals waiting");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "get",
      description =
          "Show an approval, its decisions and the plan it decides on (properties, blast radius, cost).")
  static final class GetApproval extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(Session s) {
      s.print(s.api().get(path(id)), body -> print(body, s));
      return ExitCode.OK;
    }
  }
}
