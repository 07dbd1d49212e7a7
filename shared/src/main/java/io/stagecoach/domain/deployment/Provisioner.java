package io.stagecoach.domain.deployment;

import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
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
   * How a Secrets Manager secret of the environment rotates, read as the tier's deploy role reads
   * it: its description, never its value.
   *
   * @throws SecretNotDescribed when the secret is missing or may not be described; a provisioner
   *     that reads no secrets says so this way
   */
  default SecretRotation.Settings describeSecret(Environment environment, SecretReference secret) {
    throw new SecretNotDescribed("this provisioner does not read rotation settings");
  }

  /** A secret's rotation settings cannot be read; the message says why, never a secret value. */
  class SecretNotDescribed extends RuntimeException {
    public SecretNotDescribed(String reason) {
      super(reason);
    }

    public SecretNotDescribed(String reason, Throwable cause) {
      super(reason, cause);
    }
  }

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
