package io.stagecoach.domain.plan;

/**
 * The counts of a plan: what a reviewer reads first. {@code modifies} counts resources changed in
 * place, {@code replacements} those recreated; {@code unsupported} counts resources not made here.
 */
public record PlanSummary(int adds, int modifies, int removes, int replacements, int unsupported) {

  /** Resources the plan touches in any way. */
  public int total() {
    return adds + modifies + removes + replacements;
  }
}
