/**
 * Plans: what a deployment would change in an environment, resource by resource and property by
 * property (with why a resource is replaced), the stack parameters it changes, how far its effects
 * reach ({@code BlastRadius}, one documented rule) and what the environment costs before and after
 * ({@code PlanReview} adds both). {@code ReplacementRules} is the one table of properties whose
 * change recreates a resource where no engine says so. Depends on {@code registry}, {@code
 * pipeline}, {@code cost} and {@code common}.
 */
package io.stagecoach.domain.plan;
