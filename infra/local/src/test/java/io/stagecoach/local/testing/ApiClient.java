package io.stagecoach.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A JDK HTTP client for the local cloud's API, with a bearer token. */
public final class ApiClient {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final String token;

  public record Reply(
      int status, String contentType, String body, java.net.http.HttpHeaders headers) {
    public String header(String name) {
      return headers == null ? null : headers.firstValue(name).orElse(null);
    }

    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  public ApiClient(URI endpoint, String token) {
    this.endpoint = endpoint;
    this.token = token;
  }

  public ApiClient as(String otherToken) {
    return new ApiClient(endpoint, otherToken);
  }

  public Reply get(String path) {
    return send("GET", path, null);
  }

  public Reply send(String method, String path, String body) {
    return send(method, path, body, java.util.Map.of());
  }

  public Reply send(
      String method, String path, String body, java.util.Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(
          r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
