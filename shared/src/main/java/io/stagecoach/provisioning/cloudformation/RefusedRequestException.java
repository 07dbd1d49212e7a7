package io.stagecoach.provisioning.cloudformation;

import io.stagecoach.domain.deployment.Provisioner;

/**
 * The request cannot be carried out as given (an account Stagecoach may not deploy to, a template
 * CloudFormation rejects): asking again fails the same way, so callers must not retry it. {@code
 * apply} and {@code destroy} answer such refusals as {@code Failed}; {@code plan}, which has no
 * failure value, throws this.
 */
public final class RefusedRequestException extends Provisioner.RequestRefused {

  public RefusedRequestException(String reason) {
    super(reason);
  }

  public RefusedRequestException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
