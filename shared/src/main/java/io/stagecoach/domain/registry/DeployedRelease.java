package io.stagecoach.domain.registry;

import io.stagecoach.domain.template.StackResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an environment runs, as its last successful deployment left it: the release ({@code
 * version}, {@code digest}), the template revision it was made from, the stack's outputs and
 * resources, and who asked for it ({@code requestedBy}) and when it was done. {@code order} is that
 * deployment's place in the environment's history ({@link Deployment#order()}): an older deployment
 * never replaces a newer one, however late its events arrive. Environments deployed before template
 * revisions were recorded have no revision, requester, outputs or resources here. {@code
 * secretRotation} is how each Secrets Manager secret the environment referenced then rotates, by
 * its key, as the provisioner read it when the deployment succeeded.
 */
public record DeployedRelease(
    String version,
    String digest,
    String deploymentId,
    String order,
    Instant deployedAt,
    Optional<Integer> templateRevision,
    Optional<String> requestedBy,
    Map<String, String> outputs,
    List<StackResource> resources,
    Map<String, SecretRotation> secretRotation) {

  public DeployedRelease {
    outputs = java.util.Collections.unmodifiableMap(new TreeMap<>(outputs));
    resources = List.copyOf(resources);
    secretRotation = java.util.Collections.unmodifiableMap(new TreeMap<>(secretRotation));
  }

  /** A deployed release whose secrets' rotation was not read. */
  public DeployedRelease(
      String version,
      String digest,
      String deploymentId,
      String order,
      Instant deployedAt,
      Optional<Integer> templateRevision,
      Optional<String> requestedBy,
      Map<String, String> outputs,
      List<StackResource> resources) {
    this(
        version,
        digest,
        deploymentId,
        order,
        deployedAt,
        templateRevision,
        requestedBy,
        outputs,
        resources,
        Map.of());
  }

  /** A deployed release recorded without its revision, requester, outputs or resources. */
  public DeployedRelease(
      String version, String digest, String deploymentId, String order, Instant deployedAt) {
    this(
        version,
        digest,
        deploymentId,
        order,
        deployedAt,
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        List.of());
  }

  /**
   * How the secret {@code key} rotates, as read at this deployment, when it was read for {@code
   * reference}: a reference changed since then has not been read yet.
   */
  public Optional<SecretRotation> rotationOf(String key, SecretReference reference) {
    return Optional.ofNullable(secretRotation.get(key))
        .filter(r -> r.reference().equals(reference.reference()));
  }
}
