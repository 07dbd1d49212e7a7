package io.stagecoach.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Follows something that runs on its own (a deployment, a promotion) until it ends: polls a GET
 * route (soon after each change, then less often: see {@link Pacing}), prints a line each time what
 * it shows changes, and returns the last answer once its status is terminal.
 *
 * <pre>{@code
 * Follow.Result done = new Follow(api, pacing, out).until(
 *     Follow.Target.of(ApiPath.of("v1", "apps", app, "deployments", id), "/status",
 *         Set.of("succeeded"), Set.of("failed", "rolled_back")));
 * return done.succeeded() ? ExitCode.OK : ExitCode.FAILED;
 * }</pre>
 *
 * <p>A poll that gets no answer or a 5xx is retried until the timeout (the API may be redeploying
 * under us); any other refusal ends the follow with its {@link ApiProblem}.
 */
public final class Follow {

  /** Waits between polls; tests pass one that moves their clock instead. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * How often to poll and for how long, on which clock. The first wait after an answer that showed
   * something new is {@code first}; each wait after an unchanged answer doubles, up to {@code
   * interval}. So a deployment that ends in a tenth of a second is reported within a few tenths,
   * and one that runs for minutes is asked about every {@code interval}.
   */
  public record Pacing(
      Clock clock, Sleeper sleeper, Duration first, Duration interval, Duration timeout) {

    public Pacing {
      Objects.requireNonNull(clock);
      Objects.requireNonNull(sleeper);
      if (first.isNegative()
          || first.isZero()
          || first.compareTo(interval) > 0
          || timeout.isNegative()) {
        throw new IllegalArgumentException(
            "the waits must be positive, the first no longer than the interval, and the timeout"
                + " not negative");
      }
    }

    /** A fixed wait of {@code interval} between polls. */
    public Pacing(Clock clock, Sleeper sleeper, Duration interval, Duration timeout) {
      this(clock, sleeper, interval, interval, timeout);
    }

    /** Real time: 50 ms, doubling while nothing changes, up to 2 s; 30 minutes at most. */
    public static Pacing standard() {
      return new Pacing(
          Clock.systemUTC(),
          d -> Thread.sleep(d.toMillis()),
          Duration.ofMillis(50),
          Duration.ofSeconds(2),
          Duration.ofMinutes(30));
    }

    public Pacing withTimeout(Duration newTimeout) {
      return new Pacing(clock, sleeper, first, interval, newTimeout);
    }

    /** At most {@code newInterval} between polls (the first wait shortened to it if longer). */
    public Pacing withInterval(Duration newInterval) {
      return new Pacing(
          clock,
          sleeper,
          first.compareTo(newInterval) > 0 ? newInterval : first,
          newInterval,
          timeout);
    }

    /** The wait after {@code previous}: doubled, up to the interval. */
    Duration next(Duration previous) {
      Duration doubled = previous.multipliedBy(2);
      return doubled.compareTo(interval) > 0 ? interval : doubled;
    }
  }

  /**
   * What to follow: the route, where its status is (a JSON Pointer such as {@code /status}), the
   * statuses that end it well and those that end it badly.
   */
  public record Target(
      ApiPath path, String statusPointer, Set<String> succeeded, Set<String> failed) {

    public Target {
      succeeded = Set.copyOf(succeeded);
      failed = Set.copyOf(failed);
      Set<String> both = new HashSet<>(succeeded);
      both.retainAll(failed);
      if (!both.isEmpty()) {
        throw new IllegalArgumentException("statuses both succeeded and failed: " + both);
      }
    }

    public static Target of(
        ApiPath path, String statusPointer, Set<String> succeeded, Set<String> failed) {
      return new Target(path, statusPointer, succeeded, failed);
    }

    boolean isTerminal(String status) {
      return succeeded.contains(status) || failed.contains(status);
    }
  }

  /** The last answer and its terminal status. */
  public record Result(JsonNode last, String status, boolean succeeded, Duration elapsed) {}

  /**
   * The followed thing was still running when the timeout passed; it goes on running on the server.
   */
  public static final class TimedOut extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String lastStatus;

    TimedOut(ApiPath path, String lastStatus, Duration timeout) {
      super(
          path
              + " is still "
              + (lastStatus == null ? "not answering" : "'" + lastStatus + "'")
              + " after "
              + duration(timeout)
              + "; it goes on running on the server");
      this.lastStatus = lastStatus;
    }

    public String lastStatus() {
      return lastStatus;
    }
  }

  private final ApiClient api;
  private final Pacing pacing;
  private final PrintWriter progress;

  /**
   * @param progress where each new status line goes (stderr when stdout is kept for JSON)
   */
  public Follow(ApiClient api, Pacing pacing, PrintWriter progress) {
    this.api = api;
    this.pacing = pacing;
    this.progress = progress;
  }

  /** Follows the target, printing its status each time it changes. */
  public Result until(Target target) {
    return until(
        target,
        body -> {
          String status = body.at(target.statusPointer()).asText("");
          return status.isEmpty() ? "(no status at " + target.statusPointer() + ")" : status;
        });
  }

  /**
   * Follows the target, printing {@code describe} of each answer whose description differs from the
   * previous one (so a step that changes within a status shows too).
   */
  public Result until(Target target, Function<JsonNode, String> describe) {
    return untilEach(target, body -> List.of(describe.apply(body)));
  }

  /**
   * Follows the target, printing those of {@code describe}'s lines for each answer that the
   * previous answer's lines did not have: one line per part that changed (a promotion's stages,
   * say), each once.
   */
  public Result untilEach(Target target, Function<JsonNode, List<String>> describe) {
    Instant start = pacing.clock().instant();
    List<String> lastLines = List.of();
    String lastStatus = null;
    String lastTrouble = null;
    Duration wait = pacing.first();
    while (true) {
      Duration elapsed = Duration.between(start, pacing.clock().instant());
      try {
        JsonNode body = api.get(target.path()).body();
        lastTrouble = null;
        lastStatus = body.at(target.statusPointer()).asText("");
        List<String> lines = describe.apply(body);
        boolean changed = false;
        for (String line : lines) {
          if (!lastLines.contains(line)) {
            print(elapsed, line);
            changed = true;
          }
        }
        // Something moved: the next change often follows soon, so look again soon.
        if (changed) {
          wait = pacing.first();
        }
        lastLines = List.copyOf(lines);
        if (target.isTerminal(lastStatus)) {
          return new Result(body, lastStatus, target.succeeded().contains(lastStatus), elapsed);
        }
      } catch (ApiUnreachable | ApiProblem e) {
        if (e instanceof ApiProblem p && p.status() < 500) {
          throw p;
        }
        String trouble = e instanceof ApiProblem p ? p.detail() : e.getMessage();
        if (!trouble.equals(lastTrouble)) {
          print(elapsed, "(" + trouble + "; retrying)");
          lastTrouble = trouble;
        }
      }
      Duration left = pacing.timeout().minus(Duration.between(start, pacing.clock().instant()));
      if (left.isNegative() || left.isZero()) {
        throw new TimedOut(target.path(), lastStatus, pacing.timeout());
      }
      try {
        pacing.sleeper().sleep(left.compareTo(wait) < 0 ? left : wait);
        wait = pacing.next(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimedOut(
            target.path(), lastStatus, Duration.between(start, pacing.clock().instant()));
      }
    }
  }

  /** {@code 7s}, {@code 2m05s}, {@code 1h02m}: short enough for a progress column. */
  public static String duration(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }

  private void print(Duration elapsed, String line) {
    progress.printf("[%6s] %s%n", duration(elapsed), line);
    progress.flush();
  }
}
