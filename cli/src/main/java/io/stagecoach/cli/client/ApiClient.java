package io.stagecoach.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Stagecoach REST API over the JDK's HTTP client: JSON in, JSON out, a bearer token on every
 * request. A 2xx answer comes back as an {@link Answer}; anything else is thrown as an {@link
 * ApiProblem}, and no answer at all as {@link ApiUnreachable}.
 */
public final class ApiClient implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final String USER_AGENT = "stagecoach-cli/0.1.0";

  private final HttpClient http;
  private final String base;
  private final Optional<String> token;

  /**
   * @param endpoint the API's base URL, with its stage when it has one ({@code
   *     https://...amazonaws.com/live})
   * @param token the bearer token, if any: without one only the OpenAPI document answers
   */
  public ApiClient(URI endpoint, Optional<String> token) {
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    String text = endpoint.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.token = token;
  }

  public String endpoint() {
    return base;
  }

  public Answer get(ApiPath path) {
    return send("GET", path, null, Map.of());
  }

  public Answer post(ApiPath path, JsonNode body) {
    return send("POST", path, body, Map.of());
  }

  public Answer post(ApiPath path, JsonNode body, Map<String, String> headers) {
    return send("POST", path, body, headers);
  }

  public Answer put(ApiPath path, JsonNode body, Map<String, String> headers) {
    return send("PUT", path, body, headers);
  }

  /** A JSON Merge Patch (RFC 7396): only what {@code patch} names changes. */
  public Answer patch(ApiPath path, JsonNode patch, Map<String, String> headers) {
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.put("Content-Type", MERGE_PATCH);
    return send("PATCH", path, patch, all);
  }

  /** The media type of a JSON Merge Patch. */
  public static final String MERGE_PATCH = "application/merge-patch+json";

  public Answer delete(ApiPath path, Map<String, String> headers) {
    return send("DELETE", path, null, headers);
  }

  public Answer send(String method, ApiPath path, JsonNode body, Map<String, String> headers) {
    URI uri = URI.create(base + path.value());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json, application/problem+json")
            .header("User-Agent", USER_AGENT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    if (body != null) {
      request.setHeader("Content-Type", "application/json");
    }
    headers.forEach(request::setHeader);
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw new ApiUnreachable(
          "cannot reach " + base + ": no connection within " + CONNECT_TIMEOUT.toSeconds() + " s",
          e);
    } catch (HttpTimeoutException e) {
      throw new ApiUnreachable(
          base
              + " did not answer "
              + method
              + " "
              + path
              + " within "
              + REQUEST_TIMEOUT.toSeconds()
              + " s",
          e);
    } catch (ConnectException e) {
      throw new ApiUnreachable(
          "cannot reach " + base + " (connection refused; is 'stagecoach serve' running?)", e);
    } catch (IOException e) {
      throw new ApiUnreachable("cannot reach " + base + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiUnreachable("interrupted while waiting for " + base, e);
    }
    return answer(method, path, response);
  }

  private static Answer answer(String method, ApiPath path, HttpResponse<String> response) {
    int status = response.statusCode();
    Optional<String> etag = response.headers().firstValue("ETag");
    String text = response.body() == null ? "" : response.body();
    JsonNode body = text.isBlank() ? MissingNode.getInstance() : parse(text);
    if (status >= 200 && status < 300) {
      if (body == null) {
        throw new ApiProblem(
            status,
            null,
            method + " " + path + " answered " + status + " with a body that is not JSON",
            List.of());
      }
      return new Answer(status, etag, body, response.headers());
    }
    throw problem(status, body);
  }

  /** The RFC 9457 problem the API sent, or one made from the status when the body is not one. */
  static ApiProblem problem(int status, JsonNode body) {
    if (body != null && body.isObject() && body.path("code").isTextual()) {
      List<ApiProblem.FieldError> errors = new ArrayList<>();
      for (JsonNode e : body.path("errors")) {
        errors.add(
            new ApiProblem.FieldError(e.path("field").asText(""), e.path("message").asText("")));
      }
      String detail = body.path("detail").asText("");
      if (detail.isBlank()) {
        detail = body.path("title").asText("HTTP " + status);
      }
      return new ApiProblem(status, body.path("code").asText(), detail, errors);
    }
    String message =
        body != null && body.path("message").isTextual()
            ? body.path("message").asText()
            : reason(status);
    return new ApiProblem(status, null, "HTTP " + status + ": " + message, List.of());
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not found";
      case 409 -> "conflict";
      case 429 -> "too many requests";
      case 500 -> "internal server error";
      case 502 -> "bad gateway";
      case 503 -> "service unavailable";
      case 504 -> "gateway timeout";
      default -> "unexpected answer";
    };
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      Throwable cause = e.getCause();
      message =
          cause != null && cause.getMessage() != null
              ? cause.getMessage()
              : e.getClass().getSimpleName();
    }
    return message;
  }

  @Override
  public void close() {
    http.close();
  }
}
