package io.stagecoach.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.Follow;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagecoach events}: the event buses of the local cloud. */
@Command(
    name = "events",
    description = "The local cloud's event buses ('stagecoach serve').",
    subcommands = {EventsCommand.Tail.class})
final class EventsCommand extends CommandGroup {

  /** How long one read of the local cloud's feed waits for an event (the route allows 20 s). */
  static final int WAIT_SECONDS = 20;

  /** The most events one read answers. */
  static final int MAX_EVENTS = 500;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Command(
      name = "tail",
      description = {
        "Follow the local cloud's event buses live: a line per event (received at, source,"
            + " detail-type, the fields that say what it is about), or the whole event with --json.",
        "Runs until interrupted (Ctrl-C), or with --until until an event of that detail-type"
            + " comes. A local feature: on AWS, follow the bus with a rule of your own (e.g. to"
            + " CloudWatch Logs)."
      })
  static final class Tail extends ApiCommand {

    @Option(names = "--app", paramLabel = "APP", description = "only the events about this app")
    String app;

    @Option(
        names = "--env",
        paramLabel = "ENV",
        description = "only the events about this environment")
    String env;

    @Option(
        names = "--since",
        paramLabel = "DURATION",
        description =
            "start with the events received in the last DURATION (5m, 1h; the local cloud keeps"
                + " the last 1000), not from now")
    String since;

    @Option(
        names = "--until",
        paramLabel = "DETAIL_TYPE",
        description =
            "stop after printing the first event of this detail-type, e.g. \"Deployment"
                + " Succeeded\" (exit 0); gives up after 30 minutes (exit 1)")
    String until;

    @Override
    int run(Session s) {
      URI endpoint = s.settings().endpoint();
      if (!isLoopback(endpoint)) {
        throw usage(
            "events tail follows the local cloud's buses ('stagecoach serve'); on AWS, follow the"
                + " bus with a rule of your own (e.g. to CloudWatch Logs) ("
                + s.settings().endpointOrigin()
                + ")");
      }
      Instant start = null;
      if (since != null) {
        Duration back =
            EnvsCommand.duration(since)
                .orElseThrow(
                    () ->
                        usage("--since: '" + since + "' is not a duration such as 30m, 12h or 3d"));
        start = s.pacing().clock().instant().minus(back);
      }
      // The local cloud's own routes are at its root, whatever stage the endpoint names.
      URI root = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority());
      try (ApiClient api = new ApiClient(root, s.settings().token())) {
        return follow(api, start, s);
      }
    }

    private int follow(ApiClient api, Instant start, Session s) {
      ApiPath feed = ApiPath.of("_stagecoach", "events");
      Instant giveUp = s.pacing().clock().instant().plus(s.pacing().timeout());
      JsonNode page =
          api.get(
                  feed.query("since", start == null ? null : start.toString())
                      .query("limit", MAX_EVENTS))
              .body();
      while (true) {
        if (page.path("missed").asLong() > 0) {
          s.err()
              .println(
                  "("
                      + Display.count(page.path("missed").asLong(), "event", "events")
                      + " no longer kept by the local cloud were missed)");
        }
        for (JsonNode item : page.path("events")) {
          JsonNode event = item.path("event");
          if (!matches(event.path("detail"))) {
            continue;
          }
          s.out().println(s.json() ? compact(event) : line(item, s.display()));
          s.out().flush();
          if (until != null && event.path("detail-type").asText().equals(until)) {
            return ExitCode.OK;
          }
        }
        if (until != null && !s.pacing().clock().instant().isBefore(giveUp)) {
          s.err()
              .println(
                  "stagecoach: no \""
                      + until
                      + "\" event within "
                      + Follow.duration(s.pacing().timeout()));
          return ExitCode.FAILED;
        }
        page =
            api.get(
                    feed.query("after", page.path("next").asText())
                        .query("wait", WAIT_SECONDS)
                        .query("limit", MAX_EVENTS))
                .body();
      }
    }

    private boolean matches(JsonNode detail) {
      return (app == null || app.equals(detail.path("app").asText(null)))
          && (env == null || env.equals(detail.path("environment").asText(null)));
    }
  }

  /** The event on one line, as it came. */
  static String compact(JsonNode event) {
    try {
      return ApiClient.JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed event is always writable", e);
    }
  }

  /**
   * {@code 12:00:01 stagecoach.deployments Deployment Succeeded payments/dev 1.4.2 d-0a1b2c3d
   * succeeded by alice}: when the bus received it (local time), its source and detail-type, and the
   * fields that say what it is about.
   */
  static String line(JsonNode item, Display display) {
    JsonNode event = item.path("event");
    String received;
    try {
      received = CLOCK.format(Instant.parse(item.path("received").asText()).atZone(display.zone()));
    } catch (DateTimeParseException e) {
      received = item.path("received").asText();
    }
    return String.join(
            "  ",
            received,
            event.path("source").asText(),
            event.path("detail-type").asText(),
            String.join(" ", about(event)))
        .stripTrailing();
  }

  /** What an event is about, from the fields Stagecoach's events and CodeCommit's carry. */
  static List<String> about(JsonNode event) {
    JsonNode d = event.path("detail");
    List<String> words = new ArrayList<>();
    String app = JsonText.text(d, "app");
    String environment = JsonText.text(d, "environment");
    if (!app.isEmpty()) {
      words.add(environment.isEmpty() ? app : app + "/" + environment);
    } else if (!JsonText.text(d, "repositoryName").isEmpty()) {
      // CodeCommit: repository, what happened to which reference, at which commit.
      words.add(JsonText.text(d, "repositoryName"));
      words.add(JsonText.text(d, "event"));
      words.add(JsonText.text(d, "referenceName"));
      String commit = JsonText.text(d, d.has("commitId") ? "commitId" : "oldCommitId");
      if (!commit.isEmpty()) {
        words.add(Display.version(commit));
      }
    } else if (event.path("resources").size() > 0) {
      // A scheduled event names its rule.
      String resource = event.path("resources").get(0).asText();
      words.add(resource.substring(resource.lastIndexOf('/') + 1));
    }
    String version = JsonText.text(d, "version");
    if (!version.isEmpty()) {
      words.add(Display.version(version));
    }
    String action = JsonText.text(d, "action");
    if (!action.isEmpty() && !action.equals("deploy")) {
      words.add(action);
    }
    for (String id : List.of("deploymentId", "promotionId", "approvalId")) {
      if (!JsonText.text(d, id).isEmpty()) {
        words.add(JsonText.text(d, id));
        break;
      }
    }
    for (String field : List.of("status", "failure", "reason")) {
      String value = JsonText.text(d, field);
      if (!value.isEmpty()) {
        words.add(field.equals("reason") ? "(" + value + ")" : value);
      }
    }
    String by = JsonText.text(d, d.has("registeredBy") ? "registeredBy" : "requestedBy");
    if (!by.isEmpty()) {
      words.add("by " + by);
    }
    words.removeIf(String::isEmpty);
    return words;
  }

  static boolean isLoopback(URI endpoint) {
    String host = endpoint.getHost();
    return host != null
        && (host.equals("127.0.0.1")
            || host.equalsIgnoreCase("localhost")
            || host.equals("[::1]")
            || host.equals("::1"));
  }
}
