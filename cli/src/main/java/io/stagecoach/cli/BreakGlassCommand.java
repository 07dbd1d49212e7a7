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
 * asked for (asking is {@code deploy --break-glass} or {@code envs destroy --break-glass}).
 */
@Command(
    name = "break-glass",
    description =
        "Forced deploys and destroys: review them, and confirm one another admin asked for.",
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

  static void print(JsonNode b, Session s) {
    new Details()
        .add("break-glass", JsonText.text(b, "breakGlassId"))
        .add(
            "what",
            JsonText.text(b, "action")
                + " "
                + JsonText.text(b, "app")
                + "/"
                + JsonText.text(b, "environment")
                + (b.has("version") ? " " + JsonText.text(b, "version") : ""))
        .add("past", String.join(", ", JsonText.strings(b.path("gates"))))
        .add("refused", JsonText.strings(b.path("refusals")))
        .add("reason", JsonText.text(b, "reason"))
        .add("status", JsonText.text(b, "status"))
        .add("asked", s.when(b, "requestedAt", "requestedBy"))
        .add("expires", s.time(b, "expiresAt"))
        .add("confirmed", s.when(b, "confirmedAt", "confirmedBy"))
        .add("deployment", JsonText.text(b, "deploymentId"))
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
                      JsonText.text(b, "action")
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
        "Confirm a break-glass another admin asked for: its deploy or destroy is recorded, past",
        "the gates it names. Not your own; not once expired (exit 3)."
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
                        + ": deployment "
                        + JsonText.text(b, "deploymentId"));
            print(b, s);
          });
      return ExitCode.OK;
    }
  }
}
