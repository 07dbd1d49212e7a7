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
 * stable code it was refused with (or {@link #IGNORED}), {@code status} the answer's (HTTP) status.
 * Where a request or decision moves something from one revision, status or release to another,
 * {@code before} and {@code after} say which, each only where known, taken from what the core did
 * (never read again for the entry): an app or environment written goes from {@code revision 3} to
 * {@code revision 4} (a create has no before, after {@code revision 1}; a freeze, thaw, pin or
 * extension adds the state it leaves, {@code revision 5 (frozen)}); a deploy or rollback from the
 * release the environment ran ({@code release 1.2.2}; none if it ran none) to the one asked for and
 * its deployment ({@code release 1.2.3 (deployment d-…)}), a destroy to {@code destroying
 * (deployment x-…)}; a removal from its last revision to {@code deleted}; an approval from {@code
 * pending} to {@code approved}, {@code rejected} (or still {@code pending}, the detail saying what
 * is missing); a break-glass from {@code pending} to {@code confirmed}; a promotion started has
 * after {@code promotion pr-… running}; workflow entries have the stage's or promotion's statuses.
 * A refused request changed nothing and has neither (a refused workflow step may keep its status
 * before). {@code detail} says what was done, or why it was refused or ignored.
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

  /**
   * The outcome of a decision to leave something alone, which changes nothing and refuses no one: a
   * push no branch rule is for, or an event that is not a push.
   */
  public static final String IGNORED = "ignored";

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
