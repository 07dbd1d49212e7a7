package io.stagecoach.domain.deployment;

import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PlanReview;

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

  private ProvisioningResult reviewed(ProvisioningResult result, ProvisioningRequest request) {
    return switch (result) {
      case ProvisioningResult.Succeeded s ->
          new ProvisioningResult.Succeeded(
              review.review(s.plan(), request.environment()), s.outputs());
      case ProvisioningResult.Failed f ->
          new ProvisioningResult.Failed(f.reason(), review.review(f.plan(), request.environment()));
      case ProvisioningResult.InProgress p -> p;
    };
  }
}
