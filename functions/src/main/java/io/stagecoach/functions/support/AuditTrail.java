package io.stagecoach.functions.support;

import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditLog;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the push function, the workflow's steps and the reaper record their decisions: each one
 * once ({@link AuditEntry#idOf}, so a retried step or a redelivered event adds nothing), and a
 * failure to record is logged, never thrown, so it never fails the action it records. Without an
 * HTTP answer, {@code status} is 200 for a decision carried out (or to leave something alone,
 * {@code ignored}) and 409 for a refusal, as Slack's entries have it.
 */
public final class AuditTrail {

  private static final Log LOG = Log.of(AuditTrail.class);

  /** Longer details (a workflow's cause) are cut: the deployment and promotion keep the rest. */
  static final int DETAIL = 500;

  private final AuditLog log;
  private final String surface;

  public AuditTrail(AuditLog log, String surface) {
    this.log = log;
    this.surface = surface;
  }

  /** One decision, as an entry. */
  public record Decision(
      String id,
      Instant at,
      String principal,
      String action,
      String target,
      Optional<String> app,
      Optional<String> environment,
      String outcome,
      String requestId,
      Optional<String> before,
      Optional<String> after,
      Optional<String> detail) {}

  public void record(Decision d) {
    AuditEntry entry =
        new AuditEntry(
            d.id(),
            d.at(),
            d.principal(),
            surface,
            surface + " " + d.action(),
            d.target(),
            d.app(),
            d.environment(),
            d.outcome(),
            d.outcome().equals(AuditEntry.ACCEPTED) || d.outcome().equals(AuditEntry.IGNORED)
                ? 200
                : 409,
            d.requestId(),
            d.before().filter(b -> !b.equals(d.after().orElse(null))),
            d.after(),
            d.detail().map(t -> t.length() > DETAIL ? t.substring(0, DETAIL - 1) + "…" : t));
    try {
      log.record(entry);
    } catch (RuntimeException e) {
      LOG.error(
          e,
          "audit entry not recorded",
          "auditId",
          d.id(),
          "action",
          entry.action(),
          "target",
          d.target());
    }
  }
}
