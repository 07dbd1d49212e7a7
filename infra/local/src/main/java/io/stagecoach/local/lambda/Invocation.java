package io.stagecoach.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The outcome of one invocation, as Lambda reports it: the JSON the handler returned, or a function
 * error with Lambda's error payload ({@code errorMessage}, {@code errorType}).
 */
public record Invocation(
    byte[] payload, boolean functionError, String errorType, String errorMessage) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Invocation success(byte[] payload) {
    return new Invocation(payload, false, null, null);
  }

  static Invocation error(String type, String message, byte[] payload) {
    return new Invocation(payload, true, type, message);
  }

  /** What Lambda's Invoke answers for a function that does not exist. */
  public static Invocation notFound(String message) {
    return failure("ResourceNotFoundException", message);
  }

  /** A failed invocation with Lambda's error document ({@code errorType}, {@code errorMessage}). */
  public static Invocation failure(String type, String message) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("errorType", type);
    payload.put("errorMessage", message);
    return error(type, message, payload.toString().getBytes(StandardCharsets.UTF_8));
  }

  public String payloadText() {
    return new String(payload, StandardCharsets.UTF_8);
  }
}
