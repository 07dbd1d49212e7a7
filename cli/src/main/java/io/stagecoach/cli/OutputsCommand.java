package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiProblem;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach outputs}: the stack outputs of what runs in an environment, alone, for scripts:
 * {@code KEY=VALUE} lines (sorted by key), one value with {@code KEY}, or {@code --json} an object.
 */
@Command(
    name = "outputs",
    description = {
      "Print the stack outputs of what runs in an environment, for scripts.",
      "Text: KEY=VALUE lines, sorted; with KEY only that value; --json: one JSON object.",
      "An environment nothing was deployed to, or a KEY it lacks, is not found (exit 4)."
    })
final class OutputsCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "ENV")
  String env;

  @Parameters(index = "2", paramLabel = "KEY", arity = "0..1", description = "one output's name")
  String key;

  @Override
  int run(Session s) {
    JsonNode environment = s.api().get(EnvsCommand.path(app, env)).body();
    JsonNode outputs = environment.path("outputs");
    if (!outputs.isObject()) {
      throw notFound(
          "environment '" + app + "/" + env + "' runs nothing yet; deploy a release to it first");
    }
    if (key != null) {
      JsonNode value = outputs.path(key);
      if (value.isMissingNode()) {
        throw notFound(
            "environment '"
                + app
                + "/"
                + env
                + "' has no output "
                + key
                + " (it has "
                + String.join(", ", JsonText.map(outputs).keySet())
                + ")");
      }
      s.out().println(s.json() ? value.toString() : value.asText());
      return ExitCode.OK;
    }
    if (s.json()) {
      s.printJson(outputs);
      return ExitCode.OK;
    }
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(JsonText.map(outputs)).entrySet()) {
      s.out().println(e.getKey() + "=" + e.getValue());
    }
    return ExitCode.OK;
  }

  private static ApiProblem notFound(String detail) {
    return new ApiProblem(404, "not_found", detail, List.of());
  }
}
