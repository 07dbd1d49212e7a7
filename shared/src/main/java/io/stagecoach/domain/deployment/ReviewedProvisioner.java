package io.stagecoach.domain.deployment;

import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PlanReview;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;

/**
 * A provisioner whose every plan is {@linkplain PlanReview reviewed}: what {@link #plan} answers,
 * and the plans {@link #apply} and {@link #destroy} report, carry their blast radius and cost
 * estimate. Each tier's provisioner is wrapped in one, so that the diff, every deployment record
 * and every approval show plans reviewed by the same rule.
 */
public final class ReviewedProvisioner implements Provisioner {

  private final Provisioner provisioner;
  private final PlanReview review;

  public ReviewedProvisioner(Provisioner provisioner, PlanReview review) {
    this.provisioner = provisioner;
    this.review = review;
  }

  @Override
  public Plan plan(ProvisioningRequest request) {
    return review.review(provisioner.plan(request), request.environment());
  }

  @Override
  public ProvisioningResult apply(ProvisioningRequest request) {
    return reviewed(provisioner.apply(request), request);
  }

  @Override
  public ProvisioningResult destroy(ProvisioningRequest request) {
    return reviewed(provisioner.destroy(request), request);
  }

  @Override
  public SecretRotation.Settings describeSecret(Environment environment, SecretReference secret) {
    return provisioner.describeSecret(environment, secret);
  }

  /** Drift has no plan to review: the provisioner's answer as it is. */
  @Override
  public java.util.List<io.stagecoach.domain.drift.DriftedResource> detectDrift(
      ProvisioningRequest request) {
    return provisioner.detectDrift(request);
  }

  /**
   * The result with its plan reviewed and every other component as it was. The record patterns name
   * every component, so that a component added to a result stops this from compiling until it is
   * carried over too.
   */
  private ProvisioningResult reviewed(ProvisioningResult result, ProvisioningRequest request) {
    return switch (result) {
      case ProvisioningResult.Succeeded(Plan plan, var outputs, var resources) ->
          new ProvisioningResult.Succeeded(
              review.review(plan, request.environment()), outputs, resources);
      case ProvisioningResult.Failed(String reason, Plan plan) ->
          new ProvisioningResult.Failed(reason, review.review(plan, request.environment()));
      case ProvisioningResult.InProgress p -> p;
    };
  }
}
