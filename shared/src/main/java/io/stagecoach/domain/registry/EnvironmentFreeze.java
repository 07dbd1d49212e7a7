package io.stagecoach.domain.registry;

import java.time.Instant;

/**
 * An environment closed to releases, by whom, when and why: promotions stop at its gate, and
 * deploys and destroys are refused ({@code frozen}); a rollback to a release that ran there goes
 * through.
 */
public record EnvironmentFreeze(String reason, String by, Instant at) {

  /** Why the environment takes nothing now, in one sentence: whose freeze, since when, why. */
  public String describe(String app, String environment) {
    return "environment '"
        + app
        + "/"
        + environment
        + "' is frozen by "
        + by
        + " since "
        + at
        + ": "
        + reason;
  }
}
