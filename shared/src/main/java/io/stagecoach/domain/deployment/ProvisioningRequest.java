package io.stagecoach.domain.deployment;

import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentTemplate;
import io.stagecoach.domain.registry.Release;
import java.util.Optional;

/**
 * What a provisioner is asked to do for one deployment: make {@code environment} run {@code
 * release} from the app's {@code template} (or, for a destroy, remove what it made; then release is
 * empty). {@code deploymentId} names everything the provisioner creates for this request (change
 * sets, for example), so that a repeated request finds its own work instead of starting again.
 */
public record ProvisioningRequest(
    String deploymentId,
    Environment environment,
    Optional<Release> release,
    EnvironmentTemplate template) {

  /** The stack every environment becomes: {@code {app}-{env}}. */
  public String stackName() {
    return environment.app() + "-" + environment.name();
  }
}
