package io.stagecoach.domain.deployment;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.ExpiryPolicy;
import io.stagecoach.domain.registry.Registry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Destroys expired ephemeral environments through the normal destroy ({@link
 * DeploymentService#destroy}), requested by {@value #PRINCIPAL}. It reads the registry's expiring
 * environments, reads each one again before acting (it may have been extended or pinned since), and
 * spares what {@link ExpiryPolicy#reaperSpares} says it must.
 *
 * <p>Duplicate and late runs are harmless: a destroy under way is found, not repeated, and a
 * destroyed environment is no longer listed. A destroy that fails leaves the environment registered
 * (the provisioner removes the record only on success), so the next run tries again; after {@value
 * #MAX_FAILED_DESTROYS} failed destroys by the reaper it stops trying and reports the environment
 * instead, for a person to look at.
 */
public final class EnvironmentReaper {

  public static final String PRINCIPAL = "reaper";
  public static final int MAX_FAILED_DESTROYS = 3;

  /** Environments looked at per run at most; the next run carries on. */
  public static final int MAX_PER_RUN = 200;

  private static final Principal REAPER = new Principal(PRINCIPAL, Set.of(Role.ADMIN));

  private final Registry registry;
  private final Deployments deployments;
  private final DeploymentService destroys;

  public EnvironmentReaper(Registry registry, Deployments deployments, DeploymentService destroys) {
    this.registry = registry;
    this.deployments = deployments;
    this.destroys = destroys;
  }

  /** What one run did. */
  public record Reaped(List<Deployment> destroying, List<Spared> spared, List<GaveUp> gaveUp) {
    public Reaped {
      destroying = List.copyOf(destroying);
      spared = List.copyOf(spared);
      gaveUp = List.copyOf(gaveUp);
    }
  }

  public record Spared(String app, String environment, String reason) {}

  /** An environment the reaper no longer tries to destroy: its destroys kept failing. */
  public record GaveUp(String app, String environment, int failedDestroys, String lastReason) {}

  public Reaped reap(Instant now, Supplier<String> newIds) {
    List<Deployment> destroying = new ArrayList<>();
    List<Spared> spared = new ArrayList<>();
    List<GaveUp> gaveUp = new ArrayList<>();
    PageRequest page = new PageRequest(Optional.empty(), PageRequest.MAX_LIMIT);
    int seen = 0;
    while (seen < MAX_PER_RUN) {
      if (!(registry.listExpiring(now, page) instanceof Outcome.Accepted<Page<Environment>> a)) {
        break;
      }
      for (Environment listed : a.value().items()) {
        seen++;
        // The index is eventually consistent: act on the item as it is now.
        Optional<Environment> current = registry.findEnvironment(listed.app(), listed.name());
        if (current.isEmpty()) {
          continue;
        }
        Environment env = current.get();
        Optional<String> spare = ExpiryPolicy.reaperSpares(env, now);
        if (spare.isPresent()) {
          spared.add(new Spared(env.app(), env.name(), spare.get()));
          continue;
        }
        List<Deployment> failed = failedDestroysByReaper(env);
        if (failed.size() >= MAX_FAILED_DESTROYS) {
          gaveUp.add(
              new GaveUp(
                  env.app(),
                  env.name(),
                  failed.size(),
                  failed.get(0).reason().orElse("no reason recorded")));
          continue;
        }
        switch (destroys.destroy(
            REAPER,
            env.app(),
            env.name(),
            Optional.of(env.name()),
            newIds.get(),
            new DeploymentService.Origin(Deployment.ORIGIN_REAPER, false),
            now)) {
          case Outcome.Accepted<Saved<Deployment>> d -> destroying.add(d.value().value());
          case Outcome.Rejected<Saved<Deployment>> r ->
              spared.add(new Spared(env.app(), env.name(), r.rejection().detail()));
        }
      }
      if (a.value().nextCursor().isEmpty()) {
        break;
      }
      page = new PageRequest(a.value().nextCursor(), PageRequest.MAX_LIMIT);
    }
    return new Reaped(destroying, spared, gaveUp);
  }

  /** The reaper's failed destroys of this environment (this incarnation of it), newest first. */
  private List<Deployment> failedDestroysByReaper(Environment env) {
    List<Deployment> failed = new ArrayList<>();
    if (deployments.history(
            env.app(), env.name(), new PageRequest(Optional.empty(), PageRequest.MAX_LIMIT))
        instanceof Outcome.Accepted<Page<Deployment>> h) {
      for (Deployment d : h.value().items()) {
        if (d.action() == DeploymentAction.DESTROY
            && d.status() == DeploymentStatus.FAILED
            && d.origin().equals(Deployment.ORIGIN_REAPER)
            && !d.requestedAt().isBefore(env.createdAt())) {
          failed.add(d);
        }
      }
    }
    return failed;
  }
}
