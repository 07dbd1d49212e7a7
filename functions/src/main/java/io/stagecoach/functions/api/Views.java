package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.ApiToken;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.BranchRule;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.RepositoryMapping;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.domain.template.TemplateRevision;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.DriftJson;
import io.stagecoach.functions.support.Json;
import java.util.Optional;
import java.util.function.Function;

/** The JSON shapes the API answers with (documented in openapi.json). */
final class Views {

  private Views() {}

  static ObjectNode app(App app) {
    ObjectNode o = Json.object();
    o.put("name", app.name());
    o.put("description", app.description());
    ArrayNode pipeline = o.putArray("pipeline");
    for (Stage stage : app.pipeline()) {
      ObjectNode st = pipeline.addObject().put("environment", stage.environment());
      stage
          .approval()
          .ifPresent(
              ap -> {
                ObjectNode approval = st.putObject("approval");
                ArrayNode groups = approval.putArray("groups");
                ap.groups()
                    .forEach(
                        q ->
                            groups
                                .addObject()
                                .put("group", q.group())
                                .put("min", q.minApprovers()));
                if (ap.timeout().toSecondsPart() == 0) {
                  approval.put("timeoutMinutes", ap.timeout().toMinutes());
                } else {
                  approval.put("timeoutSeconds", ap.timeout().toSeconds());
                }
              });
      stage
          .window()
          .ifPresent(
              w -> {
                ObjectNode window = st.putObject("window");
                ArrayNode days = window.putArray("days");
                w.days()
                    .forEach(
                        d -> days.add(d.name().substring(0, 3).toLowerCase(java.util.Locale.ROOT)));
                window
                    .put("start", w.start().toString())
                    .put("end", w.end().toString())
                    .put("timeZone", w.zone().getId());
              });
      stage
          .verification()
          .ifPresent(
              v ->
                  st.putObject("verification")
                      .put("urlOutput", v.urlOutput())
                      .put("path", v.path())
                      .put("attempts", v.attempts())
                      .put("intervalSeconds", v.interval().toSeconds()));
      if (!stage.soak().isZero()) {
        st.put("soakSeconds", stage.soak().toSeconds());
      }
      if (!stage.maxWait().equals(Stage.DEFAULT_MAX_WAIT)) {
        st.put("maxWaitHours", stage.maxWait().toHours());
      }
      if (stage.blockOnDrift()) {
        st.put("blockOnDrift", true);
      }
    }
    o.put("concurrency", app.concurrency().wireName());
    ArrayNode allowed = o.putArray("allowedEnvironments");
    app.allowedEnvironments().stream().sorted().forEach(allowed::add);
    app.template()
        .ifPresent(
            t -> {
              ObjectNode template = o.putObject("template");
              t.url().ifPresent(u -> template.put("url", u));
              t.body()
                  .ifPresent(
                      b -> {
                        try {
                          template.set("body", Json.parse(b));
                        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                          template.put("body", b);
                        }
                      });
            });
    app.templateRevision().ifPresent(r -> o.put("templateRevision", r.number()));
    app.repository().ifPresent(mapping -> o.set("repository", repository(mapping)));
    ObjectNode ephemeral =
        o.putObject("ephemeral")
            .put("maxLifetimeDays", app.ephemeral().maxLifetimeDays())
            .put("defaultTtlHours", app.ephemeral().defaultTtlHours())
            .put("renewOnDeploy", app.ephemeral().renewOnDeploy());
    app.ephemeral().defaultOwner().ifPresent(owner -> ephemeral.put("defaultOwner", owner));
    o.putObject("freeze").put("allowRollback", app.freeze().allowRollback());
    ArrayNode perEnvironment = o.putArray("perEnvironmentConfig");
    app.perEnvironmentConfig().forEach(perEnvironment::add);
    app.driftCheckHours().ifPresent(h -> o.put("driftCheckHours", h));
    o.put("createdAt", app.createdAt().toString());
    o.put("createdBy", app.createdBy());
    o.put("updatedAt", app.updatedAt().toString());
    o.put("revision", app.revision());
    return o;
  }

  static ObjectNode environment(Environment env) {
    ObjectNode o = Json.object();
    o.put("app", env.app());
    o.put("name", env.name());
    o.put("kind", env.kind().wireName());
    o.put("tier", env.tier().wireName());
    o.put("account", env.account());
    o.put("region", env.region());
    ObjectNode config = o.putObject("config");
    env.config().forEach(config::put);
    ObjectNode secrets = o.putObject("secrets");
    env.secrets().forEach((k, v) -> secrets.put(k, v.reference()));
    ObjectNode rotation = o.putObject("secretRotation");
    env.secrets().forEach((k, v) -> rotation.set(k, secretRotation(env, k, v)));
    ObjectNode usage = o.putObject("usage");
    env.usage().declared().forEach(usage::put);
    o.put("protected", env.isProtected());
    o.put("owner", env.owner());
    env.expiresAt().ifPresent(at -> o.put("expiresAt", at.toString()));
    env.freeze()
        .ifPresent(
            f ->
                o.putObject("frozen")
                    .put("reason", f.reason())
                    .put("by", f.by())
                    .put("at", f.at().toString()));
    env.pin()
        .ifPresent(
            p ->
                o.putObject("pinned")
                    .put("reason", p.reason())
                    .put("by", p.by())
                    .put("at", p.at().toString()));
    env.dns()
        .ifPresent(
            dns -> {
              ObjectNode d = o.putObject("dns").put("hostname", dns.hostname());
              dns.hostedZoneId().ifPresent(z -> d.put("hostedZoneId", z));
              dns.certificateArn().ifPresent(c -> d.put("certificateArn", c));
              d.put("endpointType", dns.endpointType().wireName());
            });
    // What runs there, in one read: release, template revision, outputs, resources, who and when.
    env.deployed()
        .ifPresent(
            d -> {
              o.put("deployedVersion", d.version());
              o.put("deployedDigest", d.digest());
              o.put("deployedBy", d.deploymentId());
              o.put("deployedAt", d.deployedAt().toString());
              d.templateRevision().ifPresent(r -> o.put("deployedTemplateRevision", r));
              d.requestedBy().ifPresent(p -> o.put("deployedRequestedBy", p));
              ObjectNode outputs = o.putObject("outputs");
              d.outputs().forEach(outputs::put);
              ArrayNode resources = o.putArray("resources");
              for (StackResource r : d.resources()) {
                ObjectNode item =
                    resources.addObject().put("logicalId", r.logicalId()).put("type", r.type());
                r.physicalId().ifPresent(p -> item.put("physicalId", p));
              }
            });
    o.set("drift", DriftJson.drift(env.drift()));
    o.put("createdAt", env.createdAt().toString());
    o.put("createdBy", env.createdBy());
    o.put("updatedAt", env.updatedAt().toString());
    o.put("revision", env.revision());
    return o;
  }

  /**
   * How a secret rotates, as the provisioner read it at the last successful deployment: {@code
   * status} {@code enabled} or {@code disabled} (with {@code days}, {@code lastRotatedAt}, {@code
   * nextRotationAt} when known, and {@code checkedAt}), {@code unknown} with a {@code reason}, or
   * {@code not_applicable} for an SSM parameter. Never the secret's value.
   */
  static ObjectNode secretRotation(Environment env, String key, SecretReference reference) {
    ObjectNode o = Json.object();
    if (!reference.isSecretsManagerSecret()) {
      return o.put("status", "not_applicable").put("reason", "SSM parameters do not rotate");
    }
    Optional<SecretRotation> read = env.deployed().flatMap(d -> d.rotationOf(key, reference));
    if (read.isEmpty()) {
      return o.put("status", "unknown")
          .put(
              "reason", "not read yet: it is read at the environment's next successful deployment");
    }
    switch (read.get()) {
      case SecretRotation.Read r -> {
        o.put("status", r.settings().enabled() ? "enabled" : "disabled");
        r.settings().days().ifPresent(d -> o.put("days", d));
        r.settings().lastRotatedAt().ifPresent(at -> o.put("lastRotatedAt", at.toString()));
        r.settings().nextRotationAt().ifPresent(at -> o.put("nextRotationAt", at.toString()));
      }
      case SecretRotation.Unknown u -> o.put("status", "unknown").put("reason", u.reason());
    }
    return o.put("checkedAt", read.get().checkedAt().toString());
  }

  /**
   * The environment as seen at {@code now}: with its age, and its cost to date ({@code "not
   * estimated"} until Stagecoach estimates costs).
   */
  static ObjectNode environment(Environment env, java.time.Instant now) {
    ObjectNode o = environment(env);
    o.put("age", env.ageAt(now).withNanos(0).toString());
    o.put("costToDate", "not estimated");
    o.put("expired", io.stagecoach.domain.registry.ExpiryPolicy.hasExpired(env, now));
    return o;
  }

  /** The shape {@code Fields.repository} reads. */
  static ObjectNode repository(RepositoryMapping mapping) {
    ObjectNode o = Json.object();
    o.put("name", mapping.repository());
    mapping.artifactUri().ifPresent(u -> o.put("artifactUri", u));
    ArrayNode branches = o.putArray("branches");
    for (BranchRule rule : mapping.rules()) {
      ObjectNode b = branches.addObject().put("pattern", rule.pattern());
      switch (rule.action()) {
        case BranchRule.Pipeline p -> b.put("action", "pipeline");
        case BranchRule.Ephemeral e ->
            b.put("action", "ephemeral").put("ttlHours", e.ttl().toHours());
      }
      b.put(
          "versionFrom",
          rule.action().versionFrom() == BranchRule.VersionFrom.SHORT_COMMIT
              ? "shortCommit"
              : "commit");
    }
    return o;
  }

  static ObjectNode release(Release release) {
    ObjectNode o = Json.object();
    o.put("app", release.app());
    o.put("version", release.version());
    o.put("artifactUri", release.artifactUri());
    o.put("digest", release.digest());
    release.commit().ifPresent(c -> o.put("commit", c));
    release.templateRevision().ifPresent(r -> o.put("templateRevision", r));
    o.put("createdAt", release.createdAt().toString());
    o.put("createdBy", release.createdBy());
    release.intake().ifPresent(i -> o.put("intake", i));
    release.intakeReason().ifPresent(r -> o.put("intakeReason", r));
    return o;
  }

  /**
   * A template revision: its number, digest, where it came from and its size; with {@code body},
   * the pinned template itself (as JSON when it is JSON, else as text).
   */
  static ObjectNode templateRevision(TemplateRevision revision, boolean body) {
    ObjectNode o = Json.object();
    o.put("app", revision.app());
    o.put("revision", revision.number());
    o.put("digest", revision.digest());
    o.put("source", revision.source());
    revision.sourceVersion().ifPresent(v -> o.put("sourceVersion", v));
    o.put("sizeBytes", revision.sizeBytes());
    o.put("createdAt", revision.createdAt().toString());
    o.put("createdBy", revision.createdBy());
    if (body) {
      try {
        o.set("body", Json.parse(revision.body()));
      } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
        o.put("body", revision.body());
      }
    }
    return o;
  }

  /** A token's public description: never its secret nor its hash. */
  static ObjectNode token(ApiToken token) {
    ObjectNode o = Json.object();
    o.put("id", token.id());
    o.put("principal", token.principal());
    ArrayNode roles = o.putArray("roles");
    token.roles().stream().sorted().map(Role::wireName).forEach(roles::add);
    ArrayNode groups = o.putArray("groups");
    token.groups().stream().sorted().forEach(groups::add);
    o.put("description", token.description());
    o.put("createdAt", token.createdAt().toString());
    o.put("createdBy", token.createdBy());
    token.expiresAt().ifPresent(at -> o.put("expiresAt", at.toString()));
    return o;
  }

  static ObjectNode deployment(Deployment deployment) {
    return DeploymentJson.deployment(deployment);
  }

  static <T> ObjectNode page(Page<T> page, Function<T, ObjectNode> view) {
    ObjectNode o = Json.object();
    ArrayNode items = o.putArray("items");
    page.items().forEach(item -> items.add(view.apply(item)));
    page.nextCursor().ifPresent(c -> o.put("nextCursor", c));
    return o;
  }
}
