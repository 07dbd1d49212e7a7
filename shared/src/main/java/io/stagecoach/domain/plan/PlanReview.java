package io.stagecoach.domain.plan;

import io.stagecoach.domain.cost.CostEstimate;
import io.stagecoach.domain.cost.CostEstimator;
import io.stagecoach.domain.cost.PricedResource;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Registry;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    plan.resourcesBefore().stream().map(PricedResource::logicalId).forEach(read::add);
    plan.resourcesAfter().stream().map(PricedResource::logicalId).forEach(read::add);
    Map<String, String> unread = new LinkedHashMap<>();
    plan.changes().stream()
        .filter(c -> !read.contains(c.logicalId()))
        .forEach(c -> unread.put(c.logicalId(), c.type()));
    if (!plan.hasSomethingToPrice()) {
      // A plan made of nothing (a template the provisioner could not read): no estimate rather
      // than one that prices an environment at zero.
      return plan.reviewed(radius, Optional.empty());
    }
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
