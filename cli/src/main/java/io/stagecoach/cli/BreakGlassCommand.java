package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach break-glass}: review the break-glass requests, and confirm one another admin
 * asked for (asking is {@code deploy --break-glass}, {@code promote --break-glass} or {@code envs
 * destroy --break-glass}).
 */
@Command(
    name = "break-glass",
    description =
        "Forced deploys, destroys and promotions: review them, and confirm one another admin asked"
            + " for.",
    subcommands = {
      BreakGlassCommand.ListBreakGlass.class,
      BreakGlassCommand.GetBreakGlass.class,
      BreakGlassCommand.ConfirmBreakGlass.class
    })
final class BreakGlassCommand extends CommandGroup {

  static ApiPath path(String id) {
    return ApiPath.of("v1", "break-glass", id);
  }

  /** What asking printed: the request, and what happens next. */
  static int asked(Session s, Answer answer) {
    s.print(
        answer,
        b -> {
          s.out()
              .println(
                  "asked for break-glass "
                      + JsonText.text(b, "breakGlassId")
                      + ": nothing happens until a second admin runs 'stagecoach break-glass confirm "
                      + JsonText.text(b, "breakGlassId")
                      + "' (before "
                      + s.time(b, "expiresAt")
                      + ")");
          print(b, s);
        });
    return ExitCode.OK;
  }

  /** What it forces: a deploy or destroy of app/env, or a promotion through its stages. */
  static String what(JsonNode b) {
    if (JsonText.text(b, "action").equals("promote")) {
      java.util.List<String> stages = new java.util.ArrayList<>();
      b.path("stages").forEach(st -> stages.add(JsonText.text(st, "environment")));
      return "promote "
          + JsonText.text(b, "app")
          + " "
          + JsonText.text(b, "version")
          + " through "
          + String.join(", ", stages);
    }
    return JsonText.text(b, "action")
        + " "
        + JsonText.text(b, "app")
        + "/"
        + JsonText.text(b, "environment")
        + (b.has("version") ? " " + JsonText.text(b, "version") : "");
  }

  /** The gates it goes past: a promotion's with their stage ({@code staging: freeze}). */
  private static String past(JsonNode b) {
    if (!b.has("stages")) {
      return String.join(", ", JsonText.strings(b.path("gates")));
    }
    java.util.List<String> past = new java.util.ArrayList<>();
    b.path("stages")
        .forEach(
            st ->
                JsonText.strings(st.path("gates"))
                    .forEach(g -> past.add(JsonText.text(st, "environment") + ": " + g)));
    return String.join(", ", past);
  }

  static void print(JsonNode b, Session s) {
    new Details()
        .add("break-glass", JsonText.text(b, "breakGlassId"))
        .add("what", what(b))
        .add("past", past(b))
        .add("refused", JsonText.strings(b.path("refusals")))
        .add("reason", JsonText.text(b, "reason"))
        .add("status", JsonText.text(b, "status"))
        .add("asked", s.when(b, "requestedAt", "requestedBy"))
        .add("expires", s.time(b, "expiresAt"))
        .add("confirmed", s.when(b, "confirmedAt", "confirmedBy"))
        .add("deployment", JsonText.text(b, "deploymentId"))
        .add("promotion", JsonText.text(b, "promotionId"))
        .print(s.out());
  }

  @Command(name = "list", description = "Every break-glass, newest first.")
  static final class ListBreakGlass extends ApiCommand {
    @Mixin PageOptions page;

    @Override
    int run(Session s) {
      JsonNode body = s.list(ApiPath.of("v1", "break-glass"), page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table = new Table("ID", "WHAT", "PAST", "STATUS", "ASKED", "CONFIRMED BY");
      body.path("items")
          .forEach(
              b ->
                  table.row(
                      JsonText.text(b, "breakGlassId"),
                      JsonText.text(b, "action").equals("promote")
                          ? what(b)
                          : JsonText.text(b, "action")
                              + " "
                              + JsonText.text(b, "app")
                              + "/"
                              + JsonText.text(b, "environment"),
                      String.join(",", JsonText.strings(b.path("gates"))),
                      JsonText.text(b, "status"),
                      s.when(b, "requestedAt", "requestedBy"),
                      JsonText.text(b, "confirmedBy")));
      table.print(s.out(), "no break-glass");
      return ExitCode.OK;
    }
  }

  @Command(name = "get", description = "One break-glass.")
  static final class GetBreakGlass extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(Session s) {
      s.print(s.api().get(path(id)), b -> print(b, s));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "confirm",
      description = {
        "Confirm a break-glass another admin asked for: its deploy or destroy is recorded, or its",
        "promotion starts, past the gates it names. Not your own; not once expired (exit 3)."
      })
  static final class ConfirmBreakGlass extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(Session s) {
      Answer confirmed = s.api().post(path(id), ApiClient.JSON.createObjectNode());
      s.print(
          confirmed,
          b -> {
            s.out()
                .println(
                    "confirmed break-glass "
                        + id
                        + (b.has("promotionId")
                            ? ": started promotion " + JsonText.text(b, "promotionId")
                            : ": deployment " + JsonText.text(b, "deploymentId")));
            print(b, s);
          });
      return ExitCode.OK;
    }
  }
}
