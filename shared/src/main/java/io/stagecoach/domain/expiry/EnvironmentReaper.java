package io.stagecoach.domain.expiry;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.ExpiryPolicy;
import io.stagecoach.domain.registry.Registry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Warns the owners of ephemeral environments about to expire ({@link EnvironmentExpiring}, at each
 * lead time, once per expiry) and destroys expired ephemeral environments through the normal
 * destroy ({@link DeploymentService#destroy}), requested by {@value #PRINCIPAL}. It reads the
 * registry's expiring environments, reads each one again before acting (it may have been extended
 * or pinned since), and spares what {@link ExpiryPolicy#reaperSpares} says it must.
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

  /** When owners are warned before their environment expires, unless configured otherwise. */
  public static final List<Duration> DEFAULT_LEAD_TIMES =
      List.of(Duration.ofHours(24), Duration.ofHours(1));

  private final Registry registry;
  private final Deployments deployments;
  private final DeploymentService destroys;
  private final EventPublisher events;
  private final List<Duration> leadTimes;
  private final Duration furthestLead;

  /**
   * @param leadTimes how long before an expiry {@link EnvironmentExpiring} is sent (each once per
   *     expiry); none: no warnings
   */
  public EnvironmentReaper(
      Registry registry,
      Deployments deployments,
      DeploymentService destroys,
      EventPublisher events,
      List<Duration> leadTimes) {
    this.registry = registry;
    this.deployments = deployments;
    this.destroys = destroys;
    this.events = events;
    this.leadTimes = List.copyOf(leadTimes);
    this.furthestLead =
        this.leadTimes.stream().max(Comparator.naturalOrder()).orElse(Duration.ZERO);
    for (Duration lead : this.leadTimes) {
      if (lead.isNegative() || lead.isZero()) {
        throw new IllegalArgumentException("a warning's lead time must be positive, got " + lead);
      }
    }
  }

  /** What one run did. */
  public record Reaped(
      List<Deployment> destroying, List<Spared> spared, List<GaveUp> gaveUp, List<Warned> warned) {
    public Reaped {
      destroying = List.copyOf(destroying);
      spared = List.copyOf(spared);
      gaveUp = List.copyOf(gaveUp);
      warned = List.copyOf(warned);
    }
  }

  /** An owner warned that their environment expires within {@code leadTime}. */
  public record Warned(String app, String environment, Duration leadTime, Instant expiresAt) {}

  public record Spared(String app, String environment, String reason) {}

  /** An environment the reaper no longer tries to destroy: its destroys kept failing. */
  public record GaveUp(String app, String environment, int failedDestroys, String lastReason) {}

  /**
   * One run: warns the owners of environments expiring within a lead time, and destroys the expired
   * ones.
   */
  public Reaped reap(Instant now, Supplier<String> newIds) {
    List<Deployment> destroying = new ArrayList<>();
    List<Spared> spared = new ArrayList<>();
    List<GaveUp> gaveUp = new ArrayList<>();
    List<Warned> warned = new ArrayList<>();
    PageRequest page = new PageRequest(Optional.empty(), PageRequest.MAX_LIMIT);
    int seen = 0;
    while (seen < MAX_PER_RUN) {
      if (!(registry.listExpiring(now.plus(furthestLead), page)
          instanceof Outcome.Accepted<Page<Environment>> a)) {
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
        if (env.expiresAt().isPresent() && env.expiresAt().get().isAfter(now)) {
          warn(env, now).ifPresent(warned::add);
          continue;
        }
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
          case Outcome.Accepted<Saved<Deployment>> d -> {
            destroying.add(d.value().value());
            if (d.value().created()) {
              events.publish(new EnvironmentExpired(env, d.value().value(), now));
            }
          }
          case Outcome.Rejected<Saved<Deployment>> r ->
              spared.add(new Spared(env.app(), env.name(), r.rejection().detail()));
        }
      }
      if (a.value().nextCursor().isEmpty()) {
        break;
      }
      page = new PageRequest(a.value().nextCursor(), PageRequest.MAX_LIMIT);
    }
    return new Reaped(destroying, spared, gaveUp, warned);
  }

  /**
   * Sends the warning due about {@code env}, if one is and no run sent it before: it is recorded on
   * the environment first, so that of two runs at once only one sends it; a warning that could not
   * be announced is forgotten again, and the failure thrown, so that the next run retries it.
   */
  private Optional<Warned> warn(Environment env, Instant now) {
    Optional<Duration> due = ExpiryPolicy.warningDue(env, now, leadTimes);
    if (due.isEmpty()) {
      return Optional.empty();
    }
    Instant expiresAt = env.expiresAt().orElseThrow();
    String key = ExpiryPolicy.warningKey(due.get(), expiresAt);
    if (!(registry.claimExpiryWarning(env.app(), env.name(), expiresAt, key)
        instanceof WriteResult.Written)) {
      return Optional.empty();
    }
    try {
      events.publish(new EnvironmentExpiring(env, due.get(), now));
    } catch (RuntimeException e) {
      registry.releaseExpiryWarning(env.app(), env.name(), key);
      throw e;
    }
    return Optional.of(new Warned(env.app(), env.name(), due.get(), expiresAt));
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
