package io.stagecoach.domain.plan;

import io.stagecoach.domain.cost.CostEstimate;
import io.stagecoach.domain.cost.CostEstimator;
import io.stagecoach.domain.cost.StackResource;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Registry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Completes a provisioner's plan with what its reviewer needs: the {@link BlastRadius} in the
 * environment (with the app's later stages, read from the registry) and the {@link CostEstimate} of
 * the environment before and after, priced with the environment's usage assumptions. Every surface
 * (diff, deployments, approvals) shows plans that went through here.
 */
public final class PlanReview {

  private final Registry registry;
  private final CostEstimator estimator;

  public PlanReview(Registry registry, CostEstimator estimator) {
    this.registry = registry;
    this.estimator = estimator;
  }

  public Plan review(Plan plan, Environment environment) {
    if (plan.isReviewed()) {
      return plan;
    }
    List<String> later =
        registry
            .findApp(environment.app())
            .map(app -> BlastRadius.laterStages(app, environment.name()))
            .orElse(List.of());
    BlastRadius radius = BlastRadius.of(plan, environment, later);
    Set<String> read = new LinkedHashSet<>();
    plan.resourcesBefore().stream().map(StackResource::logicalId).forEach(read::add);
    plan.resourcesAfter().stream().map(StackResource::logicalId).forEach(read::add);
    Set<String> unread = new LinkedHashSet<>();
    plan.changes().stream()
        .map(ResourceChange::logicalId)
        .filter(id -> !read.contains(id))
        .forEach(unread::add);
    CostEstimate cost =
        estimator.estimate(
            plan.resourcesBefore(),
            plan.resourcesAfter(),
            unread,
            environment.usage(),
            environment.region());
    return plan.reviewed(radius, cost);
  }
}
