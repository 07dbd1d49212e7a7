package io.stagecoach.domain.promotion;

import java.util.List;

/**
 * Whether a release could be promoted to {@code to} now, without starting anything: {@code
 * eligible} when nothing refuses it; otherwise {@code reasons}, every one. {@code stages} are the
 * gates of each stage the promotion would go through, as they stand now (a closed window that opens
 * in time, or approvals still to come, are waited for, not refusals).
 */
public record Eligibility(
    String app,
    String version,
    String to,
    boolean eligible,
    List<String> reasons,
    List<Gate.OfStage> stages) {

  public Eligibility {
    reasons = List.copyOf(reasons);
    stages = List.copyOf(stages);
  }
}
