package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.functions.support.AuditNote;
import io.stagecoach.functions.support.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: a status, headers and a JSON (or problem+json) body; and, never sent, what
 * the request changed for its audit entry ({@link #audited}).
 */
record ApiResponse(int status, Map<String, String> headers, String body, AuditNote audit) {

  ApiResponse {
    java.util.Objects.requireNonNull(audit, "audit");
  }

  ApiResponse(int status, Map<String, String> headers, String body) {
    this(status, headers, body, AuditNote.NONE);
  }

  /**
   * This answer, noting for the audit log what the request changed (before and after): internal,
   * the caller gets the same status, headers and body.
   */
  ApiResponse audited(AuditNote note) {
    return new ApiResponse(status, headers, body, note);
  }

  static final String JSON = "application/json";
  static final String PROBLEM_JSON = "application/problem+json";

  static ApiResponse json(int status, JsonNode body) {
    return new ApiResponse(status, Map.of("Content-Type", JSON), Json.write(body));
  }

  static ApiResponse noContent() {
    return new ApiResponse(204, Map.of(), "");
  }

  /**
   * A 200 answer tagged with a strong ETag made from its body; when the request's {@code
   * If-None-Match} names that tag (or {@code *}), 304 Not Modified with no body instead. For views
   * that are polled (a running promotion): an unchanged one costs no body and no redrawing.
   */
  ApiResponse taggedByContent(java.util.Optional<String> ifNoneMatch) {
    if (status != 200) {
      return this;
    }
    String tag = contentTag(body);
    if (ifNoneMatch.isPresent() && namesTag(ifNoneMatch.get(), tag)) {
      return new ApiResponse(304, Map.of("ETag", tag), "");
    }
    return withHeader("ETag", tag);
  }

  static String contentTag(String body) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "\"" + java.util.HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** RFC 9110 13.1.2: a list of entity tags compared weakly, or {@code *}. */
  private static boolean namesTag(String header, String tag) {
    for (String candidate : header.split(",")) {
      String t = candidate.trim();
      if (t.equals("*")) {
        return true;
      }
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(tag)) {
        return true;
      }
    }
    return false;
  }

  ApiResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiResponse(status, h, body, audit);
  }

  /** An RFC 9457 problem with the stable code callers branch on. */
  static ApiResponse problem(
      int status, String code, String title, String detail, String instance) {
    return problemResponse(status, problemBody(status, code, title, detail, instance));
  }

  static ApiResponse rejection(Rejection rejection, String instance) {
    int status = statusOf(rejection.code());
    ObjectNode body =
        problemBody(
            status,
            rejection.code().wireName(),
            titleOf(rejection.code()),
            rejection.detail(),
            instance);
    if (!rejection.errors().isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      for (FieldError e : rejection.errors()) {
        errors.addObject().put("field", e.field()).put("message", e.message());
      }
    }
    return problemResponse(status, body);
  }

  private static ApiResponse problemResponse(int status, ObjectNode body) {
    return new ApiResponse(status, Map.of("Content-Type", PROBLEM_JSON), Json.write(body));
  }

  private static ObjectNode problemBody(
      int status, String code, String title, String detail, String instance) {
    ObjectNode body = Json.object();
    body.put("type", "urn:stagecoach:problem:" + code);
    body.put("title", title);
    body.put("status", status);
    body.put("code", code);
    body.put("detail", detail);
    if (instance != null) {
      body.put("instance", instance);
    }
    return body;
  }

  static int statusOf(Rejection.Code code) {
    return switch (code) {
      case VALIDATION_FAILED -> 400;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN, SELF_APPROVAL -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT,
          ORDER_VIOLATION,
          PROMOTION_REQUIRED,
          PROTECTED,
          FROZEN,
          WINDOW_CLOSED,
          EXPIRED,
          DRIFTED ->
          409;
    };
  }

  static String titleOf(Rejection.Code code) {
    return switch (code) {
      case VALIDATION_FAILED -> "The request is not valid";
      case NOT_FOUND -> "Not found";
      case CONFLICT -> "Conflict with the current state";
      case ORDER_VIOLATION -> "The pipeline order forbids this";
      case PROMOTION_REQUIRED -> "This environment is reached by promotion only";
      case FORBIDDEN -> "Forbidden";
      case SELF_APPROVAL -> "The requester cannot approve";
      case PROTECTED -> "The environment is protected";
      case FROZEN -> "The environment is frozen";
      case WINDOW_CLOSED -> "The deployment window is closed";
      case EXPIRED -> "The environment has expired";
      case DRIFTED -> "The environment has drifted";
      case UNAUTHORIZED -> "Unauthorized";
    };
  }
}
