package io.stagecoach.domain.plan;

import io.stagecoach.domain.cost.CostEstimate;
import io.stagecoach.domain.cost.PricedResource;
import java.util.List;
import java.util.Optional;

/**
 * What a deployment changes in its environment: resource by resource (with the properties each
 * change touches) and the stack parameters whose values change; empty when nothing changes.
 *
 * <p>A provisioner makes the plan and adds what it read of the stack's resources before and after
 * ({@code resourcesBefore}, {@code resourcesAfter}: the inputs of the cost estimate, never stored
 * or shown). {@link PlanReview} then adds the {@link BlastRadius} and the {@link CostEstimate}; a
 * plan that has been through it is {@linkplain #isReviewed() reviewed}.
 */
public record Plan(
    List<ResourceChange> changes,
    List<ParameterChange> parameters,
    List<PricedResource> resourcesBefore,
    List<PricedResource> resourcesAfter,
    Optional<BlastRadius> blastRadius,
    Optional<CostEstimate> cost) {

  public static final Plan NOTHING = new Plan(List.of());

  public Plan {
    changes = List.copyOf(changes);
    parameters = List.copyOf(parameters);
    resourcesBefore = List.copyOf(resourcesBefore);
    resourcesAfter = List.copyOf(resourcesAfter);
  }

  /** Resource changes only, with nothing read of the resources' properties. */
  public Plan(List<ResourceChange> changes) {
    this(changes, List.of(), List.of(), List.of(), Optional.empty(), Optional.empty());
  }

  /** A provisioner's plan: changes, parameters and the resources before and after. */
  public Plan(
      List<ResourceChange> changes,
      List<ParameterChange> parameters,
      List<PricedResource> resourcesBefore,
      List<PricedResource> resourcesAfter) {
    this(changes, parameters, resourcesBefore, resourcesAfter, Optional.empty(), Optional.empty());
  }

  public PlanSummary summary() {
    int adds = 0;
    int modifies = 0;
    int removes = 0;
    int replacements = 0;
    int unsupported = 0;
    for (ResourceChange c : changes) {
      switch (c.action()) {
        case ADD -> adds++;
        case MODIFY -> modifies++;
        case REPLACE -> replacements++;
        case REMOVE -> removes++;
      }
      if (!c.supported()) {
        unsupported++;
      }
    }
    return new PlanSummary(adds, modifies, removes, replacements, unsupported);
  }

  /** No resource changes (parameters may still change without touching any resource). */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  public boolean isReviewed() {
    return blastRadius.isPresent();
  }

  /**
   * This plan with its blast radius and cost estimate; the resources read for the estimate are
   * dropped, as nothing after the review needs them.
   */
  public Plan reviewed(BlastRadius radius, CostEstimate estimate) {
    return reviewed(radius, Optional.of(estimate));
  }

  /** Reviewed without a cost estimate when there was nothing to price. */
  public Plan reviewed(BlastRadius radius, Optional<CostEstimate> estimate) {
    return new Plan(changes, parameters, List.of(), List.of(), Optional.of(radius), estimate);
  }

  /** Whether the provisioner read anything to price: resources before or after, or changes. */
  public boolean hasSomethingToPrice() {
    return !changes.isEmpty() || !resourcesBefore.isEmpty() || !resourcesAfter.isEmpty();
  }
}
