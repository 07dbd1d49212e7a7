package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.override.FreezePolicy;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.pipeline.DeploymentWindow;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.pipeline.Verification;
import io.stagecoach.domain.registry.BranchRule;
import io.stagecoach.domain.registry.EphemeralPolicy;
import io.stagecoach.domain.registry.RepositoryMapping;
import io.stagecoach.domain.template.DnsSpec;
import io.stagecoach.domain.template.EnvironmentTemplate;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads from a JSON request body that collect every type error instead of stopping at the
 * first, and report the fields the route does not know (a typo like {@code "teir"} is refused, not
 * ignored).
 */
final class Fields {

  private final ObjectNode body;
  private final Set<String> known = new HashSet<>();
  private final List<FieldError> errors = new ArrayList<>();

  Fields(ObjectNode body) {
    this.body = body;
  }

  Optional<String> string(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      wrongType(name, "a string", node);
      return Optional.empty();
    }
    return Optional.of(node.textValue());
  }

  /**
   * A required string; an absent one is reported as {@code is required} and read as {@code null}.
   */
  String requiredString(String name) {
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      known.add(name);
      errors.add(new FieldError(name, "is required"));
      return null;
    }
    return string(name).orElse(null);
  }

  /** Whether the body names {@code name} (with a value other than null). */
  boolean has(String name) {
    JsonNode node = body.get(name);
    return node != null && !node.isNull();
  }

  Optional<Boolean> bool(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      wrongType(name, "true or false", node);
      return Optional.empty();
    }
    return Optional.of(node.booleanValue());
  }

  Optional<Integer> integer(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      wrongType(name, "a whole number", node);
      return Optional.empty();
    }
    return Optional.of(node.intValue());
  }

  Optional<Long> longValue(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      wrongType(name, "a whole number", node);
      return Optional.empty();
    }
    return Optional.of(node.longValue());
  }

  Optional<Instant> instant(String name) {
    Optional<String> text = string(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text.get()));
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2026-12-01T18:00:00Z"));
      return Optional.empty();
    }
  }

  List<String> strings(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      wrongType(name, "an array of strings", node);
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (item.isTextual()) {
        values.add(item.textValue());
      } else {
        wrongType(name + "[" + i + "]", "a string", item);
      }
    }
    return values;
  }

  Map<String, String> stringMap(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Map.of();
    }
    if (!node.isObject()) {
      wrongType(name, "an object of strings", node);
      return Map.of();
    }
    Map<String, String> values = new LinkedHashMap<>();
    node.properties()
        .forEach(
            e -> {
              if (e.getValue().isTextual()) {
                values.put(e.getKey(), e.getValue().textValue());
              } else {
                wrongType(name + "." + e.getKey(), "a string", e.getValue());
              }
            });
    return values;
  }

  /**
   * An object of numbers ({@code {"requestsPerMonth": 1000000}}), absent when the field is; a value
   * of another type is reported at {@code name.key}.
   */
  Optional<Map<String, BigDecimal>> numberMap(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      wrongType(name, "an object of numbers", node);
      return Optional.empty();
    }
    Map<String, BigDecimal> values = new LinkedHashMap<>();
    node.properties()
        .forEach(
            e -> {
              JsonNode v = e.getValue();
              // A literal past a double's range (1e400) reads as infinity: not a number here.
              if (v.isNumber() && (v.isBigDecimal() || Double.isFinite(v.doubleValue()))) {
                values.put(e.getKey(), v.decimalValue());
              } else {
                wrongType(name + "." + e.getKey(), "a number", e.getValue());
              }
            });
    return Optional.of(values);
  }

  /**
   * An environment template: {@code {"body": <template as a JSON object or string>}} or {@code
   * {"url": "s3://..."}}. A body given as an object is kept as its JSON text.
   */
  Optional<EnvironmentTemplate> template(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      wrongType(name, "an object with body or url", node);
      return Optional.empty();
    }
    Optional<String> bodyText = Optional.empty();
    Optional<String> url = Optional.empty();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      switch (e.getKey()) {
        case "body" -> {
          if (e.getValue().isObject()) {
            bodyText = Optional.of(e.getValue().toString());
          } else if (e.getValue().isTextual()) {
            bodyText = Optional.of(e.getValue().textValue());
          } else {
            wrongType(name + ".body", "a JSON object or a string", e.getValue());
          }
        }
        case "url" -> {
          if (e.getValue().isTextual()) {
            url = Optional.of(e.getValue().textValue());
          } else {
            wrongType(name + ".url", "a string", e.getValue());
          }
        }
        default -> errors.add(new FieldError(name + "." + e.getKey(), "is not a known field"));
      }
    }
    if (bodyText.isEmpty() && url.isEmpty()) {
      errors.add(
          new FieldError(
              name, "give body (an inline CloudFormation template) or url (its S3 location)"));
      return Optional.empty();
    }
    return Optional.of(new EnvironmentTemplate(bodyText, url));
  }

  /**
   * The pipeline: each stage a name, or an object {@code {"environment", "approval": {"groups":
   * [{"group", "min"}], "timeoutMinutes"}, "window": {"days": ["mon", ...], "start": "09:00",
   * "end": "17:00", "timeZone"}, "verification": {"urlOutput", "path", "attempts",
   * "intervalSeconds"}, "soakSeconds", "maxWaitHours", "blockOnDrift"}}.
   */
  List<Stage> stages(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      wrongType(name, "an array", node);
      return List.of();
    }
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String at = name + "[" + i + "]";
      if (item.isTextual()) {
        stages.add(new Stage(item.textValue()));
      } else if (item.isObject()) {
        Fields stage = new Fields((ObjectNode) item);
        String environment = stage.requiredString("environment");
        Optional<ApprovalPolicy> approval =
            stage.object(
                "approval",
                a -> {
                  List<ApprovalPolicy.GroupQuorum> groups = new ArrayList<>();
                  JsonNode list = a.field("groups");
                  if (list == null || !list.isArray()) {
                    a.errors.add(
                        new FieldError(
                            "groups", "is required: [{\"group\": \"staff\", \"min\": 1}]"));
                  } else {
                    for (int g = 0; g < list.size(); g++) {
                      String seat = "groups[" + g + "]";
                      if (!list.get(g).isObject()) {
                        a.errors.add(new FieldError(seat, "must be an object with group and min"));
                        continue;
                      }
                      Fields q = new Fields((ObjectNode) list.get(g));
                      String group = q.requiredString("group");
                      int min = q.integer("min").orElse(1);
                      q.errors()
                          .forEach(
                              e ->
                                  a.errors.add(
                                      new FieldError(seat + "." + e.field(), e.message())));
                      groups.add(new ApprovalPolicy.GroupQuorum(group, min));
                    }
                  }
                  // Minutes as people think of it; seconds for short ones (tests, demos).
                  Optional<Integer> seconds = a.integer("timeoutSeconds");
                  int minutes =
                      a.integer("timeoutMinutes")
                          .orElse((int) ApprovalPolicy.DEFAULT_TIMEOUT.toMinutes());
                  return new ApprovalPolicy(
                      groups, seconds.map(Duration::ofSeconds).orElse(Duration.ofMinutes(minutes)));
                });
        Optional<DeploymentWindow> window =
            stage
                .<Optional<DeploymentWindow>>object(
                    "window",
                    w -> {
                      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
                      for (String d : w.strings("days")) {
                        Optional<DayOfWeek> day = dayOf(d);
                        if (day.isEmpty()) {
                          w.errors.add(
                              new FieldError(
                                  "days",
                                  "'" + d + "' is not a day (mon, tue, wed, thu, fri, sat, sun)"));
                        } else {
                          days.add(day.get());
                        }
                      }
                      Optional<LocalTime> start = w.time("start");
                      Optional<LocalTime> end = w.time("end");
                      String zoneName = w.string("timeZone").orElse("UTC");
                      ZoneId zone;
                      try {
                        zone = ZoneId.of(zoneName);
                      } catch (java.time.DateTimeException e) {
                        w.errors.add(
                            new FieldError(
                                "timeZone",
                                "'" + zoneName + "' is not a time zone such as Europe/London"));
                        return Optional.<DeploymentWindow>empty();
                      }
                      if (start.isEmpty() || end.isEmpty()) {
                        w.errors.add(
                            new FieldError("start", "start and end are required, as HH:mm"));
                        return Optional.<DeploymentWindow>empty();
                      }
                      return Optional.of(new DeploymentWindow(days, start.get(), end.get(), zone));
                    })
                .flatMap(o -> o);
        Optional<Verification> verification =
            stage.object(
                "verification",
                v ->
                    new Verification(
                        v.requiredString("urlOutput"),
                        v.string("path").orElse("/"),
                        v.integer("attempts").orElse(3),
                        Duration.ofSeconds(v.integer("intervalSeconds").orElse(2))));
        int soak = stage.integer("soakSeconds").orElse(0);
        Duration maxWait =
            stage
                .integer("maxWaitHours")
                .<Duration>map(Duration::ofHours)
                .orElse(Stage.DEFAULT_MAX_WAIT);
        boolean blockOnDrift = stage.bool("blockOnDrift").orElse(false);
        stage.errors().forEach(e -> errors.add(new FieldError(at + "." + e.field(), e.message())));
        stages.add(
            new Stage(
                environment,
                approval,
                window,
                verification,
                Duration.ofSeconds(soak),
                maxWait,
                blockOnDrift));
      } else {
        wrongType(at, "a string or an object", item);
      }
    }
    return stages;
  }

  /**
   * The CodeCommit repository {@code app} is built from: {@code {"name", "artifactUri", "branches":
   * [{"pattern", "action": "pipeline" | "ephemeral", "ttlHours" (ephemeral only), "versionFrom":
   * "commit" | "shortCommit"}]}}. Only the shape is read here; the rules are the domain's ({@link
   * RepositoryMapping#problems()}).
   */
  Optional<RepositoryMapping> repository(String name, String app) {
    return object(
        name,
        r -> {
          String repository = r.requiredString("name");
          Optional<String> artifactUri = r.string("artifactUri");
          List<BranchRule> rules = new ArrayList<>();
          JsonNode list = r.field("branches");
          if (list == null) {
            r.errors.add(
                new FieldError(
                    "branches",
                    "is required: [{\"pattern\": \"main\", \"action\": \"pipeline\"}]"));
          } else if (!list.isArray()) {
            r.wrongType("branches", "an array", list);
          } else {
            for (int i = 0; i < list.size(); i++) {
              String at = "branches[" + i + "]";
              if (!list.get(i).isObject()) {
                r.wrongType(at, "an object", list.get(i));
                continue;
              }
              Fields branch = new Fields((ObjectNode) list.get(i));
              rules.add(branchRule(branch));
              branch
                  .errors()
                  .forEach(e -> r.errors.add(new FieldError(at + "." + e.field(), e.message())));
            }
          }
          return new RepositoryMapping(app, repository, rules, artifactUri);
        });
  }

  private static BranchRule branchRule(Fields branch) {
    String pattern = branch.requiredString("pattern");
    String action = branch.requiredString("action");
    Optional<String> versionText = branch.string("versionFrom");
    Optional<Integer> ttlHours = branch.integer("ttlHours");
    BranchRule.VersionFrom versionFrom = BranchRule.VersionFrom.COMMIT;
    if (versionText.filter(v -> v.equals("shortCommit")).isPresent()) {
      versionFrom = BranchRule.VersionFrom.SHORT_COMMIT;
    } else if (versionText.filter(v -> !v.equals("commit")).isPresent()) {
      branch.errors.add(new FieldError("versionFrom", "must be commit or shortCommit"));
    }
    if (action == null) {
      return new BranchRule(pattern, null);
    }
    switch (action) {
      case "pipeline" -> {
        ttlHours.ifPresent(
            t -> branch.errors.add(new FieldError("ttlHours", "only ephemeral branches expire")));
        return new BranchRule(pattern, new BranchRule.Pipeline(versionFrom));
      }
      case "ephemeral" -> {
        if (ttlHours.isEmpty()) {
          branch.errors.add(
              new FieldError(
                  "ttlHours",
                  "is required for ephemeral branches: how long the environment"
                      + " lives after the last push"));
          return new BranchRule(pattern, null);
        }
        return new BranchRule(
            pattern, new BranchRule.Ephemeral(Duration.ofHours(ttlHours.get()), versionFrom));
      }
      default -> {
        branch.errors.add(new FieldError("action", "must be pipeline or ephemeral"));
        return new BranchRule(pattern, null);
      }
    }
  }

  /**
   * {@code {"maxLifetimeDays": 14, "defaultTtlHours": 72, "renewOnDeploy": true, "defaultOwner":
   * "platform-team"}}: how an app's ephemeral environments live; what is left out takes {@link
   * EphemeralPolicy#DEFAULT}'s value (the default TTL at most the lifetime, no default owner). The
   * core checks the bounds.
   */
  EphemeralPolicy ephemeral(String name) {
    EphemeralPolicy usual = EphemeralPolicy.DEFAULT;
    return object(
            name,
            e -> {
              int days = e.integer("maxLifetimeDays").orElse(usual.maxLifetimeDays());
              return new EphemeralPolicy(
                  days,
                  e.integer("defaultTtlHours")
                      .orElse(Math.min(usual.defaultTtlHours(), Math.max(days, 1) * 24)),
                  e.bool("renewOnDeploy").orElse(usual.renewOnDeploy()),
                  e.string("defaultOwner"));
            })
        .orElse(usual);
  }

  /**
   * {@code {"allowRollback": false}}: what a freeze of the app's environments still lets through;
   * left out, {@link FreezePolicy#DEFAULT}'s value.
   */
  FreezePolicy freeze(String name) {
    FreezePolicy usual = FreezePolicy.DEFAULT;
    return object(
            name, f -> new FreezePolicy(f.bool("allowRollback").orElse(usual.allowRollback())))
        .orElse(usual);
  }

  /**
   * An environment's DNS: {@code {"hostname", "hostedZoneId", "certificateArn", "endpointType"}},
   * each a string; their rules are the core's.
   */
  Optional<DnsSpec> dns(String name) {
    return object(
        name,
        d ->
            new DnsSpec(
                d.string("hostname"),
                d.string("hostedZoneId"),
                d.string("certificateArn"),
                d.string("endpointType")));
  }

  /**
   * {@code {"reason": "..."}}: a break-glass asked for with a deploy; the reason is required (its
   * length is the core's rule), empty when the body has no such object.
   */
  Optional<String> breakGlassReason(String name) {
    return object(name, b -> b.requiredString("reason"));
  }

  /** A nested object, read with its own fields; its errors come back prefixed with its name. */
  private <T> Optional<T> object(String name, java.util.function.Function<Fields, T> read) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      wrongType(name, "an object", node);
      return Optional.empty();
    }
    Fields nested = new Fields((ObjectNode) node);
    T value = read.apply(nested);
    nested.errors().forEach(e -> errors.add(new FieldError(name + "." + e.field(), e.message())));
    return Optional.ofNullable(value);
  }

  private Optional<LocalTime> time(String name) {
    Optional<String> text = string(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalTime.parse(text.get()));
    } catch (java.time.format.DateTimeParseException e) {
      errors.add(new FieldError(name, "must be a time of day such as 09:00"));
      return Optional.empty();
    }
  }

  private static Optional<DayOfWeek> dayOf(String text) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().substring(0, 3).equalsIgnoreCase(text) || d.name().equalsIgnoreCase(text)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  void reject(String name, String message) {
    errors.add(new FieldError(name, message));
  }

  /** All errors so far, with every field the route never asked for reported as unknown. */
  List<FieldError> errors() {
    List<FieldError> all = new ArrayList<>(errors);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        all.add(new FieldError(name, "is not a known field"));
      }
    }
    return all;
  }

  private JsonNode field(String name) {
    known.add(name);
    JsonNode node = body.get(name);
    return node == null || node.isNull() ? null : node;
  }

  private void wrongType(String name, String expected, JsonNode actual) {
    errors.add(
        new FieldError(name, "must be " + expected + ", not " + describe(actual.getNodeType())));
  }

  private static String describe(JsonNodeType type) {
    return switch (type) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> "null";
    };
  }
}
