package io.stagecoach.domain.deployment;

import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.template.EnvironmentTemplate;
import java.util.Optional;

/**
 * What a provisioner is asked to do for one deployment: make {@code environment} run {@code
 * release} from {@code template}, the release's pinned revision {@code templateRevision} of the
 * app's template (or, for a destroy, remove what it made; then release is empty). {@code
 * deploymentId} names everything the provisioner creates for this request (change sets, for
 * example), so that a repeated request finds its own work instead of starting again.
 */
public record ProvisioningRequest(
    String deploymentId,
    Environment environment,
    Optional<Release> release,
    EnvironmentTemplate template,
    Optional<Integer> templateRevision) {

  /** A request whose template is no recorded revision. */
  public ProvisioningRequest(
      String deploymentId,
      Environment environment,
      Optional<Release> release,
      EnvironmentTemplate template) {
    this(deploymentId, environment, release, template, Optional.empty());
  }

  /** The stack every environment becomes: {@code {app}-{env}}. */
  public String stackName() {
    return environment.app() + "-" + environment.name();
  }
}
