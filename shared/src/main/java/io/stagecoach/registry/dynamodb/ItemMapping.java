package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.RegistryKeys.*;

import io.stagecoach.domain.access.ApiToken;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.cost.UsageAssumptions;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.drift.DriftStatus;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.drift.PropertyDifference;
import io.stagecoach.domain.override.FreezePolicy;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.pipeline.DeploymentWindow;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.pipeline.Verification;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.BranchRule;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentFreeze;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.EnvironmentPin;
import io.stagecoach.domain.registry.EphemeralPolicy;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.RepositoryMapping;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.EnvironmentDns;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.domain.template.TemplateRevision;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Domain records to DynamoDB items and back. Persistence details stay here, out of the domain. */
final class ItemMapping {

  private ItemMapping() {}

  // ------------------------------------------------------------ apps

  static Map<String, AttributeValue> appItem(App app) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(app.name())));
    item.put(SK, s(APP_SK));
    item.put(GSI1PK, s(ALL_APPS));
    item.put(GSI1SK, s(app.name()));
    item.put("type", s("app"));
    item.put("name", s(app.name()));
    item.put("createdAt", s(app.createdAt().toString()));
    item.put("createdBy", s(app.createdBy()));
    item.put(ENVIRONMENT_COUNT, n(0));
    item.putAll(appMutableAttributes(app));
    return item;
  }

  /** The attributes a replace may change (the rest, such as the environment count, are kept). */
  static Map<String, AttributeValue> appMutableAttributes(App app) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("description", s(app.description()));
    item.put(
        "pipeline",
        AttributeValue.fromL(app.pipeline().stream().map(ItemMapping::stageValue).toList()));
    item.put("concurrency", s(app.concurrency().wireName()));
    item.put(
        "allowedEnvironments",
        AttributeValue.fromL(app.allowedEnvironments().stream().map(ItemMapping::s).toList()));
    // Always written (empty map: no template), so that a replace also clears it.
    Map<String, AttributeValue> template = new HashMap<>();
    app.template()
        .ifPresent(
            t -> {
              t.body().ifPresent(b -> template.put("body", s(b)));
              t.url().ifPresent(u -> template.put("url", s(u)));
            });
    item.put("template", AttributeValue.fromM(template));
    Map<String, AttributeValue> ephemeral = new HashMap<>();
    ephemeral.put("maxLifetimeDays", n(app.ephemeral().maxLifetimeDays()));
    ephemeral.put("defaultTtlHours", n(app.ephemeral().defaultTtlHours()));
    ephemeral.put("renewOnDeploy", AttributeValue.fromBool(app.ephemeral().renewOnDeploy()));
    app.ephemeral().defaultOwner().ifPresent(o -> ephemeral.put("defaultOwner", s(o)));
    item.put("ephemeral", AttributeValue.fromM(ephemeral));
    item.put(
        "freezePolicy",
        AttributeValue.fromM(
            Map.of("allowRollback", AttributeValue.fromBool(app.freeze().allowRollback()))));
    if (!app.perEnvironmentConfig().isEmpty()) {
      item.put(
          "perEnvironmentConfig", AttributeValue.fromSs(List.copyOf(app.perEnvironmentConfig())));
    }
    app.driftCheckHours().ifPresent(h -> item.put("driftCheckHours", n(h)));
    item.put("updatedAt", s(app.updatedAt().toString()));
    item.put(REVISION, n(app.revision()));
    app.templateRevision()
        .ifPresent(
            ref -> {
              item.put(TEMPLATE_REVISION, n(ref.number()));
              item.put(TEMPLATE_DIGEST, s(ref.digest()));
            });
    app.repository()
        .ifPresent(
            mapping -> {
              item.put("repository", repositoryValue(mapping));
              // Sparse index of the apps a repository drives, for the push function: a Query, never
              // a Scan.
              item.put(GSI2PK, s(repositoryApps(mapping.repository())));
              item.put(GSI2SK, s(app.name()));
            });
    return item;
  }

  /**
   * What a replace removes: the repository mapping and its index entry, when the app has none any
   * more.
   */
  static List<String> appRemovedAttributes(App app) {
    List<String> removed = new java.util.ArrayList<>();
    if (app.repository().isEmpty()) {
      removed.addAll(List.of("repository", GSI2PK, GSI2SK));
    }
    if (app.templateRevision().isEmpty()) {
      removed.addAll(List.of(TEMPLATE_REVISION, TEMPLATE_DIGEST));
    }
    if (app.perEnvironmentConfig().isEmpty()) {
      removed.add("perEnvironmentConfig");
    }
    if (app.driftCheckHours().isEmpty()) {
      removed.add("driftCheckHours");
    }
    return removed;
  }

  /** The revision an app's template is at (its number and digest), on the app's item. */
  static final String TEMPLATE_REVISION = "templateRevision";

  static final String TEMPLATE_DIGEST = "templateDigest";

  private static AttributeValue repositoryValue(RepositoryMapping mapping) {
    Map<String, AttributeValue> m = new HashMap<>();
    m.put("name", s(mapping.repository()));
    m.put(
        "rules",
        AttributeValue.fromL(
            mapping.rules().stream()
                .map(
                    rule -> {
                      Map<String, AttributeValue> r = new HashMap<>();
                      r.put("pattern", s(rule.pattern()));
                      r.put("versionFrom", s(rule.action().versionFrom().name()));
                      switch (rule.action()) {
                        case BranchRule.Pipeline p -> r.put("action", s("pipeline"));
                        case BranchRule.Ephemeral e -> {
                          r.put("action", s("ephemeral"));
                          r.put("ttlSeconds", n(e.ttl().toSeconds()));
                        }
                      }
                      return AttributeValue.fromM(r);
                    })
                .toList()));
    mapping.artifactUri().ifPresent(u -> m.put("artifactUri", s(u)));
    return AttributeValue.fromM(m);
  }

  private static Optional<RepositoryMapping> repositoryMapping(String app, AttributeValue value) {
    if (value == null || !value.hasM()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> m = value.m();
    List<BranchRule> rules =
        m.get("rules").l().stream()
            .map(
                v -> {
                  Map<String, AttributeValue> r = v.m();
                  BranchRule.VersionFrom versionFrom =
                      BranchRule.VersionFrom.valueOf(r.get("versionFrom").s());
                  BranchRule.Action action =
                      r.get("action").s().equals("ephemeral")
                          ? new BranchRule.Ephemeral(
                              java.time.Duration.ofSeconds(Long.parseLong(r.get("ttlSeconds").n())),
                              versionFrom)
                          : new BranchRule.Pipeline(versionFrom);
                  return new BranchRule(r.get("pattern").s(), action);
                })
            .toList();
    return Optional.of(
        new RepositoryMapping(
            app,
            m.get("name").s(),
            rules,
            Optional.ofNullable(m.get("artifactUri")).map(AttributeValue::s)));
  }

  /** An environment's declared usage; items written before usage existed have none. */
  private static UsageAssumptions usage(Map<String, AttributeValue> item) {
    Map<String, BigDecimal> declared = new HashMap<>();
    AttributeValue usage = item.get("usage");
    if (usage != null && usage.hasM()) {
      usage.m().forEach((k, v) -> declared.put(k, new BigDecimal(v.n())));
    }
    return new UsageAssumptions(declared);
  }

  static App app(Map<String, AttributeValue> item) {
    return new App(
        str(item, "name"),
        str(item, "description"),
        item.get("pipeline").l().stream().map(ItemMapping::stage).toList(),
        item.get("allowedEnvironments").l().stream()
            .map(AttributeValue::s)
            .collect(Collectors.toCollection(LinkedHashSet::new)),
        template(item.get("template")),
        optStr(item, "concurrency")
            .flatMap(PromotionConcurrency::fromWire)
            .orElse(PromotionConcurrency.SUPERSEDE),
        Instant.parse(str(item, "createdAt")),
        str(item, "createdBy"),
        Instant.parse(str(item, "updatedAt")),
        num(item, REVISION),
        repositoryMapping(str(item, "name"), item.get("repository")),
        ephemeralPolicy(item.get("ephemeral")),
        freezePolicy(item.get("freezePolicy")),
        item.containsKey(TEMPLATE_REVISION)
            ? Optional.of(
                new TemplateRevision.Ref(
                    (int) num(item, TEMPLATE_REVISION), str(item, TEMPLATE_DIGEST)))
            : Optional.empty(),
        item.containsKey("perEnvironmentConfig")
            ? Set.copyOf(item.get("perEnvironmentConfig").ss())
            : Set.of(),
        item.containsKey("driftCheckHours")
            ? Optional.of((int) num(item, "driftCheckHours"))
            : Optional.empty());
  }

  // ------------------------------------------------------------ template revisions

  /**
   * A template revision: {@code APP#{app}} / {@code TPL#{number}}. The body is kept gzip-compressed
   * ({@code body}, binary): templates are repetitive JSON, and every deployment reads its revision.
   */
  static Map<String, AttributeValue> templateRevisionItem(TemplateRevision r) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(r.app())));
    item.put(SK, s(templateSk(r.number())));
    item.put("type", s("templateRevision"));
    item.put("app", s(r.app()));
    item.put("number", n(r.number()));
    item.put("digest", s(r.digest()));
    item.put("body", AttributeValue.fromB(SdkBytes.fromByteArray(gzip(r.body()))));
    item.put("bodyBytes", n(r.sizeBytes()));
    r.sourceUrl().ifPresent(u -> item.put("sourceUrl", s(u)));
    r.sourceVersion().ifPresent(v -> item.put("sourceVersion", s(v)));
    item.put("createdAt", s(r.createdAt().toString()));
    item.put("createdBy", s(r.createdBy()));
    return item;
  }

  static TemplateRevision templateRevision(Map<String, AttributeValue> item) {
    return new TemplateRevision(
        str(item, "app"),
        (int) num(item, "number"),
        gunzip(item.get("body").b().asByteArray()),
        str(item, "digest"),
        optStr(item, "sourceUrl"),
        optStr(item, "sourceVersion"),
        Instant.parse(str(item, "createdAt")),
        str(item, "createdBy"));
  }

  private static byte[] gzip(String text) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String gunzip(byte[] compressed) {
    try (java.util.zip.GZIPInputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("a template revision's body is damaged", e);
    }
  }

  /** Apps written before apps chose their freeze policy have none: the default. */
  private static FreezePolicy freezePolicy(AttributeValue value) {
    if (value == null || value.m() == null || value.m().get("allowRollback") == null) {
      return FreezePolicy.DEFAULT;
    }
    return new FreezePolicy(value.m().get("allowRollback").bool());
  }

  /** Apps written before apps chose their ephemeral policy have none: the default. */
  private static EphemeralPolicy ephemeralPolicy(AttributeValue value) {
    if (value == null || value.m() == null || value.m().isEmpty()) {
      return EphemeralPolicy.DEFAULT;
    }
    Map<String, AttributeValue> m = value.m();
    return new EphemeralPolicy(
        Integer.parseInt(m.get("maxLifetimeDays").n()),
        Integer.parseInt(m.get("defaultTtlHours").n()),
        m.get("renewOnDeploy").bool(),
        Optional.ofNullable(m.get("defaultOwner")).map(AttributeValue::s));
  }

  /** A stage: its environment, and its gates when it has any. */
  private static AttributeValue stageValue(Stage st) {
    Map<String, AttributeValue> m = new HashMap<>();
    m.put("environment", s(st.environment()));
    st.approval()
        .ifPresent(
            a ->
                m.put(
                    "approval",
                    AttributeValue.fromM(
                        Map.of(
                            "groups",
                                AttributeValue.fromL(
                                    a.groups().stream()
                                        .map(
                                            q ->
                                                AttributeValue.fromM(
                                                    Map.of(
                                                        "group",
                                                        s(q.group()),
                                                        "min",
                                                        n(q.minApprovers()))))
                                        .toList()),
                            "timeoutSeconds", n(a.timeout().toSeconds())))));
    st.window()
        .ifPresent(
            w ->
                m.put(
                    "window",
                    AttributeValue.fromM(
                        Map.of(
                            "days",
                                AttributeValue.fromL(
                                    w.days().stream().map(d -> s(d.name())).toList()),
                            "start", s(w.start().toString()),
                            "end", s(w.end().toString()),
                            "zone", s(w.zone().getId())))));
    st.verification()
        .ifPresent(
            v ->
                m.put(
                    "verification",
                    AttributeValue.fromM(
                        Map.of(
                            "urlOutput", s(v.urlOutput()),
                            "path", s(v.path()),
                            "attempts", n(v.attempts()),
                            "intervalMillis", n(v.interval().toMillis())))));
    m.put("soakSeconds", n(st.soak().toSeconds()));
    m.put("maxWaitSeconds", n(st.maxWait().toSeconds()));
    if (st.blockOnDrift()) {
      m.put("blockOnDrift", AttributeValue.fromBool(true));
    }
    return AttributeValue.fromM(m);
  }

  private static Stage stage(AttributeValue value) {
    if (value.s() != null) {
      return new Stage(value.s());
    }
    Map<String, AttributeValue> m = value.m();
    Optional<ApprovalPolicy> approval =
        Optional.ofNullable(m.get("approval"))
            .map(
                a ->
                    new ApprovalPolicy(
                        a.m().get("groups").l().stream()
                            .map(
                                q ->
                                    new ApprovalPolicy.GroupQuorum(
                                        q.m().get("group").s(),
                                        Integer.parseInt(q.m().get("min").n())))
                            .toList(),
                        java.time.Duration.ofSeconds(
                            Long.parseLong(a.m().get("timeoutSeconds").n()))));
    Optional<DeploymentWindow> window =
        Optional.ofNullable(m.get("window"))
            .map(
                w ->
                    new DeploymentWindow(
                        w.m().get("days").l().stream()
                            .map(d -> java.time.DayOfWeek.valueOf(d.s()))
                            .collect(
                                Collectors.toCollection(
                                    () -> java.util.EnumSet.noneOf(java.time.DayOfWeek.class))),
                        java.time.LocalTime.parse(w.m().get("start").s()),
                        java.time.LocalTime.parse(w.m().get("end").s()),
                        java.time.ZoneId.of(w.m().get("zone").s())));
    Optional<Verification> verification =
        Optional.ofNullable(m.get("verification"))
            .map(
                v ->
                    new Verification(
                        v.m().get("urlOutput").s(),
                        v.m().get("path").s(),
                        Integer.parseInt(v.m().get("attempts").n()),
                        java.time.Duration.ofMillis(
                            Long.parseLong(v.m().get("intervalMillis").n()))));
    long soak = m.containsKey("soakSeconds") ? Long.parseLong(m.get("soakSeconds").n()) : 0;
    // Stages written before stages bounded their wait for a window: the default.
    java.time.Duration maxWait =
        m.containsKey("maxWaitSeconds")
            ? java.time.Duration.ofSeconds(Long.parseLong(m.get("maxWaitSeconds").n()))
            : Stage.DEFAULT_MAX_WAIT;
    return new Stage(
        m.get("environment").s(),
        approval,
        window,
        verification,
        java.time.Duration.ofSeconds(soak),
        maxWait,
        m.containsKey("blockOnDrift") && Boolean.TRUE.equals(m.get("blockOnDrift").bool()));
  }

  private static Optional<EnvironmentTemplate> template(AttributeValue value) {
    if (value == null || !value.hasM() || value.m().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new EnvironmentTemplate(
            Optional.ofNullable(value.m().get("body")).map(AttributeValue::s),
            Optional.ofNullable(value.m().get("url")).map(AttributeValue::s)));
  }

  // ------------------------------------------------------------ environments

  static Map<String, AttributeValue> environmentItem(Environment env) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(env.app())));
    item.put(SK, s(environmentSk(env.name())));
    item.put("type", s("environment"));
    item.put("app", s(env.app()));
    item.put("name", s(env.name()));
    item.put("kind", s(env.kind().wireName()));
    item.put("tier", s(env.tier().wireName()));
    item.put("account", s(env.account()));
    item.put("region", s(env.region()));
    item.put(
        "config",
        AttributeValue.fromM(
            env.config().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
    item.put(
        "secrets",
        AttributeValue.fromM(
            env.secrets().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue().reference())))));
    // Always written (empty when nothing is declared): a replacing update sets every attribute.
    item.put(
        "usage",
        AttributeValue.fromM(
            env.usage().declared().entrySet().stream()
                .collect(
                    Collectors.toMap(
                        Map.Entry::getKey,
                        e -> AttributeValue.fromN(e.getValue().toPlainString())))));
    item.put("protected", AttributeValue.fromBool(env.isProtected()));
    item.put("owner", s(env.owner()));
    env.expiresAt()
        .ifPresent(
            at -> {
              item.put("expiresAt", s(at.toString()));
              // Sparse index of expiring environments, oldest expiry first, for the reaper.
              item.put(GSI2PK, s(EXPIRING));
              item.put(GSI2SK, s(at + "#" + env.app() + "#" + env.name()));
            });
    env.dns().ifPresent(dns -> item.put("dns", dnsValue(dns)));
    // What is deployed is written by the provisioner's run (deployed(...)), never with the
    // description.
    item.put("createdAt", s(env.createdAt().toString()));
    item.put("createdBy", s(env.createdBy()));
    item.put("updatedAt", s(env.updatedAt().toString()));
    item.put(REVISION, n(env.revision()));
    return item;
  }

  static Environment environment(Map<String, AttributeValue> item) {
    Map<String, String> config = new HashMap<>();
    item.get("config").m().forEach((k, v) -> config.put(k, v.s()));
    Map<String, SecretReference> secrets = new HashMap<>();
    item.get("secrets").m().forEach((k, v) -> secrets.put(k, new SecretReference(v.s())));
    return new Environment(
        str(item, "app"),
        str(item, "name"),
        EnvironmentKind.fromWire(str(item, "kind")).orElseThrow(),
        Tier.fromWire(str(item, "tier")).orElseThrow(),
        str(item, "account"),
        str(item, "region"),
        config,
        secrets,
        usage(item),
        item.get("protected").bool(),
        str(item, "owner"),
        optStr(item, "expiresAt").map(Instant::parse),
        optStr(item, "deployedVersion")
            .map(
                v ->
                    new DeployedRelease(
                        v,
                        str(item, "deployedDigest"),
                        str(item, "deployedBy"),
                        str(item, "deployedOrder"),
                        Instant.parse(str(item, "deployedAt")),
                        Optional.ofNullable(item.get("deployedTemplateRevision"))
                            .map(r -> Integer.parseInt(r.n())),
                        optStr(item, "deployedRequestedBy"),
                        outputs(item.get("outputs")),
                        resources(item.get("resources")),
                        secretRotation(item.get("secretRotation")))),
        optStr(item, "frozenReason")
            .map(
                r ->
                    new EnvironmentFreeze(
                        r, str(item, "frozenBy"), Instant.parse(str(item, "frozenAt")))),
        optStr(item, "pinnedReason")
            .map(
                r ->
                    new EnvironmentPin(
                        r, str(item, "pinnedBy"), Instant.parse(str(item, "pinnedAt")))),
        Instant.parse(str(item, "createdAt")),
        str(item, "createdBy"),
        Instant.parse(str(item, "updatedAt")),
        num(item, REVISION),
        dns(item.get("dns")),
        drift(item.get(DRIFT), item.get(DRIFT_CHECK)));
  }

  // ------------------------------------------------------------ drift

  /** What the environment's last drift check found (written by its provisioner only). */
  static final String DRIFT = "drift";

  /** The drift check under way, if one is: {@code id}, {@code requestedBy}, {@code startedAt}. */
  static final String DRIFT_CHECK = "driftCheck";

  static AttributeValue driftValue(Drift drift) {
    Map<String, AttributeValue> m = new HashMap<>();
    m.put("status", s(drift.status().wireName()));
    drift.checkedAt().ifPresent(at -> m.put("checkedAt", s(at.toString())));
    m.put(
        "resources",
        AttributeValue.fromL(
            drift.resources().stream()
                .map(
                    r ->
                        AttributeValue.fromM(
                            Map.of(
                                "logicalId", s(r.logicalId()),
                                "type", s(r.type()),
                                "difference", s(r.difference().wireName()),
                                "properties",
                                    AttributeValue.fromL(
                                        r.properties().stream()
                                            .map(ItemMapping::propertyDifferenceValue)
                                            .toList()))))
                .toList()));
    return AttributeValue.fromM(m);
  }

  private static AttributeValue propertyDifferenceValue(PropertyDifference p) {
    Map<String, AttributeValue> m = new HashMap<>();
    m.put("path", s(p.path()));
    p.expected().ifPresent(v -> m.put("expected", s(v)));
    p.actual().ifPresent(v -> m.put("actual", s(v)));
    return AttributeValue.fromM(m);
  }

  static AttributeValue driftCheckValue(DriftCheck check) {
    return AttributeValue.fromM(
        Map.of(
            "id", s(check.id()),
            "requestedBy", s(check.requestedBy()),
            "startedAt", s(check.startedAt().toString())));
  }

  /** Environments never checked (and those written before drift was recorded): unknown. */
  private static Drift drift(AttributeValue value, AttributeValue check) {
    Optional<DriftCheck> checking =
        check == null || !check.hasM()
            ? Optional.empty()
            : Optional.of(
                new DriftCheck(
                    check.m().get("id").s(),
                    check.m().get("requestedBy").s(),
                    Instant.parse(check.m().get("startedAt").s())));
    if (value == null || !value.hasM()) {
      return new Drift(DriftStatus.UNKNOWN, Optional.empty(), List.of(), checking);
    }
    Map<String, AttributeValue> m = value.m();
    List<DriftedResource> resources = new ArrayList<>();
    for (AttributeValue r : m.get("resources").l()) {
      Map<String, AttributeValue> rm = r.m();
      resources.add(
          new DriftedResource(
              rm.get("logicalId").s(),
              rm.get("type").s(),
              DriftedResource.Difference.fromWire(rm.get("difference").s()).orElseThrow(),
              rm.get("properties").l().stream()
                  .map(
                      p ->
                          new PropertyDifference(
                              p.m().get("path").s(),
                              Optional.ofNullable(p.m().get("expected")).map(AttributeValue::s),
                              Optional.ofNullable(p.m().get("actual")).map(AttributeValue::s)))
                  .toList()));
    }
    return new Drift(
        DriftStatus.fromWire(m.get("status").s()).orElseThrow(),
        Optional.ofNullable(m.get("checkedAt")).map(a -> Instant.parse(a.s())),
        resources,
        checking);
  }

  private static AttributeValue dnsValue(EnvironmentDns dns) {
    Map<String, AttributeValue> m = new HashMap<>();
    m.put("hostname", s(dns.hostname()));
    dns.hostedZoneId().ifPresent(z -> m.put("hostedZoneId", s(z)));
    dns.certificateArn().ifPresent(c -> m.put("certificateArn", s(c)));
    m.put("endpointType", s(dns.endpointType().name()));
    return AttributeValue.fromM(m);
  }

  private static Optional<EnvironmentDns> dns(AttributeValue value) {
    if (value == null || !value.hasM()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> m = value.m();
    return Optional.of(
        new EnvironmentDns(
            m.get("hostname").s(),
            Optional.ofNullable(m.get("hostedZoneId")).map(AttributeValue::s),
            Optional.ofNullable(m.get("certificateArn")).map(AttributeValue::s),
            EnvironmentDns.EndpointType.valueOf(m.get("endpointType").s())));
  }

  /** A stack's outputs, as the environment's item keeps those of its last deployment. */
  static AttributeValue outputsValue(Map<String, String> outputs) {
    Map<String, AttributeValue> m = new HashMap<>();
    outputs.forEach((k, v) -> m.put(k, s(v)));
    return AttributeValue.fromM(m);
  }

  private static Map<String, String> outputs(AttributeValue value) {
    Map<String, String> outputs = new HashMap<>();
    if (value != null && value.hasM()) {
      value.m().forEach((k, v) -> outputs.put(k, v.s()));
    }
    return outputs;
  }

  /** A stack's resources: {@code logicalId}, {@code type} and (when made) {@code physicalId}. */
  static AttributeValue resourcesValue(List<StackResource> resources) {
    return AttributeValue.fromL(
        resources.stream()
            .map(
                r -> {
                  Map<String, AttributeValue> m = new HashMap<>();
                  m.put("logicalId", s(r.logicalId()));
                  m.put("type", s(r.type()));
                  r.physicalId().ifPresent(p -> m.put("physicalId", s(p)));
                  return AttributeValue.fromM(m);
                })
            .toList());
  }

  private static List<StackResource> resources(AttributeValue value) {
    if (value == null || !value.hasL()) {
      return List.of();
    }
    return value.l().stream()
        .map(
            v ->
                new StackResource(
                    v.m().get("logicalId").s(),
                    v.m().get("type").s(),
                    Optional.ofNullable(v.m().get("physicalId")).map(AttributeValue::s)))
        .toList();
  }

  /**
   * How each Secrets Manager secret rotates, by key: {@code reference}, {@code checkedAt} and
   * either {@code enabled} (with {@code days}, {@code lastRotatedAt}, {@code nextRotationAt} when
   * known) or the {@code reason} it could not be read.
   */
  static AttributeValue secretRotationValue(Map<String, SecretRotation> rotations) {
    Map<String, AttributeValue> all = new HashMap<>();
    rotations.forEach(
        (key, rotation) -> {
          Map<String, AttributeValue> m = new HashMap<>();
          m.put("reference", s(rotation.reference()));
          m.put("checkedAt", s(rotation.checkedAt().toString()));
          switch (rotation) {
            case SecretRotation.Read read -> {
              m.put("enabled", AttributeValue.fromBool(read.settings().enabled()));
              read.settings().days().ifPresent(d -> m.put("days", n(d)));
              read.settings()
                  .lastRotatedAt()
                  .ifPresent(at -> m.put("lastRotatedAt", s(at.toString())));
              read.settings()
                  .nextRotationAt()
                  .ifPresent(at -> m.put("nextRotationAt", s(at.toString())));
            }
            case SecretRotation.Unknown unknown -> m.put("reason", s(unknown.reason()));
          }
          all.put(key, AttributeValue.fromM(m));
        });
    return AttributeValue.fromM(all);
  }

  private static Map<String, SecretRotation> secretRotation(AttributeValue value) {
    Map<String, SecretRotation> rotations = new HashMap<>();
    if (value == null || !value.hasM()) {
      return rotations;
    }
    value
        .m()
        .forEach(
            (key, v) -> {
              Map<String, AttributeValue> m = v.m();
              String reference = m.get("reference").s();
              Instant checkedAt = Instant.parse(m.get("checkedAt").s());
              rotations.put(
                  key,
                  m.containsKey("reason")
                      ? new SecretRotation.Unknown(reference, m.get("reason").s(), checkedAt)
                      : new SecretRotation.Read(
                          reference,
                          new SecretRotation.Settings(
                              m.get("enabled").bool(),
                              Optional.ofNullable(m.get("days")).map(d -> Integer.parseInt(d.n())),
                              Optional.ofNullable(m.get("lastRotatedAt"))
                                  .map(at -> Instant.parse(at.s())),
                              Optional.ofNullable(m.get("nextRotationAt"))
                                  .map(at -> Instant.parse(at.s()))),
                          checkedAt));
            });
    return rotations;
  }

  // ------------------------------------------------------------ releases

  static Map<String, AttributeValue> releaseItem(Release release) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(release.app())));
    item.put(SK, s(releaseSk(release.version())));
    item.put(GSI1PK, s(releasesByTime(release.app())));
    item.put(GSI1SK, s(release.createdAt() + "#" + release.version()));
    item.put("type", s("release"));
    item.put("app", s(release.app()));
    item.put("version", s(release.version()));
    item.put("artifactUri", s(release.artifactUri()));
    item.put("digest", s(release.digest()));
    release.commit().ifPresent(c -> item.put("commit", s(c)));
    release.templateRevision().ifPresent(r -> item.put(TEMPLATE_REVISION, n(r)));
    item.put("createdAt", s(release.createdAt().toString()));
    item.put("createdBy", s(release.createdBy()));
    return item;
  }

  static Release release(Map<String, AttributeValue> item) {
    return new Release(
        str(item, "app"),
        str(item, "version"),
        str(item, "artifactUri"),
        str(item, "digest"),
        optStr(item, "commit"),
        Instant.parse(str(item, "createdAt")),
        str(item, "createdBy"),
        optStr(item, "intake"),
        optStr(item, "intakeReason"),
        Optional.ofNullable(item.get(TEMPLATE_REVISION)).map(r -> Integer.parseInt(r.n())));
  }

  // ------------------------------------------------------------ tokens

  static Map<String, AttributeValue> tokenItem(ApiToken token) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(tokenPk(token.secretHash())));
    item.put(SK, s(TOKEN_SK));
    item.put(GSI1PK, s(ALL_TOKENS));
    item.put(GSI1SK, s(token.id()));
    item.put("type", s("token"));
    item.put("id", s(token.id()));
    item.put("principal", s(token.principal()));
    item.put(
        "roles",
        AttributeValue.fromSs(token.roles().stream().map(Role::wireName).sorted().toList()));
    if (!token.groups().isEmpty()) {
      item.put("groups", AttributeValue.fromSs(token.groups().stream().sorted().toList()));
    }
    item.put("description", s(token.description()));
    item.put("createdAt", s(token.createdAt().toString()));
    item.put("createdBy", s(token.createdBy()));
    token
        .expiresAt()
        .ifPresent(
            at -> {
              item.put("expiresAt", s(at.toString()));
              item.put(TTL, n(at.getEpochSecond()));
            });
    return item;
  }

  static ApiToken token(Map<String, AttributeValue> item) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    item.get("roles").ss().forEach(r -> Role.fromWire(r).ifPresent(roles::add));
    return new ApiToken(
        str(item, "id"),
        str(item, PK).substring("TOKEN#".length()),
        str(item, "principal"),
        roles,
        str(item, "description"),
        Instant.parse(str(item, "createdAt")),
        str(item, "createdBy"),
        optStr(item, "expiresAt").map(Instant::parse),
        item.containsKey("groups") ? Set.copyOf(item.get("groups").ss()) : Set.of());
  }

  // ------------------------------------------------------------ attribute helpers

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    if (v == null || v.s() == null) {
      throw new IllegalStateException(
          "registry item " + item.get(PK) + "/" + item.get(SK) + " lacks " + name);
    }
    return v.s();
  }

  static Optional<String> optStr(Map<String, AttributeValue> item, String name) {
    return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
  }

  static long num(Map<String, AttributeValue> item, String name) {
    return Long.parseLong(item.get(name).n());
  }

  static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(PK, s(pk), SK, s(sk));
  }

  static List<String> strings(List<AttributeValue> values) {
    return values.stream().map(AttributeValue::s).toList();
  }
}
