package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.ApiProblem;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach clock}: the local cloud's clock, which can be moved forward to try expiry,
 * soak, deployment windows and timeouts without waiting. It is the local cloud's own operation
 * ({@code /_stagecoach/clock}); Stagecoach on AWS has none, and the CLI says so.
 */
@Command(
    name = "clock",
    description = {
      "The local cloud's clock ('stagecoach serve' only): show it, or move it forward to try expiry,"
          + " soak, deployment windows and timeouts without waiting."
    },
    subcommands = {ClockCommand.ShowClock.class, ClockCommand.AdvanceClock.class})
final class ClockCommand extends CommandGroup {

  static final ApiPath PATH = ApiPath.of("_stagecoach", "clock");

  /** The local cloud listens on loopback only and answers only requests addressed there. */
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  static void print(JsonNode clock, Session s) {
    long ahead = clock.path("offsetSeconds").asLong();
    new Details()
        .add("local cloud", JsonText.text(clock, "now"))
        .add(
            "ahead by",
            ahead == 0 ? "nothing (as this machine's clock)" : describe(Duration.ofSeconds(ahead)))
        .add("this machine", JsonText.text(clock, "wallClock"))
        .print(s.out());
  }

  /** {@code 1d 1h}, {@code 10m}: as {@code serve} prints the offset. */
  static String describe(Duration d) {
    StringBuilder out = new StringBuilder();
    if (d.toDays() > 0) {
      out.append(d.toDays()).append("d ");
    }
    if (d.toHoursPart() > 0) {
      out.append(d.toHoursPart()).append("h ");
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append("m ");
    }
    if (d.toSecondsPart() > 0 || out.isEmpty()) {
      out.append(d.toSecondsPart()).append("s ");
    }
    return out.toString().trim();
  }

  /**
   * Calls the local cloud's clock route, or refuses (exit 3) an endpoint that cannot be the local
   * cloud: one that is not on this machine's loopback, or that has no such route (Stagecoach on AWS
   * answers 404, or API Gateway's bare 403, for a path it has no route for).
   */
  static Answer local(Session s, Supplier<Answer> call) {
    String endpoint = s.api().endpoint();
    String host = URI.create(endpoint).getHost();
    if (host == null || !LOOPBACK.contains(host.toLowerCase(java.util.Locale.ROOT))) {
      throw notLocal(endpoint, "it is not on this machine");
    }
    try {
      return call.get();
    } catch (ApiProblem p) {
      if (p.status() == 404 || (p.status() == 403 && p.code().isEmpty())) {
        throw notLocal(endpoint, "it has no " + PATH + " (the local cloud serves it at its root)");
      }
      throw p;
    }
  }

  private static ApiProblem notLocal(String endpoint, String why) {
    return new ApiProblem(
        403,
        "forbidden",
        "the clock can be moved only on the local cloud ('stagecoach serve'), never on AWS; "
            + endpoint
            + " is not the local cloud: "
            + why,
        java.util.List.of());
  }

  @Command(
      name = "show",
      description = "Show the local cloud's time and how far ahead of this machine's clock it is.")
  static final class ShowClock extends ApiCommand {
    @Override
    int run(Session s) {
      Answer clock = local(s, () -> s.api().get(PATH));
      s.print(clock, body -> print(body, s));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "advance",
      description = {
        "Move the local cloud's clock forward, by DURATION (90s, 30m, 25h, 3d) or --to an instant."
            + " Whatever the move passes happens now: schedule rules that came due fire (the"
            + " reaper among them), Wait states, soaks, approval and task timeouts end, and"
            + " expiry and deployment windows are judged at the new time.",
        "It never moves back (exit 2), and at most a year at a time. The local cloud keeps its"
            + " time across restarts."
      })
  static final class AdvanceClock extends ApiCommand {
    @Parameters(
        paramLabel = "DURATION",
        arity = "0..1",
        description = "how far: a whole number of s, m, h or d, e.g. 25h")
    String by;

    @Option(
        names = "--to",
        paramLabel = "INSTANT",
        description = "to this time instead, e.g. 2030-01-01T09:00:00Z")
    String to;

    @Override
    int run(Session s) {
      if ((by == null) == (to == null)) {
        throw usage("give how far (e.g. 'stagecoach clock advance 25h') or --to INSTANT, not both");
      }
      ObjectNode body = ApiClient.JSON.createObjectNode();
      if (by != null) {
        body.put("by", by);
      } else {
        body.put("to", to);
      }
      Answer moved = local(s, () -> s.api().post(PATH, body));
      s.print(
          moved,
          result -> {
            s.out()
                .println(
                    "moved the local cloud's clock from "
                        + JsonText.text(result, "movedFrom")
                        + " to "
                        + JsonText.text(result, "now"));
            print(result, s);
          });
      return ExitCode.OK;
    }
  }
}
