package io.stagecoach.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.ApiProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach apps}: registered applications and their pipelines. */
@Command(
    name = "apps",
    description = "Applications and their pipelines.",
    subcommands = {
      AppsCommand.ListApps.class,
      AppsCommand.GetApp.class,
      AppsCommand.CreateApp.class,
      AppsCommand.UpdateApp.class,
      AppsCommand.DeleteApp.class
    })
final class AppsCommand extends CommandGroup {

  static ApiPath path(String app) {
    return ApiPath.of("v1", "apps", app);
  }

  static void print(JsonNode app, Session s) {
    new Details()
        .add("name", JsonText.text(app, "name"))
        .add("description", JsonText.text(app, "description"))
        .add("pipeline", pipeline(app))
        .add("gates", gates(app))
        .add("concurrency", JsonText.text(app, "concurrency"))
        .add("allowed", String.join(", ", JsonText.strings(app.path("allowedEnvironments"))))
        .add(
            "template",
            template(app.path("template"))
                + (app.has("templateRevision")
                    ? " (revision " + app.path("templateRevision").asInt() + ")"
                    : ""))
        .add("repository", repository(app.path("repository")))
        .add(
            "when frozen",
            app.path("freeze").isObject()
                ? (app.path("freeze").path("allowRollback").asBoolean(true)
                    ? "rollbacks go through"
                    : "rollbacks refused too")
                : "")
        .add("ephemeral", ephemeral(app.path("ephemeral")))
        .add(
            "per-env config", String.join(", ", JsonText.strings(app.path("perEnvironmentConfig"))))
        .add(
            "drift checks",
            app.has("driftCheckHours") ? "every " + app.path("driftCheckHours").asInt() + " h" : "")
        .add("created", s.when(app, "createdAt", "createdBy"))
        .add("updated", s.time(app, "updatedAt"))
        .add("revision", JsonText.text(app, "revision"))
        .print(s.out());
  }

  static String pipeline(JsonNode app) {
    List<String> stages = new ArrayList<>();
    app.path("pipeline")
        .forEach(
            stage ->
                stages.add(
                    stage.isTextual() ? stage.asText() : JsonText.text(stage, "environment")));
    return String.join(" -> ", stages);
  }

  /** One line per stage with gates: {@code staging: approval 1 of staff, soak 600s}. */
  static List<String> gates(JsonNode app) {
    List<String> gates = new ArrayList<>();
    for (JsonNode stage : app.path("pipeline")) {
      if (!stage.isObject()) {
        continue;
      }
      List<String> parts = new ArrayList<>();
      if (stage.has("approval")) {
        parts.add("approval " + ApprovalsCommand.needs(stage.path("approval")));
      }
      JsonNode window = stage.path("window");
      if (window.isObject()) {
        parts.add(
            "window "
                + String.join(",", JsonText.strings(window.path("days")))
                + " "
                + JsonText.text(window, "start")
                + "-"
                + JsonText.text(window, "end")
                + " "
                + JsonText.text(window, "timeZone"));
      }
      if (stage.has("verification")) {
        parts.add("verification of " + JsonText.text(stage.path("verification"), "urlOutput"));
      }
      if (stage.path("soakSeconds").asInt() > 0) {
        parts.add("soak " + stage.path("soakSeconds").asInt() + "s");
      }
      if (!parts.isEmpty()) {
        gates.add(JsonText.text(stage, "environment") + ": " + String.join(", ", parts));
      }
    }
    return gates;
  }

  /** {@code payments-service: main pipeline, feature/* ephemeral 72h}. */
  static String repository(JsonNode repository) {
    if (!repository.isObject()) {
      return "";
    }
    List<String> rules = new ArrayList<>();
    repository
        .path("branches")
        .forEach(
            b ->
                rules.add(
                    JsonText.text(b, "pattern")
                        + " "
                        + JsonText.text(b, "action")
                        + (b.has("ttlHours") ? " " + b.get("ttlHours").asInt() + "h" : "")));
    return JsonText.text(repository, "name") + ": " + String.join(", ", rules);
  }

  /** {@code live 14d at most, 72h unless told, renewed on deploy, owned by platform-team}. */
  static String ephemeral(JsonNode policy) {
    if (!policy.isObject()) {
      return "";
    }
    String text =
        "live "
            + policy.path("maxLifetimeDays").asInt()
            + "d at most, "
            + policy.path("defaultTtlHours").asInt()
            + "h unless told, "
            + (policy.path("renewOnDeploy").asBoolean() ? "renewed" : "not renewed")
            + " on deploy";
    return policy.path("defaultOwner").isTextual()
        ? text + ", pushes without a pusher owned by " + policy.path("defaultOwner").asText()
        : text;
  }

  static String template(JsonNode template) {
    if (!template.isObject()) {
      return "";
    }
    if (template.has("url")) {
      return JsonText.text(template, "url");
    }
    JsonNode body = template.path("body");
    return body.isObject()
        ? "inline, " + Display.count(body.path("Resources").size(), "resource", "resources")
        : "inline";
  }

  @Command(name = "list", description = "List the apps.")
  static final class ListApps extends ApiCommand {
    @Mixin PageOptions page;

    @Override
    int run(Session s) {
      JsonNode body = s.list(ApiPath.of("v1", "apps"), page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table = new Table("NAME", "PIPELINE", "DESCRIPTION");
      body.path("items")
          .forEach(
              app ->
                  table.row(
                      JsonText.text(app, "name"),
                      pipeline(app),
                      JsonText.text(app, "description")));
      table.print(s.out(), "no apps");
      return ExitCode.OK;
    }
  }

  @Command(name = "get", description = "Show an app.")
  static final class GetApp extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Override
    int run(Session s) {
      s.print(s.api().get(path(app)), body -> print(body, s));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "create",
      description = {
        "Register an app with its pipeline.",
        "--file takes a whole app as JSON (the API's AppInput, e.g. stages with window, verification or soak);"
            + " the options given besides override its fields."
      })
  static final class CreateApp extends ApiCommand {
    @Parameters(
        paramLabel = "APP",
        description = "lowercase letters, digits and '-', at most 24 characters")
    String app;

    @Mixin AppOptions options;

    @Override
    int run(Session s) {
      ObjectNode body =
          options.file != null ? options.readFile(this) : ApiClient.JSON.createObjectNode();
      body.put("name", app);
      if (options.pipeline == null && !body.has("pipeline")) {
        throw usage("give the pipeline: --pipeline dev,staging,prod (or \"pipeline\" in --file)");
      }
      options.apply(body, this);
      Answer created;
      try {
        created = s.api().post(ApiPath.of("v1", "apps"), body);
      } catch (ApiProblem e) {
        if (e.status() == 409 && e.code().orElse("").equals("conflict")) {
          // Say how to change the app that is there, with the same options.
          throw new ApiProblem(
              e.status(),
              "conflict",
              e.detail() + "; change it with 'stagecoach apps update " + app + "'",
              e.errors());
        }
        throw e;
      }
      s.print(
          created,
          result -> {
            s.out().println("created app " + JsonText.text(result, "name"));
            print(result, s);
          });
      return ExitCode.OK;
    }
  }

  @Command(
      name = "update",
      description = {
        "Change an app: its description, pipeline, gates, template, repository mapping, ephemeral"
            + " policy.",
        "Reads the app and writes it back with the changes, refused (exit 3) if it changed in between. Stages kept in"
            + " a new --pipeline keep their gates. --file replaces the whole app (the options given besides apply on"
            + " top)."
      })
  static final class UpdateApp extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Mixin AppOptions options;

    @Option(
        names = "--if-match",
        paramLabel = "REVISION",
        description = "only if the app is still at this revision (default: the revision just read)")
    Long ifMatch;

    @Override
    int run(Session s) {
      if (!options.anyGiven()) {
        throw usage(
            "nothing to update: give --pipeline, --description, --allowed-env, --template, --approval,"
                + " --concurrency, --repository, --branch, --no-repository,"
                + " --[no-]rollback-when-frozen, --max-lifetime, --default-ttl,"
                + " --[no-]renew-on-deploy, --default-owner or --file");
      }
      Answer current = s.api().get(path(app));
      JsonNode was = current.body();
      ObjectNode body;
      if (options.file != null) {
        body = options.readFile(this);
      } else {
        // Everything the app has (its repository mapping, ephemeral policy and any field this CLI
        // does not know yet), so an update changes only what it is told to. The read-only fields
        // are left out: the write is guarded by If-Match.
        body = was.deepCopy();
        READ_ONLY.forEach(body::remove);
      }
      body.put("name", app);
      options.apply(body, this);
      String revision =
          ifMatch != null
              ? "\"" + ifMatch + "\""
              : current.etag().orElse("\"" + JsonText.text(was, "revision") + "\"");
      // A whole app from --file replaces it; options change only what they name (a merge patch of
      // what was read, so a field this CLI does not know is never touched).
      Answer updated =
          options.file != null
              ? s.api().put(path(app), body, Map.of("If-Match", revision))
              : s.api().patch(path(app), mergePatch(was, body), Map.of("If-Match", revision));
      s.print(
          updated,
          result -> {
            s.out().println("updated app " + JsonText.text(result, "name"));
            print(result, s);
          });
      return ExitCode.OK;
    }
  }

  /**
   * The JSON Merge Patch (RFC 7396) from {@code from} to {@code to}: members that went are null,
   * objects compared member by member, anything else that changed given whole.
   */
  static ObjectNode mergePatch(JsonNode from, JsonNode to) {
    ObjectNode patch = ApiClient.JSON.createObjectNode();
    from.fieldNames()
        .forEachRemaining(
            name -> {
              if (!to.has(name) && !READ_ONLY.contains(name)) {
                patch.putNull(name);
              }
            });
    to.properties()
        .forEach(
            member -> {
              JsonNode before = from.get(member.getKey());
              JsonNode after = member.getValue();
              if (before != null && before.isObject() && after.isObject()) {
                ObjectNode inner = mergePatch(before, after);
                if (!inner.isEmpty()) {
                  patch.set(member.getKey(), inner);
                }
              } else if (!after.equals(before)) {
                patch.set(member.getKey(), after.deepCopy());
              }
            });
    return patch;
  }

  /** What GET answers that a write does not set. */
  static final List<String> READ_ONLY = List.of("createdAt", "createdBy", "updatedAt", "revision");

  @Command(name = "delete", description = "Delete an app.")
  static final class DeleteApp extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Option(
        names = "--if-match",
        paramLabel = "REVISION",
        description = "only if the app is still at this revision")
    Long ifMatch;

    @Override
    int run(Session s) {
      Answer deleted =
          s.api()
              .delete(
                  path(app),
                  ifMatch == null ? Map.of() : Map.of("If-Match", "\"" + ifMatch + "\""));
      s.print(deleted, body -> s.out().println("deleted app " + app));
      return ExitCode.OK;
    }
  }

  static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  /** What create and update both take: the app's fields, as options or as a JSON file. */
  static final class AppOptions {

    @Option(
        names = "--pipeline",
        split = ",",
        paramLabel = "ENV",
        description = "the stages in order, e.g. dev,staging,prod")
    List<String> pipeline;

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(
        names = "--allowed-env",
        split = ",",
        paramLabel = "ENV",
        description = "environments allowed besides the pipeline's (an empty value clears them)")
    List<String> allowed;

    @Option(
        names = "--template",
        paramLabel = "FILE",
        description =
            "the CloudFormation template (JSON) every environment of the app is made from, at most 51,200 bytes")
    Path template;

    @Option(
        names = "--template-url",
        paramLabel = "URL",
        description = "the template's S3 location, s3://bucket/key")
    String templateUrl;

    @Option(
        names = "--approval",
        paramLabel = "ENV=GROUP[:MIN][,GROUP[:MIN]]",
        description = {
          "a stage needs MIN (default 1) approvals from each GROUP before it deploys (repeatable),",
          "e.g. --approval staging=staff --approval prod=staff:1,client:1"
        })
    List<String> approvals;

    @Option(
        names = "--concurrency",
        paramLabel = "MODE",
        description =
            "a newer promotion reaching a stage: supersede (default) the older one, or queue behind it")
    String concurrency;

    @Option(
        names = "--repository",
        paramLabel = "NAME",
        description =
            "the CodeCommit repository the app is built from; a new mapping needs --branch too")
    String repository;

    @Option(
        names = "--branch",
        paramLabel = "PATTERN=ACTION[:TTLHOURS]",
        description = {
          "what a push to the branches matching PATTERN does (repeatable, tried in order; replaces"
              + " the mapping's rules): pipeline, or ephemeral:TTLHOURS,",
          "e.g. --branch main=pipeline --branch 'feature/*=ephemeral:72'"
        })
    List<String> branches;

    @Option(
        names = "--no-repository",
        description = "remove the repository mapping: pushes no longer drive the app")
    boolean noRepository;

    @Option(
        names = "--rollback-when-frozen",
        negatable = true,
        description = {
          "whether a rollback goes through a freeze of the app's environments (default: it does;",
          "recorded on the deployment); --no-rollback-when-frozen refuses it (409 frozen)"
        })
    Boolean rollbackWhenFrozen;

    @Option(
        names = "--max-lifetime",
        paramLabel = "DAYS",
        description =
            "how long an ephemeral environment may live after its creation, extensions and"
                + " renewals included: 1d to 30d (default 30d)")
    String maxLifetime;

    @Option(
        names = "--default-ttl",
        paramLabel = "HOURS",
        description =
            "how long an ephemeral environment created without an expiry lives: 1h up to the"
                + " maximum lifetime, e.g. 72h or 3d (default 72h)")
    String defaultTtl;

    @Option(
        names = "--renew-on-deploy",
        negatable = true,
        description =
            "whether each deploy into an ephemeral environment (a push to its branch too) moves"
                + " its expiry to at least the default TTL from then (default: no)")
    Boolean renewOnDeploy;

    @Option(
        names = "--default-owner",
        paramLabel = "PRINCIPAL",
        description =
            "who owns the ephemeral environments a CodeCommit push creates when the push names no"
                + " pusher (\"\" removes it)")
    String defaultOwner;

    @Option(
        names = "--per-env-config",
        split = ",",
        paramLabel = "KEY",
        description = {
          "config keys expected to differ between the app's environments (a compare lists their",
          "differences as expected); replaces the list, an empty value clears it"
        })
    List<String> perEnvironmentConfig;

    @Option(
        names = "--drift-check-hours",
        paramLabel = "HOURS",
        description =
            "how often the drift schedule checks each deployed environment of the app, 1 to 720"
                + " hours (default: the schedule's own, daily)")
    Integer driftCheckHours;

    @Option(
        names = "--file",
        paramLabel = "FILE",
        description = "the whole app as JSON: {\"pipeline\": [...], ...}")
    Path file;

    boolean anyGiven() {
      return pipeline != null
          || description != null
          || allowed != null
          || template != null
          || templateUrl != null
          || approvals != null
          || concurrency != null
          || repository != null
          || branches != null
          || noRepository
          || rollbackWhenFrozen != null
          || maxLifetime != null
          || defaultTtl != null
          || renewOnDeploy != null
          || defaultOwner != null
          || perEnvironmentConfig != null
          || driftCheckHours != null
          || file != null;
    }

    ObjectNode readFile(ApiCommand command) {
      JsonNode read = readJson(file, command, "--file");
      if (!(read instanceof ObjectNode object)) {
        throw command.usage(
            "--file "
                + file
                + ": must be a JSON object such as {\"pipeline\": [\"dev\", \"prod\"]}");
      }
      return object;
    }

    /** Applies the options given to the body. */
    void apply(ObjectNode body, ApiCommand command) {
      if (description != null) {
        body.put("description", description);
      }
      if (pipeline != null) {
        // A stage the pipeline already had keeps its gates.
        Map<String, JsonNode> had = new LinkedHashMap<>();
        body.path("pipeline")
            .forEach(
                stage ->
                    had.put(
                        stage.isTextual() ? stage.asText() : JsonText.text(stage, "environment"),
                        stage));
        ArrayNode stages = ApiClient.JSON.createArrayNode();
        for (String env : pipeline) {
          stages.add(
              had.containsKey(env)
                  ? had.get(env).deepCopy()
                  : ApiClient.JSON.getNodeFactory().textNode(env));
        }
        body.set("pipeline", stages);
      }
      if (allowed != null) {
        strings(
            body.putArray("allowedEnvironments"),
            allowed.stream().filter(e -> !e.isBlank()).toList());
      }
      if (template != null && templateUrl != null) {
        throw command.usage("give --template or --template-url, not both");
      }
      if (template != null) {
        JsonNode parsed = readJson(template, command, "--template");
        body.putObject("template").set("body", parsed);
      } else if (templateUrl != null) {
        body.putObject("template").put("url", templateUrl);
      }
      if (concurrency != null) {
        body.put("concurrency", concurrency);
      }
      if (approvals != null) {
        applyApprovals(body, command);
      }
      if (rollbackWhenFrozen != null) {
        ObjectNode freeze =
            body.path("freeze") instanceof ObjectNode had ? had : body.putObject("freeze");
        freeze.put("allowRollback", rollbackWhenFrozen);
      }
      if (driftCheckHours != null) {
        body.put("driftCheckHours", driftCheckHours);
      }
      if (perEnvironmentConfig != null) {
        strings(
            body.putArray("perEnvironmentConfig"),
            perEnvironmentConfig.stream().filter(k -> !k.isBlank()).toList());
      }
      applyRepository(body, command);
      applyEphemeral(body, command);
    }

    /**
     * The ephemeral policy's fields that were given, over what the body has (on update, the app's
     * policy as read): the others stay as they are.
     */
    private void applyEphemeral(ObjectNode body, ApiCommand command) {
      if (maxLifetime == null
          && defaultTtl == null
          && renewOnDeploy == null
          && defaultOwner == null) {
        return;
      }
      ObjectNode policy =
          body.path("ephemeral") instanceof ObjectNode had
              ? had
              : ApiClient.JSON.createObjectNode();
      if (maxLifetime != null) {
        policy.put(
            "maxLifetimeDays", whole(maxLifetime, "--max-lifetime", Duration.ofDays(1), command));
      }
      if (defaultTtl != null) {
        policy.put(
            "defaultTtlHours", whole(defaultTtl, "--default-ttl", Duration.ofHours(1), command));
      }
      if (renewOnDeploy != null) {
        policy.put("renewOnDeploy", renewOnDeploy);
      }
      if (defaultOwner != null) {
        if (defaultOwner.isBlank()) {
          policy.remove("defaultOwner");
        } else {
          policy.put("defaultOwner", defaultOwner.trim());
        }
      }
      body.set("ephemeral", policy);
    }

    /** {@code text} (30m, 12h, 3d) as a whole number of {@code unit}s, or a usage error. */
    private static long whole(String text, String option, Duration unit, ApiCommand command) {
      String expected =
          unit.equals(Duration.ofDays(1)) ? "whole days, e.g. 14d" : "whole hours, e.g. 72h or 3d";
      Duration d =
          EnvsCommand.duration(text)
              .orElseThrow(() -> command.usage(option + " '" + text + "': expected " + expected));
      if (d.toNanos() % unit.toNanos() != 0) {
        throw command.usage(option + " '" + text + "': expected " + expected);
      }
      return d.dividedBy(unit);
    }

    /**
     * {@code --repository} renames the mapping's repository, {@code --branch} replaces its rules (a
     * pattern that had a rule keeps its versionFrom); the rest of the mapping (artifactUri) stays.
     */
    private void applyRepository(ObjectNode body, ApiCommand command) {
      if (noRepository) {
        if (repository != null || branches != null) {
          throw command.usage("give --no-repository or --repository/--branch, not both");
        }
        body.remove("repository");
        return;
      }
      if (repository == null && branches == null) {
        return;
      }
      ObjectNode mapping =
          body.path("repository") instanceof ObjectNode had
              ? had
              : ApiClient.JSON.createObjectNode();
      if (repository != null) {
        if (repository.isBlank()) {
          throw command.usage("--repository: give the CodeCommit repository's name");
        }
        mapping.put("name", repository.trim());
      } else if (!mapping.has("name")) {
        throw command.usage(
            "the app has no repository mapping: give --repository NAME with --branch");
      }
      if (branches != null) {
        Map<String, JsonNode> had = new LinkedHashMap<>();
        mapping.path("branches").forEach(b -> had.put(JsonText.text(b, "pattern"), b));
        ArrayNode rules = ApiClient.JSON.createArrayNode();
        for (String branch : branches) {
          ObjectNode rule = branchRule(branch, command);
          JsonNode before = had.get(rule.get("pattern").asText());
          if (before != null && before.has("versionFrom")) {
            rule.set("versionFrom", before.get("versionFrom"));
          }
          rules.add(rule);
        }
        mapping.set("branches", rules);
      } else if (!mapping.path("branches").isArray()) {
        throw command.usage(
            "--repository "
                + repository
                + ": the app has no branch rules yet, give them: --branch main=pipeline");
      }
      body.set("repository", mapping);
    }

    private static ObjectNode branchRule(String branch, ApiCommand command) {
      String expected =
          "expected PATTERN=pipeline or PATTERN=ephemeral:TTLHOURS, e.g. main=pipeline or"
              + " feature/*=ephemeral:72";
      int eq = branch.lastIndexOf('=');
      if (eq <= 0 || eq == branch.length() - 1) {
        throw command.usage("--branch '" + branch + "': " + expected);
      }
      String pattern = branch.substring(0, eq).trim();
      String[] action = branch.substring(eq + 1).trim().split(":", -1);
      ObjectNode rule = ApiClient.JSON.createObjectNode().put("pattern", pattern);
      switch (action[0]) {
        case "pipeline" -> {
          if (action.length > 1) {
            throw command.usage(
                "--branch '" + branch + "': only ephemeral branches take a TTL in hours");
          }
          rule.put("action", "pipeline");
        }
        case "ephemeral" -> {
          int hours;
          try {
            hours = action.length == 2 ? Integer.parseInt(action[1].trim()) : -1;
          } catch (NumberFormatException e) {
            hours = -1;
          }
          if (hours < 1) {
            throw command.usage(
                "--branch '"
                    + branch
                    + "': ephemeral needs how long the environment lives after the last push,"
                    + " ephemeral:TTLHOURS with TTLHOURS >= 1, e.g. ephemeral:72");
          }
          rule.put("action", "ephemeral").put("ttlHours", hours);
        }
        default ->
            throw command.usage(
                "--branch '"
                    + branch
                    + "': '"
                    + action[0]
                    + "' is not an action (pipeline or ephemeral); "
                    + expected);
      }
      return rule;
    }

    private void applyApprovals(ObjectNode body, ApiCommand command) {
      Map<String, ArrayNode> groupsByStage = new LinkedHashMap<>();
      for (String approval : approvals) {
        int eq = approval.indexOf('=');
        if (eq <= 0 || eq == approval.length() - 1) {
          throw command.usage(
              "--approval '" + approval + "': expected ENV=GROUP[:MIN], e.g. staging=staff:1");
        }
        String env = approval.substring(0, eq).trim();
        ArrayNode groups =
            groupsByStage.computeIfAbsent(env, e -> ApiClient.JSON.createArrayNode());
        for (String seat : approval.substring(eq + 1).split(",")) {
          String[] parts = seat.trim().split(":", -1);
          int min;
          try {
            min = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : 1;
          } catch (NumberFormatException e) {
            min = -1;
          }
          if (parts.length > 2 || parts[0].isBlank() || min < 1) {
            throw command.usage(
                "--approval '"
                    + approval
                    + "': '"
                    + seat
                    + "' is not GROUP or GROUP:MIN with MIN >= 1");
          }
          groups.addObject().put("group", parts[0].trim()).put("min", min);
        }
      }
      ArrayNode stages =
          body.path("pipeline") instanceof ArrayNode a ? a : body.putArray("pipeline");
      for (var entry : groupsByStage.entrySet()) {
        int index = -1;
        for (int i = 0; i < stages.size(); i++) {
          JsonNode stage = stages.get(i);
          String name = stage.isTextual() ? stage.asText() : JsonText.text(stage, "environment");
          if (name.equals(entry.getKey())) {
            index = i;
          }
        }
        if (index < 0) {
          throw command.usage(
              "--approval: '"
                  + entry.getKey()
                  + "' is not a stage of the pipeline ("
                  + pipeline(body)
                  + ")");
        }
        JsonNode stage = stages.get(index);
        ObjectNode object =
            stage.isObject()
                ? (ObjectNode) stage
                : ApiClient.JSON.createObjectNode().put("environment", stage.asText());
        ObjectNode approval = ApiClient.JSON.createObjectNode();
        if (object.path("approval").has("timeoutMinutes")) {
          approval.set("timeoutMinutes", object.path("approval").get("timeoutMinutes"));
        }
        approval.set("groups", entry.getValue());
        object.set("approval", approval);
        stages.set(index, object);
      }
    }

    private static JsonNode readJson(Path path, ApiCommand command, String option) {
      String text;
      try {
        text = Files.readString(command.environment().workDir().resolve(path));
      } catch (IOException e) {
        throw command.usage(option + ": cannot read " + path + " (" + e.getMessage() + ")");
      }
      try {
        return ApiClient.JSON.readTree(text);
      } catch (JsonProcessingException e) {
        String where =
            e.getLocation() == null
                ? ""
                : " (line "
                    + e.getLocation().getLineNr()
                    + ", column "
                    + e.getLocation().getColumnNr()
                    + ")";
        throw command.usage(option + ": " + path + " is not well-formed JSON" + where);
      }
    }
  }
}
