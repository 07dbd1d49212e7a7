package io.stagecoach.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.Follow;
import io.stagecoach.cli.settings.ConnectionSettings;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * What a command works with once its settings are resolved: the API, where to print, whether to
 * print JSON, and a {@link Follow} for what runs on after the request.
 */
record Session(
    ApiClient api,
    ConnectionSettings settings,
    PrintWriter out,
    PrintWriter err,
    boolean json,
    Follow.Pacing pacing,
    Display display) {

  String time(JsonNode node, String field) {
    return display.time(node, field);
  }

  String when(JsonNode node, String atField, String byField) {
    return display.when(node, atField, byField);
  }

  /** The answer's JSON as it came ({@code --json}), or {@code text} of it. */
  void print(Answer answer, Consumer<JsonNode> text) {
    if (json) {
      if (answer.hasBody()) {
        printJson(answer.body());
      }
    } else {
      text.accept(answer.body());
    }
  }

  void printJson(JsonNode body) {
    try {
      out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed answer is always writable", e);
    }
  }

  /**
   * A list route's page ({@code {"items": [...], "nextCursor": ...}}), or every page joined with
   * {@code --all}. In text mode the cursor of the next page goes to stderr, so stdout stays a
   * table.
   */
  JsonNode list(ApiPath path, PageOptions page) {
    ApiPath first = path.query("limit", page.limit).query("cursor", page.cursor);
    JsonNode body = api.get(first).body();
    if (page.all) {
      ObjectNode joined = ApiClient.JSON.createObjectNode();
      ArrayNode items = joined.putArray("items");
      while (true) {
        body.path("items").forEach(items::add);
        String next = body.path("nextCursor").asText("");
        if (next.isEmpty()) {
          return joined;
        }
        body = api.get(path.query("limit", page.limit).query("cursor", next)).body();
      }
    }
    String next = body.path("nextCursor").asText("");
    if (!next.isEmpty() && !json) {
      err.println("more: --cursor " + next + " (or --all)");
    }
    return body;
  }

  /** Follows with progress on stdout, or on stderr when stdout is kept for JSON. */
  Follow follow() {
    return new Follow(api, pacing, json ? err : out);
  }
}
