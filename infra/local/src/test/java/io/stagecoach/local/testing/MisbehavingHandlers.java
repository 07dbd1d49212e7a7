package io.stagecoach.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * Handlers that fail the ways real ones do: a hang, an exception, and one that reads its settings.
 */
public final class MisbehavingHandlers {

  private MisbehavingHandlers() {}

  public static final class Sleeps implements RequestHandler<Map<String, Object>, String> {
    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "late";
    }
  }

  /** Takes longer to construct (its init phase) than its function's timeout allows a request. */
  public static final class SlowToStart implements RequestHandler<Map<String, Object>, Long> {
    public SlowToStart() {
      try {
        Thread.sleep(600);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public Long handleRequest(Map<String, Object> input, Context context) {
      return (long) context.getRemainingTimeInMillis();
    }
  }

  public static final class Throws implements RequestHandler<Map<String, Object>, String> {
    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
      throw new IllegalStateException("boom: " + input.get("why"));
    }
  }

  /** Echoes a setting from its constructor's environment and what its context says. */
  public static final class ReadsSettings
      implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final String greeting;

    public ReadsSettings(Map<String, String> environment) {
      this.greeting = environment.get("GREETING");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
      return Map.of(
          "greeting",
          greeting,
          "function",
          context.getFunctionName(),
          "memory",
          context.getMemoryLimitInMB(),
          "timeLeftMs",
          context.getRemainingTimeInMillis(),
          "name",
          input.get("name"));
    }
  }
}
