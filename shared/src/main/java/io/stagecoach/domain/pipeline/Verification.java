package io.stagecoach.domain.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * How a stage is verified after its deployment: an HTTP GET of the URL in one of the stack's
 * outputs (plus {@code path}) must answer 2xx, tried up to {@code attempts} times {@code interval}
 * apart.
 */
public record Verification(String urlOutput, String path, int attempts, Duration interval) {

  public static final int MAX_ATTEMPTS = 10;

  public Optional<String> problem() {
    if (urlOutput == null || !urlOutput.matches("[A-Za-z][A-Za-z0-9]{0,254}")) {
      return Optional.of("urlOutput must name a stack output (letters and digits)");
    }
    if (path == null || !path.startsWith("/")) {
      return Optional.of("path must start with /");
    }
    if (attempts < 1 || attempts > MAX_ATTEMPTS) {
      return Optional.of("attempts must be 1 to " + MAX_ATTEMPTS);
    }
    if (interval.isNegative() || interval.compareTo(Duration.ofSeconds(10)) > 0) {
      return Optional.of("intervalSeconds must be 0 to 10 (the check runs inside one step)");
    }
    return Optional.empty();
  }
}
