package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.Follow;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach promotions}: an app's promotions, and what {@code promote} shares with them:
 * printing one and following it with {@code --wait}.
 */
@Command(
    name = "promotions",
    description = "An app's promotions: releases taken through its pipeline.",
    subcommands = {PromotionsCommand.ListPromotions.class, PromotionsCommand.GetPromotion.class})
final class PromotionsCommand extends CommandGroup {

  static final Set<String> SUCCEEDED = Set.of("succeeded");
  static final Set<String> FAILED = Set.of("failed", "superseded");

  static ApiPath path(String app, String id) {
    return ApiPath.of("v1", "apps", app, "promotions", id);
  }

  static void print(JsonNode p, Session s) {
    new Details()
        .add("promotion", JsonText.text(p, "promotionId"))
        .add("release", JsonText.text(p, "app") + " " + JsonText.text(p, "version"))
        .add("status", JsonText.text(p, "status"))
        .add("stage", JsonText.text(p, "stage"))
        .add("stages", stages(p))
        .add("failure", JsonText.text(p, "failure"))
        .add("reason", JsonText.text(p, "reason"))
        .add("waiting for", String.join("; ", waitingFor(p)))
        .add("started", s.when(p, "startedAt", "requestedBy"))
        .add("finished", s.time(p, "finishedAt"))
        .add("gates", gates(p))
        .print(s.out());
  }

  /** The gates of each stage that has any still to pass or that stopped it. */
  static List<String> gates(JsonNode p) {
    List<String> lines = new ArrayList<>();
    for (JsonNode stage : p.path("stages")) {
      for (JsonNode g : stage.path("gates")) {
        String state = JsonText.text(g, "state");
        if (!state.equals("passed")) {
          lines.add(
              JsonText.text(stage, "environment")
                  + " "
                  + JsonText.text(g, "gate")
                  + " "
                  + state
                  + ": "
                  + JsonText.text(g, "reason"));
        }
      }
    }
    return lines;
  }

  /** {@code dev promoted -> staging awaiting_approval -> prod pending}. */
  static String stages(JsonNode p) {
    List<String> stages = new ArrayList<>();
    p.path("stages")
        .forEach(
            st -> stages.add(JsonText.text(st, "environment") + " " + JsonText.text(st, "status")));
    return String.join(" -> ", stages);
  }

  /** {@code dev -> staging -> prod}: the stages it goes through. */
  static String stageNames(JsonNode p) {
    List<String> names = new ArrayList<>();
    p.path("stages").forEach(st -> names.add(JsonText.text(st, "environment")));
    return String.join(" -> ", names);
  }

  static List<String> waitingFor(JsonNode p) {
    List<String> waiting = new ArrayList<>();
    p.path("pendingApprovals")
        .forEach(
            a ->
                waiting.add(
                    "approval "
                        + JsonText.text(a, "approvalId")
                        + " in "
                        + JsonText.text(a, "environment")
                        + ": "
                        + ApprovalsCommand.needs(a)));
    return waiting;
  }

  /**
   * One line per stage that has started, in words worth printing when they change: {@code staging:
   * awaiting_approval (approval ap-0a1b2c)}, {@code dev: deploying (deployment d-9f8e)}; and once
   * it has ended, {@code promotion failed: approval_rejected (the reason)}. Who may approve is in
   * {@code promotions get} and {@code approvals get}.
   */
  static List<String> progress(JsonNode p) {
    List<String> lines = new ArrayList<>();
    for (JsonNode stage : p.path("stages")) {
      String status = JsonText.text(stage, "status");
      if (status.equals("pending")
          || status.equals("awaiting_approval") && !stage.hasNonNull("approvalId")) {
        // Not started; or its approval is being asked for, and the next answer has the approval to
        // name.
        continue;
      }
      String detail =
          switch (status) {
            case "awaiting_approval" -> "approval " + JsonText.text(stage, "approvalId");
            case "deploying", "verifying" ->
                JsonText.text(stage, "deploymentId").isEmpty()
                    ? ""
                    : "deployment " + JsonText.text(stage, "deploymentId");
            default -> JsonText.text(stage, "reason");
          };
      lines.add(
          JsonText.text(stage, "environment")
              + ": "
              + status
              + (detail.isEmpty() ? "" : " (" + detail + ")"));
    }
    String status = JsonText.text(p, "status");
    if (SUCCEEDED.contains(status) || FAILED.contains(status)) {
      lines.add("promotion " + status + outcome(p));
    }
    return lines;
  }

  /** {@code : approval_rejected (the reason)}, or nothing for a promotion that succeeded. */
  static String outcome(JsonNode p) {
    String failure = JsonText.text(p, "failure");
    String reason = JsonText.text(p, "reason");
    if (failure.isEmpty() && reason.isEmpty()) {
      return "";
    }
    if (failure.isEmpty() || reason.isEmpty()) {
      return ": " + failure + reason;
    }
    return ": " + failure + " (" + reason + ")";
  }

  /**
   * What {@code promote} and {@code promotions get} print: the promotion, followed until it ends
   * with {@code wait} (exit 0 when it succeeded, 1 when it failed or was superseded).
   */
  static int report(Session s, JsonNode promotion, boolean wait, String headline) {
    String app = JsonText.text(promotion, "app");
    String id = JsonText.text(promotion, "promotionId");
    if (!wait) {
      if (s.json()) {
        s.printJson(promotion);
      } else {
        if (headline != null) {
          s.out().println(headline);
        }
        print(promotion, s);
        if (!isTerminal(promotion)) {
          s.err().println("follow it: stagecoach promotions get " + app + " " + id + " --wait");
        }
      }
      return ExitCode.OK;
    }
    if (!s.json() && headline != null) {
      s.out().println(headline);
    }
    Follow.Result done =
        s.follow()
            .untilEach(
                Follow.Target.of(path(app, id), "/status", SUCCEEDED, FAILED),
                PromotionsCommand::progress);
    if (s.json()) {
      s.printJson(done.last());
    } else {
      print(done.last(), s);
    }
    if (!done.succeeded()) {
      s.err().println("stagecoach: promotion " + id + " " + done.status() + outcome(done.last()));
      return ExitCode.FAILED;
    }
    return ExitCode.OK;
  }

  static boolean isTerminal(JsonNode p) {
    String status = JsonText.text(p, "status");
    return SUCCEEDED.contains(status) || FAILED.contains(status);
  }

  @Command(name = "list", description = "List an app's promotions, newest first.")
  static final class ListPromotions extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Mixin PageOptions page;

    @Override
    int run(Session s) {
      JsonNode body = s.list(ApiPath.of("v1", "apps", app, "promotions"), page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table = new Table("ID", "VERSION", "STATUS", "STAGES", "FAILURE", "STARTED");
      body.path("items")
          .forEach(
              p ->
                  table.row(
                      JsonText.text(p, "promotionId"),
                      Display.version(JsonText.text(p, "version")),
                      JsonText.text(p, "status"),
                      stages(p),
                      JsonText.text(p, "failure"),
                      s.when(p, "startedAt", "requestedBy")));
      table.print(s.out(), "no promotions of " + app);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "get",
      description = {
        "Show a promotion: its stages and the approvals it waits for.",
        "With --wait, follow it until it succeeds (exit 0), fails or is superseded (exit 1)."
      })
  static final class GetPromotion extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(
        index = "1",
        paramLabel = "ID",
        description = "e.g. pr-0a1b2c3d, as promote printed it")
    String id;

    @Option(names = "--wait", description = "follow it until it ends, a line per stage change")
    boolean wait;

    @Override
    int run(Session s) {
      return report(s, s.api().get(path(app, id)).body(), wait, null);
    }
  }
}
