package io.stagecoach.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.cli.client.Answer;
import io.stagecoach.local.cli.client.ApiClient;
import io.stagecoach.local.cli.client.ApiPath;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach apps}: registered applications and their pipelines. */
@Command(name = "apps", description = "Applications and their pipelines.",
    subcommands = {AppsCommand.ListApps.class, AppsCommand.GetApp.class, AppsCommand.CreateApp.class,
        AppsCommand.UpdateApp.class, AppsCommand.DeleteApp.class})
final class AppsCommand extends CommandGroup {

  static ApiPath path(String app) {
    return ApiPath.of("v1", "apps", app);
  }

  static void print(JsonNode app, PrintWriter out) {
    new Details()
        .add("name", JsonText.text(app, "name"))
        .add("description", JsonText.text(app, "description"))
        .add("pipeline", pipeline(app))
        .add("allowed", String.join(", ", JsonText.strings(app.path("allowedEnvironments"))))
        .add("created", JsonText.when(app, "createdAt", "createdBy"))
        .add("updated", JsonText.text(app, "updatedAt"))
        .add("revision", JsonText.text(app, "revision"))
        .print(out);
  }

  static String pipeline(JsonNode app) {
    List<String> stages = new ArrayList<>();
    app.path("pipeline").forEach(stage -> stages.add(stage.isTextual() ? stage.asText() : JsonText.text(stage, "environment")));
    return String.join(" -> ", stages);
  }

  @Command(name = "list", description = "List the apps.")
  static final class ListApps extends ApiCommand {
    @Mixin
    PageOptions page;

    @Override
    int run(Session s) {
      JsonNode body = s.list(ApiPath.of("v1", "apps"), page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table = new Table("NAME", "PIPELINE", "DESCRIPTION");
      body.path("items").forEach(app -> table.row(JsonText.text(app, "name"), pipeline(app), JsonText.text(app, "description")));
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
      s.print(s.api().get(path(app)), body -> print(body, s.out()));
      return ExitCode.OK;
    }
  }

  @Command(name = "create", description = "Register an app with its pipeline.")
  static final class CreateApp extends ApiCommand {
    @Parameters(paramLabel = "APP", description = "lowercase letters, digits and '-', at most 24 characters")
    String app;

    @Option(names = "--pipeline", required = true, split = ",", paramLabel = "ENV",
        description = "the stages in order, e.g. dev,staging,prod")
    List<String> pipeline;

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(names = "--allowed-env", split = ",", paramLabel = "ENV",
        description = "environments allowed besides the pipeline's")
    List<String> allowed;

    @Override
    int run(Session s) {
      ObjectNode body = ApiClient.JSON.createObjectNode().put("name", app);
      if (description != null) {
        body.put("description", description);
      }
      strings(body.putArray("pipeline"), pipeline);
      if (allowed != null) {
        strings(body.putArray("allowedEnvironments"), allowed);
      }
      Answer created = s.api().post(ApiPath.of("v1", "apps"), body);
      s.print(created, app -> {
        s.out().println("created app " + JsonText.text(app, "name"));
        print(app, s.out());
      });
      return ExitCode.OK;
    }
  }

  @Command(name = "update", description = {"Change an app's description, pipeline or allowed environments.",
      "Reads the app and writes it back with the changes, refused (exit 3) if it changed in between."})
  static final class UpdateApp extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Option(names = "--pipeline", split = ",", paramLabel = "ENV", description = "the new stages, in order")
    List<String> pipeline;

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(names = "--allowed-env", split = ",", paramLabel = "ENV",
        description = "the new allowed environments (an empty value clears them)")
    List<String> allowed;

    @Option(names = "--if-match", paramLabel = "REVISION",
        description = "only if the app is still at this revision (default: the revision just read)")
    Long ifMatch;

    @Override
    int run(Session s) {
      if (pipeline == null && description == null && allowed == null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "nothing to update: give --pipeline, --description or --allowed-env");
      }
      Answer current = s.api().get(path(app));
      JsonNode was = current.body();
      ObjectNode body = ApiClient.JSON.createObjectNode().put("name", app);
      body.put("description", description != null ? description : JsonText.text(was, "description"));
      ArrayNode stages = body.putArray("pipeline");
      if (pipeline != null) {
        strings(stages, pipeline);
      } else {
        was.path("pipeline").forEach(stage -> stages.add(JsonText.text(stage, "environment")));
      }
      ArrayNode allowedEnvironments = body.putArray("allowedEnvironments");
      if (allowed != null) {
        strings(allowedEnvironments, allowed.stream().filter(e -> !e.isBlank()).toList());
      } else {
        was.path("allowedEnvironments").forEach(allowedEnvironments::add);
      }
      String revision = ifMatch != null ? "\"" + ifMatch + "\""
          : current.etag().orElse("\"" + JsonText.text(was, "revision") + "\"");
      Answer updated = s.api().put(path(app), body, Map.of("If-Match", revision));
      s.print(updated, result -> {
        s.out().println("updated app " + JsonText.text(result, "name"));
        print(result, s.out());
      });
      return ExitCode.OK;
    }
  }

  @Command(name = "delete", description = "Delete an app.")
  static final class DeleteApp extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Option(names = "--if-match", paramLabel = "REVISION", description = "only if the app is still at this revision")
    Long ifMatch;

    @Override
    int run(Session s) {
      Answer deleted = s.api().delete(path(app), ifMatch == null ? Map.of() : Map.of("If-Match", "\"" + ifMatch + "\""));
      s.print(deleted, body -> s.out().println("deleted app " + app));
      return ExitCode.OK;
    }
  }

  static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
