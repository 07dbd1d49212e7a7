package io.stagecoach.domain.deployment;

import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.plan.Plan;
import java.util.List;

/**
 * The port every provisioner implements: CloudFormation on AWS, the local materializer on one
 * machine. Each call is idempotent for one {@link ProvisioningRequest#deploymentId()}: a repeated
 * call continues or answers the same result, it never applies twice.
 */
public interface Provisioner {

  /** What {@link #apply} would change now. Changes nothing. */
  Plan plan(ProvisioningRequest request);

  /** Makes the environment match the request's release; records nothing in the registry itself. */
  ProvisioningResult apply(ProvisioningRequest request);

  /**
   * Removes everything the environment's stack made; {@code Succeeded} carries the removals as its
   * plan.
   */
  ProvisioningResult destroy(ProvisioningRequest request);

  /**
   * The resources of the environment's stack that no longer match what its last deployment made
   * ({@code request} names that deployment's release and template): none when it is in sync.
   * Changes nothing. A provisioner that cannot tell refuses.
   */
  default List<DriftedResource> detectDrift(ProvisioningRequest request) {
    throw new RequestRefused("this provisioner cannot check drift");
  }

  /**
   * The request cannot be carried out as given (an account Stagecoach may not deploy to, a template
   * the engine rejects): asking again fails the same way, so it is not retried.
   */
  class RequestRefused extends RuntimeException {
    public RequestRefused(String reason) {
      super(reason);
    }

    public RequestRefused(String reason, Throwable cause) {
      super(reason, cause);
    }
  }
}
