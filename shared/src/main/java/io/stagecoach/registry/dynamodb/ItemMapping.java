package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.RegistryKeys.*;

import io.stagecoach.domain.ApiToken;
import io.stagecoach.domain.App;
import io.stagecoach.domain.DeployedRelease;
import io.stagecoach.domain.Environment;
import io.stagecoach.domain.EnvironmentTemplate;
import io.stagecoach.domain.EnvironmentKind;
import io.stagecoach.domain.Release;
import io.stagecoach.domain.Role;
import io.stagecoach.domain.SecretReference;
import io.stagecoach.domain.Stage;
import io.stagecoach.domain.Tier;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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
    item.put("pipeline", AttributeValue.fromL(app.pipeline().stream().map(st -> s(st.environment())).toList()));
    item.put("allowedEnvironments", AttributeValue.fromL(app.allowedEnvironments().stream().map(ItemMapping::s).toList()));
    // Always written (empty map: no template), so that a replace also clears it.
    Map<String, AttributeValue> template = new HashMap<>();
    app.template().ifPresent(t -> {
      t.body().ifPresent(b -> template.put("body", s(b)));
      t.url().ifPresent(u -> template.put("url", s(u)));
    });
    item.put("template", AttributeValue.fromM(template));
    item.put("updatedAt", s(app.updatedAt().toString()));
    item.put(REVISION, n(app.revision()));
    return item;
  }

  static App app(Map<String, AttributeValue> item) {
    return new App(
        str(item, "name"),
        str(item, "description"),
        item.get("pipeline").l().stream().map(v -> new Stage(v.s())).toList(),
        item.get("allowedEnvironments").l().stream().map(AttributeValue::s)
            .collect(Collectors.toCollection(LinkedHashSet::new)),
        template(item.get("template")),
        Instant.parse(str(item, "createdAt")),
        str(item, "createdBy"),
        Instant.parse(str(item, "updatedAt")),
        num(item, REVISION));
  }

  private static Optional<EnvironmentTemplate> template(AttributeValue value) {
    if (value == null || !value.hasM() || value.m().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new EnvironmentTemplate(
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
    item.put("config", AttributeValue.fromM(env.config().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
    item.put("secrets", AttributeValue.fromM(env.secrets().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue().reference())))));
    item.put("protected", AttributeValue.fromBool(env.isProtected()));
    item.put("owner", s(env.owner()));
    env.expiresAt().ifPresent(at -> {
      item.put("expiresAt", s(at.toString()));
      // Sparse index of expiring environments, oldest expiry first, for the reaper.
      item.put(GSI2PK, s(EXPIRING));
      item.put(GSI2SK, s(at + "#" + env.app() + "#" + env.name()));
    });
    // What is deployed is written by the provisioner's run (deployed(...)), never with the description.
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
        item.get("protected").bool(),
        str(item, "owner"),
        optStr(item, "expiresAt").map(Instant::parse),
        optStr(item, "deployedVersion").map(v -> new DeployedRelease(
            v,
            str(item, "deployedDigest"),
            str(item, "deployedBy"),
            str(item, "deployedOrder"),
            Instant.parse(str(item, "deployedAt")))),
        Instant.parse(str(item, "createdAt")),
        str(item, "createdBy"),
        Instant.parse(str(item, "updatedAt")),
        num(item, REVISION));
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
        optStr(item, "intakeReason"));
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
    item.put("roles", AttributeValue.fromSs(token.roles().stream().map(Role::wireName).sorted().toList()));
    item.put("description", s(token.description()));
    item.put("createdAt", s(token.createdAt().toString()));
    item.put("createdBy", s(token.createdBy()));
    token.expiresAt().ifPresent(at -> {
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
        optStr(item, "expiresAt").map(Instant::parse));
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
      throw new IllegalStateException("registry item " + item.get(PK) + "/" + item.get(SK) + " lacks " + name);
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
