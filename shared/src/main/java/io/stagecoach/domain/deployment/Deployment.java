package io.stagecoach.domain.deployment;

import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.Tier;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One release put into one environment (or, for {@link DeploymentAction#DESTROY}, the environment
 * removed), with everything its history shows: who asked and when, what the provisioner planned and
 * produced, how it ended. {@code requestHash} identifies the request that created it, so that a
 * retried request with the same idempotency key is recognised and another request with that key is
 * refused. {@code attempts} counts provisioner runs that ended in a technical error. {@code
 * callbackToken} is the task token of the promotion step waiting for this deployment (never shown,
 * never put in an event). {@code overrides} are the gates it went past, and why it could (a
 * rollback during a freeze the app's policy lets through). {@code templateRevision} is the revision
 * of the app's template the release is made from (its release's; empty for a destroy and for
 * deployments recorded before revisions existed).
 */
public record Deployment(
    String id,
    String app,
    String environment,
    Tier tier,
    DeploymentAction action,
    Optional<String> version,
    Optional<String> digest,
    DeploymentStatus status,
    Optional<String> reason,
    Optional<Plan> plan,
    Map<String, String> outputs,
    String requestedBy,
    String origin,
    String requestHash,
    int attempts,
    Instant requestedAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<String> callbackToken,
    java.util.List<GateOverride> overrides,
    Optional<Integer> templateRevision) {

  /** A deployment that went past no gate, made from no recorded template revision. */
  public Deployment(
      String id,
      String app,
      String environment,
      Tier tier,
      DeploymentAction action,
      Optional<String> version,
      Optional<String> digest,
      DeploymentStatus status,
      Optional<String> reason,
      Optional<Plan> plan,
      Map<String, String> outputs,
      String requestedBy,
      String origin,
      String requestHash,
      int attempts,
      Instant requestedAt,
      Optional<Instant> startedAt,
      Optional<Instant> finishedAt,
      Optional<String> callbackToken) {
    this(
        id,
        app,
        environment,
        tier,
        action,
        version,
        digest,
        status,
        reason,
        plan,
        outputs,
        requestedBy,
        origin,
        requestHash,
        attempts,
        requestedAt,
        startedAt,
        finishedAt,
        callbackToken,
        java.util.List.of(),
        Optional.empty());
  }

  /** A deployment no workflow waits for. */
  public Deployment(
      String id,
      String app,
      String environment,
      Tier tier,
      DeploymentAction action,
      Optional<String> version,
      Optional<String> digest,
      DeploymentStatus status,
      Optional<String> reason,
      Optional<Plan> plan,
      Map<String, String> outputs,
      String requestedBy,
      String origin,
      String requestHash,
      int attempts,
      Instant requestedAt,
      Optional<Instant> startedAt,
      Optional<Instant> finishedAt) {
    this(
        id,
        app,
        environment,
        tier,
        action,
        version,
        digest,
        status,
        reason,
        plan,
        outputs,
        requestedBy,
        origin,
        requestHash,
        attempts,
        requestedAt,
        startedAt,
        finishedAt,
        Optional.empty());
  }

  /**
   * Where requests come from: the API, a promotion ({@code promotion:{id}}), a rollback or the
   * reaper.
   */
  public static final String ORIGIN_API = "api";

  public static final String ORIGIN_ROLLBACK = "rollback";

  /** The scheduled reaper of expired ephemeral environments. */
  public static final String ORIGIN_REAPER = "reaper";

  public boolean isRollback() {
    return origin.startsWith(ORIGIN_ROLLBACK);
  }

  private static final DateTimeFormatter ORDER_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public Deployment {
    outputs = java.util.Collections.unmodifiableMap(new TreeMap<>(outputs));
    overrides = java.util.List.copyOf(overrides);
    java.util.Objects.requireNonNull(templateRevision, "templateRevision");
  }

  /** This deployment with {@code override} recorded (before it is first written). */
  public Deployment overriding(GateOverride override) {
    java.util.List<GateOverride> more = new java.util.ArrayList<>(overrides);
    more.add(override);
    return new Deployment(
        id,
        app,
        environment,
        tier,
        action,
        version,
        digest,
        status,
        reason,
        plan,
        outputs,
        requestedBy,
        origin,
        requestHash,
        attempts,
        requestedAt,
        startedAt,
        finishedAt,
        callbackToken,
        more,
        templateRevision);
  }

  /**
   * This deployment's place in its environment's history: request time (fixed width, so that text
   * order is time order) and id. Newest first is this, descending.
   */
  public String order() {
    return ORDER_TIME.format(requestedAt) + "#" + id;
  }

  public boolean isTerminal() {
    return status.isTerminal();
  }

  public Deployment provisioning(Instant at) {
    return with(
        DeploymentStatus.PROVISIONING,
        Optional.empty(),
        plan,
        outputs,
        attempts,
        Optional.of(at),
        Optional.empty());
  }

  public Deployment succeeded(Plan plan, Map<String, String> outputs, Instant at) {
    return with(
        DeploymentStatus.SUCCEEDED,
        Optional.empty(),
        Optional.of(plan),
        outputs,
        attempts,
        startedAt.or(() -> Optional.of(at)),
        Optional.of(at));
  }

  public Deployment failed(String reason, Optional<Plan> plan, Instant at) {
    return with(
        DeploymentStatus.FAILED,
        Optional.of(reason),
        plan,
        Map.of(),
        attempts,
        startedAt.or(() -> Optional.of(at)),
        Optional.of(at));
  }

  public Deployment superseded(String byDeployment, Instant at) {
    return with(
        DeploymentStatus.SUPERSEDED,
        Optional.of("superseded by " + byDeployment),
        plan,
        Map.of(),
        attempts,
        startedAt,
        Optional.of(at));
  }

  /** Back to {@code requested} after a technical error, to be tried again. */
  public Deployment retrying(String reason) {
    return with(
        DeploymentStatus.REQUESTED,
        Optional.of(reason),
        plan,
        Map.of(),
        attempts + 1,
        Optional.empty(),
        Optional.empty());
  }

  /** The same deployment with one more technical error counted. */
  public Deployment attempted() {
    return with(status, reason, plan, outputs, attempts + 1, startedAt, finishedAt);
  }

  private Deployment with(
      DeploymentStatus status,
      Optional<String> reason,
      Optional<Plan> plan,
      Map<String, String> outputs,
      int attempts,
      Optional<Instant> startedAt,
      Optional<Instant> finishedAt) {
    return new Deployment(
        id,
        app,
        environment,
        tier,
        action,
        version,
        digest,
        status,
        reason,
        plan,
        outputs,
        requestedBy,
        origin,
        requestHash,
        attempts,
        requestedAt,
        startedAt,
        finishedAt,
        callbackToken,
        overrides,
        templateRevision);
  }

  /** This deployment made from template revision {@code revision}. */
  public Deployment withTemplateRevision(int revision) {
    return new Deployment(
        id,
        app,
        environment,
        tier,
        action,
        version,
        digest,
        status,
        reason,
        plan,
        outputs,
        requestedBy,
        origin,
        requestHash,
        attempts,
        requestedAt,
        startedAt,
        finishedAt,
        callbackToken,
        overrides,
        Optional.of(revision));
  }
}
