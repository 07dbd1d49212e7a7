package io.stagecoach.domain.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One state-changing request and how it ended: {@code principal} asked from {@code surface} ({@code
 * api}, {@code cli}, {@code slack}) for {@code action} (the route or command, such as {@code POST
 * /v1/apps/{app}/deployments}) on {@code target} (the path it named), at {@code at}; {@code
 * outcome} is {@code accepted} or the stable code it was refused with, {@code status} the answer's
 * status.
 */
public record AuditEntry(
    String id,
    Instant at,
    String principal,
    String surface,
    String action,
    String target,
    Optional<String> app,
    Optional<String> environment,
    String outcome,
    int status,
    String requestId) {

  /** How long entries are kept (then the table's TTL removes them). */
  public static final Duration RETENTION = Duration.ofDays(400);

  public static final String ACCEPTED = "accepted";

  public Instant expiresAt() {
    return at.plus(RETENTION);
  }
}
