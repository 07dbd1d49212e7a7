package io.stagecoach.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.cli.client.Answer;
import io.stagecoach.local.cli.client.ApiClient;
import io.stagecoach.local.cli.client.ApiPath;
import io.stagecoach.local.cli.client.ApiProblem;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach envs}: an app's environments. */
@Command(name = "envs", description = "An app's environments.",
    subcommands = {EnvsCommand.ListEnvs.class, EnvsCommand.GetEnv.class, EnvsCommand.PutEnv.class,
        EnvsCommand.DeleteEnv.class})
final class EnvsCommand extends CommandGroup {

  static ApiPath path(String app, String env) {
    return ApiPath.of("v1", "apps", app, "environments", env);
  }

  static void print(JsonNode env, PrintWriter out) {
    new Details()
        .add("environment", JsonText.text(env, "app") + "/" + JsonText.text(env, "name"))
        .add("kind", JsonText.text(env, "kind"))
        .add("tier", JsonText.text(env, "tier"))
        .add("account", JsonText.text(env, "account"))
        .add("region", JsonText.text(env, "region"))
        .add("protected", JsonText.text(env, "protected"))
        .add("owner", JsonText.text(env, "owner"))
        .add("expires", JsonText.text(env, "expiresAt"))
        .add("deployed", JsonText.text(env, "deployedVersion"))
        .add("config", JsonText.map(env.path("config")))
        .add("secrets", JsonText.map(env.path("secrets")))
        .add("created", JsonText.when(env, "createdAt", "createdBy"))
        .add("updated", JsonText.text(env, "updatedAt"))
        .add("revision", JsonText.text(env, "revision"))
        .print(out);
  }

  @Command(name = "list", description = "List an app's environments.")
  static final class ListEnvs extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Mixin
    PageOptions page;

    @Override
    int run(Session s) {
      JsonNode body = s.list(ApiPath.of("v1", "apps", app, "environments"), page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table = new Table("NAME", "KIND", "TIER", "ACCOUNT", "REGION", "PROTECTED", "DEPLOYED");
      body.path("items").forEach(env -> table.row(JsonText.text(env, "name"), JsonText.text(env, "kind"),
          JsonText.text(env, "tier"), JsonText.text(env, "account"), JsonText.text(env, "region"),
          env.path("protected").asBoolean() ? "yes" : "no", JsonText.text(env, "deployedVersion")));
      table.print(s.out(), "no environments in " + app);
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
      s.print(s.api().get(path(app, env)), body -> print(body, s.out()));
      return ExitCode.OK;
    }
  }

  @Command(name = "put", description = {"Create an environment or replace its settings.",
      "Fields not given take the API's defaults (prod environments are protected unless --no-protected)."})
  static final class PutEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Option(names = "--kind", paramLabel = "KIND", description = "pipeline (default), personal or ephemeral")
    String kind;

    @Option(names = "--tier", paramLabel = "TIER", description = "dev, staging or prod")
    String tier;

    @Option(names = "--account", paramLabel = "ID", description = "the 12-digit AWS account")
    String account;

    @Option(names = "--region", paramLabel = "REGION", description = "e.g. eu-west-1")
    String region;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "a configuration value (repeatable)")
    Map<String, String> config = new LinkedHashMap<>();

    @Option(names = "--secret", paramLabel = "KEY=ARN",
        description = "a secret's reference: a Secrets Manager or SSM parameter ARN, or ssm:/path (repeatable)")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Option(names = "--protected", negatable = true, description = "refuse destroying it (default: prod only)")
    Boolean protectedEnvironment;

    @Option(names = "--owner", paramLabel = "PRINCIPAL")
    String owner;

    @Option(names = "--expires-at", paramLabel = "INSTANT", description = "for ephemeral ones, e.g. 2025-07-01T00:00:00Z")
    String expiresAt;

    @Option(names = "--if-match", paramLabel = "REVISION", description = "only if it is still at this revision")
    Long ifMatch;

    @Override
    int run(Session s) {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      putIfGiven(body, "kind", kind);
      putIfGiven(body, "tier", tier);
      putIfGiven(body, "account", account);
      putIfGiven(body, "region", region);
      ObjectNode configNode = body.putObject("config");
      config.forEach(configNode::put);
      ObjectNode secretsNode = body.putObject("secrets");
      secrets.forEach(secretsNode::put);
      if (protectedEnvironment != null) {
        body.put("protected", protectedEnvironment);
      }
      putIfGiven(body, "owner", owner);
      putIfGiven(body, "expiresAt", expiresAt);
      Answer saved = s.api().put(path(app, env), body,
          ifMatch == null ? Map.of() : Map.of("If-Match", "\"" + ifMatch + "\""));
      s.print(saved, result -> {
        s.out().println((saved.status() == 201 ? "created" : "updated") + " environment " + app + "/" + env);
        print(result, s.out());
      });
      return ExitCode.OK;
    }

    private static void putIfGiven(ObjectNode body, String field, String value) {
      if (value != null) {
        body.put(field, value);
      }
    }
  }

  @Command(name = "delete", description = {"Destroy an environment.",
      "Shared (pipeline) environments need --confirm; protected ones are refused (exit 3)."})
  static final class DeleteEnv extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Option(names = "--confirm", description = "yes, destroy this shared environment")
    boolean confirm;

    @Option(names = "--if-match", paramLabel = "REVISION", description = "only if it is still at this revision")
    Long ifMatch;

    @Override
    int run(Session s) {
      ApiPath path = path(app, env).query("confirm", confirm ? env : null);
      Answer deleted;
      try {
        deleted = s.api().delete(path, ifMatch == null ? Map.of() : Map.of("If-Match", "\"" + ifMatch + "\""));
      } catch (ApiProblem p) {
        // The API asks for ?confirm={env}; on the command line that is --confirm.
        if (!confirm && p.errors().stream().anyMatch(e -> e.field().equals("confirm"))) {
          throw new ApiProblem(p.status(), p.code().orElse(null),
              app + "/" + env + " is a shared environment: add --confirm to destroy it", java.util.List.of());
        }
        throw p;
      }
      s.print(deleted, body -> s.out().println("deleted environment " + app + "/" + env));
      return ExitCode.OK;
    }
  }
}
