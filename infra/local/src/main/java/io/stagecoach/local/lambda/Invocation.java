package io.stagecoach.local.lambda;

import java.nio.charset.StandardCharsets;

/**
 * The outcome of one invocation, as Lambda reports it: the JSON the handler returned, or a function
 * error with Lambda's error payload ({@code errorMessage}, {@code errorType}).
 */
public record Invocation(
    byte[] payload, boolean functionError, String errorType, String errorMessage) {

  static Invocation success(byte[] payload) {
    return new Invocation(payload, false, null, null);
  }

  static Invocation error(String type, String message, byte[] payload) {
    return new Invocation(payload, true, type, message);
  }

  /** What Lambda's Invoke answers for a function that does not exist. */
  public static Invocation notFound(String message) {
    String payload =
        "{\"errorType\":\"ResourceNotFoundException\",\"errorMessage\":\""
            + message.replace("\"", "'")
            + "\"}";
    return error("ResourceNotFoundException", message, payload.getBytes(StandardCharsets.UTF_8));
  }

  public String payloadText() {
    return new String(payload, StandardCharsets.UTF_8);
  }
}
