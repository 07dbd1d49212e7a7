package io.stagecoach.domain.registry;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How an app's ephemeral environments live: at most {@code maxLifetimeDays} after they were created
 * (extensions and renewals stop there), {@code defaultTtlHours} when created without an expiry,
 * and, with {@code renewOnDeploy}, each deploy (a CodeCommit push to the branch too) moves the
 * expiry to at least {@code defaultTtlHours} from then. {@code defaultOwner} owns the environments
 * a CodeCommit push creates when the push names no pusher. An app that says nothing gets {@link
 * #DEFAULT}.
 */
public record EphemeralPolicy(
    int maxLifetimeDays,
    int defaultTtlHours,
    boolean renewOnDeploy,
    Optional<String> defaultOwner) {

  /** The ceiling every app's {@code maxLifetimeDays} stays under (and the default). */
  public static final int MAX_LIFETIME_DAYS = 30;

  /** 30 days, 72 hours, no renewal on deploy: what ephemeral environments did before apps chose. */
  public static final EphemeralPolicy DEFAULT = new EphemeralPolicy(MAX_LIFETIME_DAYS, 72, false);

  /** A policy without a default owner. */
  public EphemeralPolicy(int maxLifetimeDays, int defaultTtlHours, boolean renewOnDeploy) {
    this(maxLifetimeDays, defaultTtlHours, renewOnDeploy, Optional.empty());
  }

  public Duration maxLifetime() {
    return Duration.ofDays(maxLifetimeDays);
  }

  public Duration defaultTtl() {
    return Duration.ofHours(defaultTtlHours);
  }

  /** What is wrong with this policy, field by field ({@code ephemeral.maxLifetimeDays}, ...). */
  public List<FieldError> problems() {
    List<FieldError> errors = new ArrayList<>();
    if (maxLifetimeDays < 1 || maxLifetimeDays > MAX_LIFETIME_DAYS) {
      errors.add(
          new FieldError(
              "ephemeral.maxLifetimeDays",
              "must be a whole number from 1 to " + MAX_LIFETIME_DAYS));
    }
    int maxTtlHours = Math.max(1, Math.min(maxLifetimeDays, MAX_LIFETIME_DAYS)) * 24;
    if (defaultTtlHours < 1 || defaultTtlHours > maxTtlHours) {
      errors.add(
          new FieldError(
              "ephemeral.defaultTtlHours",
              "must be a whole number from 1 to " + maxTtlHours + " (maxLifetimeDays × 24)"));
    }
    defaultOwner
        .flatMap(Identifier.PRINCIPAL_NAME::problem)
        .ifPresent(problem -> errors.add(new FieldError("ephemeral.defaultOwner", problem)));
    return errors;
  }
}
