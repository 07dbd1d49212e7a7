package io.stagecoach.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Stagecoach REST API over the JDK's {@link HttpURLConnection}: JSON in, JSON out, a bearer
 * token on every request. A 2xx answer comes back as an {@link Answer}; anything else is thrown as
 * an {@link ApiProblem}, and no answer at all as {@link ApiUnreachable}.
 *
 * <p>HttpURLConnection rather than {@code java.net.http.HttpClient}: a command makes one request or
 * a few, and the newer client's set-up (its selector thread, and TLS initialized even for the local
 * cloud's plain HTTP) was a third of a short command's time. Keep-alive still serves a follow's
 * polls; TLS is set up only for an {@code https} endpoint.
 */
public final class ApiClient implements AutoCloseable {

  static {
    // A POST is never sent twice behind our back (the JDK retries one on a stale keep-alive
    // connection by default): the API's writes are retried by the user, with their Idempotency-Key.
    System.setProperty("sun.net.http.retryPost", "false");
  }

  public static final ObjectMapper JSON = new ObjectMapper();
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final String USER_AGENT = "stagecoach-cli/0.1.0";

  private final String base;
  private final Optional<String> token;

  /**
   * @param endpoint the API's base URL, with its stage when it has one ({@code
   *     https://...amazonaws.com/live})
   * @param token the bearer token, if any: without one only the OpenAPI document answers
   */
  public ApiClient(URI endpoint, Optional<String> token) {
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
    if ("PATCH".equals(method)) {
      return sendPatch(path, body, headers);
    }
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) URI.create(base + path.value()).toURL().openConnection();
      c.setRequestMethod(method);
    } catch (IOException | IllegalArgumentException e) {
      throw new ApiUnreachable("cannot reach " + base + ": " + e.getMessage(), e);
    }
    c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    c.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setRequestProperty("Accept", "application/json, application/problem+json");
    c.setRequestProperty("User-Agent", USER_AGENT);
    token.ifPresent(t -> c.setRequestProperty("Authorization", "Bearer " + t));
    byte[] payload = body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8);
    if (payload != null) {
      c.setRequestProperty("Content-Type", "application/json");
      // Buffered, not streamed: the head and the body leave in one write.
      c.setDoOutput(true);
    }
    headers.forEach(c::setRequestProperty);
    try {
      c.connect();
    } catch (SocketTimeoutException e) {
      throw new ApiUnreachable(
          "cannot reach " + base + ": no connection within " + CONNECT_TIMEOUT.toSeconds() + " s",
          e);
    } catch (ConnectException e) {
      throw new ApiUnreachable(
          "cannot reach " + base + " (connection refused; is 'stagecoach serve' running?)", e);
    } catch (IOException e) {
      throw new ApiUnreachable("cannot reach " + base + ": " + describe(e), e);
    }
    try {
      if (payload != null) {
        try (OutputStream out = c.getOutputStream()) {
          out.write(payload);
        }
      }
      int status = c.getResponseCode();
      String text;
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      c.getHeaderFields()
          .forEach(
              (name, values) -> {
                // The status line comes as the header without a name.
                if (name != null) {
                  fields.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
                }
              });
      return answer(method, path, status, HttpHeaders.of(fields, (n, v) -> true), text);
    } catch (SocketTimeoutException e) {
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
    } catch (IOException e) {
      throw new ApiUnreachable("cannot reach " + base + ": " + describe(e), e);
    }
  }

  /**
   * A PATCH, which {@link HttpURLConnection} cannot send: through {@code java.net.http.HttpClient},
   * made only for it (updates are the only PATCH the CLI sends).
   */
  private Answer sendPatch(ApiPath path, JsonNode body, Map<String, String> headers) {
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(URI.create(base + path.value()))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json, application/problem+json")
            .header("User-Agent", USER_AGENT)
            .method(
                "PATCH",
                body == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    if (body != null) {
      request.setHeader("Content-Type", "application/json");
    }
    headers.forEach(request::setHeader);
    java.net.http.HttpResponse<String> response;
    try (java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build()) {
      response = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpConnectTimeoutException e) {
      throw new ApiUnreachable(
          "cannot reach " + base + ": no connection within " + CONNECT_TIMEOUT.toSeconds() + " s",
          e);
    } catch (ConnectException e) {
      throw new ApiUnreachable(
          "cannot reach " + base + " (connection refused; is 'stagecoach serve' running?)", e);
    } catch (java.net.http.HttpTimeoutException e) {
      throw new ApiUnreachable(
          base + " did not answer PATCH " + path + " within " + REQUEST_TIMEOUT.toSeconds() + " s",
          e);
    } catch (IOException e) {
      throw new ApiUnreachable("cannot reach " + base + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiUnreachable("interrupted while waiting for " + base, e);
    }
    return answer("PATCH", path, response.statusCode(), response.headers(), response.body());
  }

  private static Answer answer(
      String method, ApiPath path, int status, HttpHeaders headers, String text) {
    Optional<String> etag = headers.firstValue("ETag");
    JsonNode body = text.isBlank() ? MissingNode.getInstance() : parse(text);
    if (status >= 200 && status < 300) {
      if (body == null) {
        throw new ApiProblem(
            status,
            null,
            method + " " + path + " answered " + status + " with a body that is not JSON",
            List.of());
      }
      return new Answer(status, etag, body, headers);
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

  /** Nothing to release: idle keep-alive connections are the JDK's, closed after a while. */
  @Override
  public void close() {}
}
