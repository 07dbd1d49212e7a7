package io.stagecoach.domain.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One state-changing request or decision and how it ended: {@code principal} asked from {@code
 * surface} ({@code api}, {@code cli}, {@code slack}, {@code codecommit}, {@code workflow}, {@code
 * reaper}) for {@code action} (the route or command, such as {@code POST
 * /v1/apps/{app}/deployments}, or the decision, such as {@code workflow stage.started}) on {@code
 * target} (the path or what it named), at {@code at}; {@code outcome} is {@code accepted} or the
 * stable code it was refused with, {@code status} the answer's (HTTP) status. Where a decision
 * moves something from one status or release to another, {@code before} and {@code after} say which
 * (each only where known); {@code detail} says what was done or why it was refused.
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
    String requestId,
    Optional<String> before,
    Optional<String> after,
    Optional<String> detail) {

  /** How long entries are kept (then the table's TTL removes them). */
  public static final Duration RETENTION = Duration.ofDays(400);

  public static final String ACCEPTED = "accepted";

  /** An entry of a request, which moves nothing it can name. */
  public AuditEntry(
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
    this(
        id,
        at,
        principal,
        surface,
        action,
        target,
        app,
        environment,
        outcome,
        status,
        requestId,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public Instant expiresAt() {
    return at.plus(RETENTION);
  }

  /**
   * The id of the entry that records one decision, the same each time it is made again (a retried
   * step, a redelivered event): {@code au-} and 24 hex digits of SHA-256 of {@code decision}'s
   * parts, so the log keeps the decision once ({@link AuditLog#record}).
   */
  public static String idOf(String... decision) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(String.join("\n", decision).getBytes(StandardCharsets.UTF_8));
      return "au-" + HexFormat.of().formatHex(digest).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
