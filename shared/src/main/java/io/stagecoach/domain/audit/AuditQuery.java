package io.stagecoach.domain.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Which entries to read: each filter given must match; {@code since} and {@code until} bound when.
 */
public record AuditQuery(
    Optional<String> app,
    Optional<String> environment,
    Optional<String> principal,
    Optional<String> action,
    Optional<Instant> since,
    Optional<Instant> until) {

  /** This query, for {@code principal} only. */
  public AuditQuery of(String principal) {
    return new AuditQuery(app, environment, Optional.of(principal), action, since, until);
  }
}
