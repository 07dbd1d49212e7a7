package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.ApiProblem;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach envs}: an app's environments. */
@Command(
    name = "envs",
    description = "An app's environments.",
    subcommands = {
      EnvsCommand.ListEnvs.class,
      EnvsCommand.GetEnv.class,
      EnvsCommand.PutEnv.class,
      EnvsCommand.UpdateEnv.class,
      EnvsCommand.ProtectEnv.class,
      EnvsCommand.UnprotectEnv.class,
      EnvsCommand.CreateEnv.class,
      EnvsCommand.ExtendEnv.class,
      EnvsCommand.PinEnv.class,
      EnvsCommand.UnpinEnv.class,
      EnvsCommand.DeleteEnv.class
    })
final class EnvsCommand extends CommandGroup {

  static ApiPath path(String app, String env) {
    return ApiPath.of("v1", "apps", app, "environments", env);
  }

  static void print(JsonNode env, Session s) {
    new Details()
        .add("environment", JsonText.text(env, "app") + "/" + JsonText.text(env, "name"))
        .add("kind", JsonText.text(env, "kind"))
        .add("tier", JsonText.text(env, "tier"))
        .add("account", JsonText.text(env, "account"))
        .add("region", JsonText.text(env, "region"))
        .add("protected", JsonText.text(env, "protected"))
        .add("owner", JsonText.text(env, "owner"))
        .add("expires", s.time(env, "expiresAt"))
        .add("dns", dns(env.path("dns")))
        .add("deployed", deployed(env, s))
        .add(
            "template",
            env.has("deployedTemplateRevision")
                ? "revision " + env.path("deployedTemplateRevision").asInt()
                : "")
        .add("outputs", JsonText.map(env.path("outputs")))
        .add("resources", resources(env.path("resources")))
        .add("frozen", frozen(env, s))
        .add("pinned", pinned(env, s))
        .add("age", JsonText.text(env, "age"))
        .add("cost to date", JsonText.text(env, "costToDate"))
        .add("config", JsonText.map(env.path("config")))
        .add("secrets", JsonText.map(env.path("secrets")))
        .add("secret rotation", rotation(env.path("secretRotation"), s))
        .add("usage", JsonText.map(env.path("usage")))
        .add("created", s.when(env, "createdAt", "createdBy"))
        .add("updated", s.time(env, "updatedAt"))
        .add("revision", JsonText.text(env, "revision"))
        .print(s.out());
  }

  /** {@code 1.4.2 (deployment d-0a1b, by alice) at 2025-06-01T10:00:00Z}. */
  static String deployed(JsonNode env, Session s) {
    String version = JsonText.text(env, "deployedVersion");
    if (version.isEmpty()) {
      return "";
    }
    String by = JsonText.text(env, "deployedBy");
    String who = JsonText.text(env, "deployedRequestedBy");
    String at = s.time(env, "deployedAt");
    return version
        + (by.isEmpty() ? "" : " (deployment " + by + (who.isEmpty() ? "" : ", by " + who) + ")")
        + (at.isEmpty() ? "" : at.endsWith(" ago") ? " " + at : " at " + at);
  }

  /**
   * Per secret reference: {@code DB_PASSWORD=enabled, every 30 days, last rotated ..., next ...
   * (checked ...)}, {@code unknown: <reason>} or {@code not applicable (<reason>)}.
   */
  static java.util.Map<String, String> rotation(JsonNode rotations, Session s) {
    java.util.Map<String, String> lines = new java.util.LinkedHashMap<>();
    rotations
        .properties()
        .forEach(
            e -> {
              JsonNode r = e.getValue();
              String status = JsonText.text(r, "status");
              StringBuilder line = new StringBuilder();
              switch (status) {
                case "enabled", "disabled" -> {
                  line.append(status);
                  if (r.has("days")) {
                    line.append(", every ").append(r.path("days").asInt()).append(" days");
                  }
                  if (r.has("lastRotatedAt")) {
                    line.append(", last rotated ").append(s.time(r, "lastRotatedAt"));
                  }
                  if (r.has("nextRotationAt")) {
                    line.append(", next ").append(s.time(r, "nextRotationAt"));
                  }
                }
                case "not_applicable" ->
                    line.append("not applicable (").append(JsonText.text(r, "reason")).append(")");
                default -> line.append(status).append(": ").append(JsonText.text(r, "reason"));
              }
              if (r.has("checkedAt")) {
                line.append(" (checked ").append(s.time(r, "checkedAt")).append(")");
              }
              lines.put(e.getKey(), line.toString());
            });
    return lines;
  }

  /** {@code api.example.com (zone Z0123, certificate arn:..., regional)}, or empty. */
  static String dns(JsonNode dns) {
    if (!dns.isObject()) {
      return "";
    }
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (dns.has("hostedZoneId")) {
      parts.add("zone " + JsonText.text(dns, "hostedZoneId"));
    }
    if (dns.has("certificateArn")) {
      parts.add("certificate " + JsonText.text(dns, "certificateArn"));
    }
    parts.add(JsonText.text(dns, "endpointType"));
    return JsonText.text(dns, "hostname") + " (" + String.join(", ", parts) + ")";
  }

  /** One line per resource: {@code Orders AWS::DynamoDB::Table payments-dev-orders}. */
  static java.util.List<String> resources(JsonNode resources) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    int idWidth = 0;
    int typeWidth = 0;
    for (JsonNode r : resources) {
      idWidth = Math.max(idWidth, JsonText.text(r, "logicalId").length());
      typeWidth = Math.max(typeWidth, JsonText.text(r, "type").length());
    }
    for (JsonNode r : resources) {
      String id = JsonText.text(r, "logicalId");
      String type = JsonText.text(r, "type");
      String physical = JsonText.text(r, "physicalId");
      lines.add(
          (id
                  + " ".repeat(idWidth - id.length() + 2)
                  + type
                  + " ".repeat(typeWidth - type.length() + 2)
                  + (physical.isEmpty() ? "(not made here)" : physical))
              .stripTrailing());
    }
    return lines;
  }

  /** {@code incident 42 (by alice at 2025-06-01T10:00:00Z)}, or empty when it is not frozen. */
  static String frozen(JsonNode env, Session s) {
    JsonNode frozen = env.path("frozen");
    if (!frozen.isObject()) {
      return "";
    }
    String when = s.when(frozen, "at", "by");
    return JsonText.text(frozen, "reason") + (when.isEmpty() ? "" : " (" + when + ")");
  }

  /** {@code sales demo (by alice at ...)}, or empty when it is not pinned. */
  static String pinned(JsonNode env, Session s) {
    JsonNode pinned = env.path("pinned");
    if (!pinned.isObject()) {
      return "";
    }
    String when = s.when(pinned, "at", "by");
    return JsonText.text(pinned, "reason") + (when.isEmpty() ? "" : " (" + when + ")");
  }

  @Command(name = "list", description = "List an app's environments.")
  static final class ListEnvs extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Option(
        names = "--expiring",
        description = "only ephemeral ones that have expired (or expire --within), soonest first")
    boolean expiring;

    @Option(
        names = "--within",
        paramLabel = "DURATION",
        description = "with --expiring: also those expiring within 30m, 24h, 3d")
    String within;

    @Mixin PageOptions page;

    @Override
    int run(Session s) {
      if (within != null && !expiring) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "--within needs --expiring");
      }
      if (expiring) {
        return listExpiring(s);
      }
      JsonNode body = s.list(ApiPath.of("v1", "apps", app, "environments"), page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table =
          new Table("NAME", "KIND", "TIER", "ACCOUNT", "REGION", "PROTECTED", "DEPLOYED", "FROZEN");
      body.path("items")
          .forEach(
              env ->
                  table.row(
                      JsonText.text(env, "name"),
                      JsonText.text(env, "kind"),
                      JsonText.text(env, "tier"),
                      JsonText.text(env, "account"),
                      JsonText.text(env, "region"),
                      env.path("protected").asBoolean() ? "yes" : "no",
                      Display.version(JsonText.text(env, "deployedVersion")),
                      env.path("frozen").isObject() ? "yes" : ""));
      table.print(s.out(), "no environments in " + app);
      return ExitCode.OK;
    }

    private int listExpiring(Session s) {
      JsonNode body =
          s.list(
              ApiPath.of("v1", "environments", "expiring")
                  .query("app", app)
                  .query("within", within),
              page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table = new Table("NAME", "OWNER", "EXPIRES", "EXPIRED", "AGE", "PINNED");
      body.path("items")
          .forEach(
              env ->
                  table.row(
                      JsonText.text(env, "name"),
                      JsonText.text(env, "owner"),
                      s.time(env, "expiresAt"),
                      env.path("expired").asBoolean() ? "yes" : "",
                      JsonText.text(env, "age"),
                      pinned(env, s)));
      table.print(s.out(), "no expiring environments in " + app);
      return ExitCode.OK;
    }
  }

  @Command(name = "get", description = "Show an environment.")
  static final class GetEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Override
    int run(Session s) {
      s.print(s.api().get(path(app, env)), body -> print(body, s));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "put",
      description = {
        "Create an environment or replace its settings.",
        "Fields not given take the API's defaults (prod environments are protected unless --no-protected);",
        "an existing environment's config or secrets are never dropped unsaid: leaving them out is refused"
            + " (exit 3). To change some settings only, use 'envs update'."
      })
  static final class PutEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        description = "pipeline (default), personal or ephemeral")
    String kind;

    @Option(names = "--tier", paramLabel = "TIER", description = "dev, staging or prod")
    String tier;

    @Option(names = "--account", paramLabel = "ID", description = "the 12-digit AWS account")
    String account;

    @Option(names = "--region", paramLabel = "REGION", description = "e.g. eu-west-1")
    String region;

    @Option(
        names = "--config",
        paramLabel = "KEY=VALUE",
        description = "a configuration value (repeatable)")
    Map<String, String> config = new LinkedHashMap<>();

    @Option(
        names = "--secret",
        paramLabel = "KEY=ARN",
        description =
            "a secret's reference: a Secrets Manager or SSM parameter ARN, or ssm:/path (repeatable)")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Option(
        names = "--protected",
        negatable = true,
        description = "refuse destroying it (default: prod only)")
    Boolean protectedEnvironment;

    @Option(names = "--owner", paramLabel = "PRINCIPAL")
    String owner;

    @Option(
        names = "--expires-at",
        paramLabel = "INSTANT",
        description = "for ephemeral ones, e.g. 2025-07-01T00:00:00Z")
    String expiresAt;

    @Option(
        names = "--dns-hostname",
        paramLabel = "NAME",
        description =
            "the name it answers at, e.g. api.example.com (passed to templates that declare"
                + " DnsHostname)")
    String dnsHostname;

    @Option(
        names = "--dns-zone",
        paramLabel = "ZONE_ID",
        description = "with --dns-hostname: its Route 53 hosted zone (HostedZoneId)")
    String dnsZone;

    @Option(
        names = "--dns-certificate",
        paramLabel = "ARN",
        description = "with --dns-hostname: its ACM certificate (CertificateArn)")
    String dnsCertificate;

    @Option(
        names = "--dns-endpoint",
        paramLabel = "TYPE",
        description = "with --dns-hostname: regional (default) or edge (DnsEndpointType)")
    String dnsEndpoint;

    @Option(
        names = "--if-match",
        paramLabel = "REVISION",
        description = "only if it is still at this revision")
    Long ifMatch;

    @Override
    int run(Session s) {
      if (dnsHostname == null
          && (dnsZone != null || dnsCertificate != null || dnsEndpoint != null)) {
        throw usage("--dns-zone, --dns-certificate and --dns-endpoint go with --dns-hostname");
      }
      ObjectNode body = ApiClient.JSON.createObjectNode();
      putIfGiven(body, "kind", kind);
      putIfGiven(body, "tier", tier);
      putIfGiven(body, "account", account);
      putIfGiven(body, "region", region);
      // Only what is given: an existing environment's config or secrets left out are refused by
      // the API rather than dropped (change some of them with 'envs update').
      if (!config.isEmpty()) {
        ObjectNode configNode = body.putObject("config");
        config.forEach(configNode::put);
      }
      if (!secrets.isEmpty()) {
        ObjectNode secretsNode = body.putObject("secrets");
        secrets.forEach(secretsNode::put);
      }
      if (protectedEnvironment != null) {
        body.put("protected", protectedEnvironment);
      }
      putIfGiven(body, "owner", owner);
      putIfGiven(body, "expiresAt", expiresAt);
      if (dnsHostname != null) {
        ObjectNode dns = body.putObject("dns");
        putIfGiven(dns, "hostname", dnsHostname);
        putIfGiven(dns, "hostedZoneId", dnsZone);
        putIfGiven(dns, "certificateArn", dnsCertificate);
        putIfGiven(dns, "endpointType", dnsEndpoint);
      }
      Answer saved =
          s.api()
              .put(
                  path(app, env),
                  body,
                  ifMatch == null ? Map.of() : Map.of("If-Match", "\"" + ifMatch + "\""));
      s.print(
          saved,
          result -> {
            s.out()
                .println(
                    (saved.status() == 201 ? "created" : "updated")
                        + " environment "
                        + app
                        + "/"
                        + env);
            print(result, s);
          });
      return ExitCode.OK;
    }

    static void putIfGiven(ObjectNode body, String field, String value) {
      if (value != null) {
        body.put(field, value);
      }
    }
  }

  @Command(
      name = "update",
      description = {
        "Change some of an environment's settings, keeping the rest (PATCH, a JSON Merge Patch).",
        "Changing protection needs the admin role (see 'envs protect')."
      })
  static final class UpdateEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Option(names = "--tier", paramLabel = "TIER", description = "dev, staging or prod")
    String tier;

    @Option(names = "--account", paramLabel = "ID", description = "the 12-digit AWS account")
    String account;

    @Option(names = "--region", paramLabel = "REGION", description = "e.g. eu-west-1")
    String region;

    @Option(
        names = "--config",
        paramLabel = "KEY=VALUE",
        description = "set a configuration value (repeatable)")
    Map<String, String> config = new LinkedHashMap<>();

    @Option(
        names = "--unset-config",
        paramLabel = "KEY",
        description = "remove a configuration value (repeatable)")
    java.util.List<String> unsetConfig = new java.util.ArrayList<>();

    @Option(
        names = "--secret",
        paramLabel = "KEY=ARN",
        description = "set a secret's reference (repeatable)")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Option(
        names = "--unset-secret",
        paramLabel = "KEY",
        description = "remove a secret's reference (repeatable)")
    java.util.List<String> unsetSecrets = new java.util.ArrayList<>();

    @Option(
        names = "--protected",
        negatable = true,
        description = "protect it from destroys, or not (admin)")
    Boolean protectedEnvironment;

    @Option(names = "--owner", paramLabel = "PRINCIPAL")
    String owner;

    @Option(
        names = "--expires-at",
        paramLabel = "INSTANT",
        description = "for ephemeral ones, e.g. 2025-07-01T00:00:00Z")
    String expiresAt;

    @Option(
        names = "--if-match",
        paramLabel = "REVISION",
        description = "only if it is still at this revision")
    Long ifMatch;

    @Override
    int run(Session s) {
      ObjectNode patch = ApiClient.JSON.createObjectNode();
      PutEnv.putIfGiven(patch, "tier", tier);
      PutEnv.putIfGiven(patch, "account", account);
      PutEnv.putIfGiven(patch, "region", region);
      mapPatch(patch, "config", config, unsetConfig);
      mapPatch(patch, "secrets", secrets, unsetSecrets);
      if (protectedEnvironment != null) {
        patch.put("protected", protectedEnvironment);
      }
      PutEnv.putIfGiven(patch, "owner", owner);
      PutEnv.putIfGiven(patch, "expiresAt", expiresAt);
      if (patch.isEmpty()) {
        throw usage(
            "nothing to update: give --tier, --account, --region, --config, --unset-config,"
                + " --secret, --unset-secret, --[no-]protected, --owner or --expires-at");
      }
      return EnvsCommand.patch(s, app, env, patch, ifMatch);
    }

    private void mapPatch(
        ObjectNode patch, String field, Map<String, String> set, java.util.List<String> unset) {
      if (set.isEmpty() && unset.isEmpty()) {
        return;
      }
      ObjectNode members = patch.putObject(field);
      set.forEach(members::put);
      for (String key : unset) {
        if (set.containsKey(key)) {
          throw usage("--" + field + " and --unset of " + key + ": give one of them");
        }
        members.putNull(key);
      }
    }
  }

  @Command(name = "protect", description = "Protect an environment from destroys (admin).")
  static final class ProtectEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Override
    int run(Session s) {
      return patch(s, app, env, ApiClient.JSON.createObjectNode().put("protected", true), null);
    }
  }

  @Command(name = "unprotect", description = "Let an environment be destroyed again (admin).")
  static final class UnprotectEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Override
    int run(Session s) {
      return patch(s, app, env, ApiClient.JSON.createObjectNode().put("protected", false), null);
    }
  }

  /** Sends {@code patch} (a JSON Merge Patch) and prints the environment it made. */
  static int patch(Session s, String app, String env, ObjectNode patch, Long ifMatch) {
    Answer updated =
        s.api()
            .patch(
                path(app, env),
                patch,
                ifMatch == null ? Map.of() : Map.of("If-Match", "\"" + ifMatch + "\""));
    s.print(
        updated,
        result -> {
          s.out().println("updated environment " + app + "/" + env);
          print(result, s);
        });
    return ExitCode.OK;
  }

  @Command(
      name = "create",
      description = {
        "Create a personal or ephemeral environment.",
        "A personal one is named --name, else as in .stagecoach/userenv, else as the API names it after your"
            + " token (as deploy's default);"
            + " an ephemeral one needs --name and --expires-in or --expires-at. An existing name is refused (exit 3)."
      })
  static final class CreateEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Option(
        names = "--kind",
        required = true,
        paramLabel = "KIND",
        description = "personal or ephemeral")
    String kind;

    @Option(
        names = "--name",
        paramLabel = "ENV",
        description =
            "the environment's name (default for personal ones:"
                + " .stagecoach/userenv, else the one the API names after your token)")
    String name;

    @Option(names = "--account", paramLabel = "ID", description = "the 12-digit AWS account")
    String account;

    @Option(names = "--region", paramLabel = "REGION", description = "e.g. eu-west-1")
    String region;

    @Option(
        names = "--config",
        paramLabel = "KEY=VALUE",
        description = "a configuration value (repeatable)")
    Map<String, String> config = new LinkedHashMap<>();

    @Option(
        names = "--secret",
        paramLabel = "KEY=ARN",
        description = "a secret's reference (repeatable)")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Option(
        names = "--owner",
        paramLabel = "PRINCIPAL",
        description = "who it belongs to (default: you)")
    String owner;

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        description = "for ephemeral ones: 30m, 12h, 3d (at most 30d)")
    String expiresIn;

    @Option(
        names = "--expires-at",
        paramLabel = "INSTANT",
        description = "for ephemeral ones, e.g. 2025-07-01T00:00:00Z")
    String expiresAt;

    @Override
    int run(Session s) {
      if (expiresIn != null && expiresAt != null) {
        throw usage("give --expires-in or --expires-at, not both");
      }
      String envName = name;
      if (envName == null && kind.equals("personal")) {
        envName = personalEnvironment(s);
      }
      ObjectNode body = ApiClient.JSON.createObjectNode().put("kind", kind);
      PutEnv.putIfGiven(body, "name", envName);
      PutEnv.putIfGiven(body, "account", account);
      PutEnv.putIfGiven(body, "region", region);
      ObjectNode configNode = body.putObject("config");
      config.forEach(configNode::put);
      ObjectNode secretsNode = body.putObject("secrets");
      secrets.forEach(secretsNode::put);
      PutEnv.putIfGiven(body, "owner", owner);
      if (expiresIn != null) {
        if (duration(expiresIn).isEmpty()) {
          throw usage("--expires-in: '" + expiresIn + "' is not a duration such as 30m, 12h or 3d");
        }
        // From now as the server's clock reads it (the local cloud's may have been moved).
        body.put("expiresIn", expiresIn.trim());
      }
      PutEnv.putIfGiven(body, "expiresAt", expiresAt);
      Answer created = s.api().post(ApiPath.of("v1", "apps", app, "environments"), body);
      s.print(
          created,
          env -> {
            s.out()
                .println(
                    "created "
                        + JsonText.text(env, "kind")
                        + " environment "
                        + app
                        + "/"
                        + JsonText.text(env, "name"));
            print(env, s);
          });
      return ExitCode.OK;
    }
  }

  /** {@code 30m}, {@code 12h}, {@code 3d}: as the API's extend takes them. */
  static Optional<Duration> duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }

  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,4})([mhd])");

  @Command(
      name = "extend",
      description = {
        "Move an ephemeral environment's expiry later (owner or admin; at most 30 days after it was"
            + " created; from now if it has already expired).",
        "Personal and pipeline environments do not expire (exit 3)."
      })
  static final class ExtendEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Until until;

    static final class Until {
      @Option(
          names = "--by",
          required = true,
          paramLabel = "DURATION",
          description = "from its current expiry: 30m, 12h, 3d")
      String by;

      @Option(
          names = "--expires-at",
          required = true,
          paramLabel = "INSTANT",
          description = "e.g. 2025-07-01T00:00:00Z")
      String expiresAt;
    }

    @Override
    int run(Session s) {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      PutEnv.putIfGiven(body, "by", until.by);
      PutEnv.putIfGiven(body, "expiresAt", until.expiresAt);
      Answer extended = s.api().post(path(app, env).child("extend"), body);
      s.print(
          extended,
          result -> {
            s.out().println(app + "/" + env + " now expires at " + s.time(result, "expiresAt"));
            print(result, s);
          });
      return ExitCode.OK;
    }
  }

  @Command(
      name = "pin",
      description = {
        "Keep an ephemeral environment past its expiry (admin): the reaper spares it.",
        "A reason is required; other kinds of environment are refused (exit 3)."
      })
  static final class PinEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Option(names = "--reason", required = true, description = "why it must stay")
    String reason;

    @Override
    int run(Session s) {
      ObjectNode body = ApiClient.JSON.createObjectNode().put("reason", reason);
      s.print(s.api().put(path(app, env).child("pin"), body, Map.of()), r -> print(r, s));
      return ExitCode.OK;
    }
  }

  @Command(name = "unpin", description = "Let a pinned ephemeral environment expire again (admin).")
  static final class UnpinEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Override
    int run(Session s) {
      s.print(s.api().delete(path(app, env).child("pin"), Map.of()), r -> print(r, s));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "delete",
      aliases = "destroy",
      description = {
        "Destroy an environment.",
        "One that never received a release is only unregistered. One that did is destroyed by its provisioner (a"
            + " destroy deployment; --wait follows it), and its record goes when that is done.",
        "Shared (pipeline) environments need --confirm; protected ones are refused (exit 3)."
      })
  static final class DeleteEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Option(names = "--confirm", description = "yes, destroy this shared environment")
    boolean confirm;

    @Option(
        names = "--if-match",
        paramLabel = "REVISION",
        description = "only if it is still at this revision")
    Long ifMatch;

    @Option(
        names = "--wait",
        description = "follow the destroy until it ends, printing each change")
    boolean wait;

    @Option(
        names = "--break-glass",
        paramLabel = "REASON",
        description = {
          "as an admin, force the destroy past the environment's freeze, for this reason;",
          "it waits for a second admin's 'break-glass confirm' (60 minutes)"
        })
    String breakGlass;

    @Override
    int run(Session s) {
      ApiPath path =
          path(app, env).query("confirm", confirm ? env : null).query("breakGlass", breakGlass);
      Answer deleted;
      try {
        deleted =
            s.api()
                .delete(
                    path, ifMatch == null ? Map.of() : Map.of("If-Match", "\"" + ifMatch + "\""));
      } catch (ApiProblem p) {
        // The API asks for ?confirm={env}; on the command line that is --confirm.
        if (!confirm && p.errors().stream().anyMatch(e -> e.field().equals("confirm"))) {
          throw new ApiProblem(
              p.status(),
              p.code().orElse(null),
              app + "/" + env + " is a shared environment: add --confirm to destroy it",
              java.util.List.of());
        }
        throw p;
      }
      if (deleted.status() == 202 && deleted.body().has("breakGlassId")) {
        return BreakGlassCommand.asked(s, deleted);
      }
      if (deleted.status() == 202) {
        return DeploymentsCommand.report(
            s,
            deleted.body(),
            wait,
            "destroying environment "
                + app
                + "/"
                + env
                + ": deployment "
                + JsonText.text(deleted.body(), "id"));
      }
      s.print(deleted, body -> s.out().println("deleted environment " + app + "/" + env));
      return ExitCode.OK;
    }
  }
}
