package io.stagecoach.domain.drift;

import java.time.Duration;
import java.time.Instant;

/**
 * A drift check under way: its id, who asked ({@code scheduler} for the schedule, {@code
 * deployment:{id}} for the check after a repair) and when. A check that has not finished after
 * {@link #STALE_AFTER} is taken to have died (its provisioner's run was lost), and a new one may
 * start.
 */
public record DriftCheck(String id, String requestedBy, Instant startedAt) {

  /** Longer than a provisioner may run (15 minutes), so a live check is never taken over. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(20);

  /** The principal the scheduled checks are asked by. */
  public static final String SCHEDULER = "drift-schedule";

  public boolean isStaleAt(Instant now) {
    return !now.isBefore(startedAt.plus(STALE_AFTER));
  }
}
