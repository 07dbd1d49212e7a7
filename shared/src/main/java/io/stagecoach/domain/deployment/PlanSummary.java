package io.stagecoach.domain.deployment;

/**
 * The counts of a plan: what a reviewer reads first. {@code unsupported} counts resources not made
 * here.
 */
public record PlanSummary(int adds, int modifies, int removes, int replacements, int unsupported) {}
