package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.Json;

/**
 * One JSON log line per event worth keeping. Never given a secret, a token, a response URL (it lets
 * its holder post into the channel) or a request body.
 */
final class SlackLog {

  private SlackLog() {}

  static void info(String message, String... fields) {
    write("INFO", message, fields);
  }

  static void warn(String message, String... fields) {
    write("WARN", message, fields);
  }

  static void error(String message, String... fields) {
    write("ERROR", message, fields);
  }

  private static void write(String level, String message, String... fields) {
    ObjectNode line = Json.object().put("level", level).put("message", message);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      line.put(fields[i], fields[i + 1]);
    }
    System.err.println(Json.write(line));
  }
}
