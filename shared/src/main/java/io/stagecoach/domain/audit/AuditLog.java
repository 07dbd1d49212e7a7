package io.stagecoach.domain.audit;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;

/** The port to where audit entries are kept. */
public interface AuditLog {

  /** Where no log is kept (handler tests): records nothing, finds nothing. */
  AuditLog NONE =
      new AuditLog() {
        @Override
        public void record(AuditEntry entry) {}

        @Override
        public Outcome<Page<AuditEntry>> find(AuditQuery query, PageRequest page) {
          return Outcome.accepted(new Page<>(java.util.List.of(), java.util.Optional.empty()));
        }
      };

  /**
   * Keeps {@code entry}, once: an entry whose id is kept already is left as it was (a decision made
   * again, by a retried step or a redelivered event, has the same id: {@link AuditEntry#idOf}). A
   * technical failure throws (the request it records has been answered).
   */
  void record(AuditEntry entry);

  /**
   * The entries {@code query} matches, newest first. A page may hold fewer than its limit while
   * more follow: follow {@code nextCursor}.
   */
  Outcome<Page<AuditEntry>> find(AuditQuery query, PageRequest page);
}
