package io.stagecoach.local.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import io.stagecoach.local.http.WireServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB's protocol in front of DynamoDB Local, for the functions only, with the plan's DynamoDB
 * faults: a throttled call gets the {@code ThrottlingException} DynamoDB answers (HTTP 400, which
 * the SDK retries with backoff), a slow one waits before it is passed on. Everything else is passed
 * through unchanged, the response's CRC32 header included.
 */
public final class DynamoDbFaultProxy implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private final URI target;
  private final FaultInjector faults;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final WireServer server;

  /** Listens on a free loopback port and forwards to DynamoDB Local at {@code target}. */
  public DynamoDbFaultProxy(URI target, FaultInjector faults) throws IOException {
    this.target = target;
    this.faults = faults;
    this.server = new WireServer(0, this::handle);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  RawResponse handle(RawRequest request) {
    Duration latency = faults.delay(FaultPlan.Kind.DYNAMODB_LATENCY);
    if (!latency.isZero()) {
      try {
        Thread.sleep(latency);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (faults.hits(FaultPlan.Kind.DYNAMODB_THROTTLE)) {
      ObjectNode body = JSON.createObjectNode();
      body.put("__type", "com.amazonaws.dynamodb.v20120810#ThrottlingException");
      body.put("message", "Rate of requests exceeds the allowed throughput. (injected fault)");
      return RawResponse.awsJson(
          400, "application/x-amz-json-1.0", body.toString(), "ThrottlingException");
    }
    HttpRequest.Builder forward =
        HttpRequest.newBuilder(target.resolve(request.target()))
            .timeout(Duration.ofSeconds(60))
            .method(
                request.method(),
                HttpRequest.BodyPublishers.ofByteArray(
                    request.body() == null ? new byte[0] : request.body()));
    for (Map.Entry<String, String> h : request.headers()) {
      if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        forward.header(h.getKey(), h.getValue());
      }
    }
    HttpResponse<byte[]> answer;
    try {
      answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return RawResponse.awsJson(
          500,
          "application/x-amz-json-1.0",
          JSON.createObjectNode()
              .put("__type", "com.amazonaws.dynamodb.v20120810#InternalServerError")
              .put("message", "DynamoDB Local did not answer: " + e.getMessage())
              .toString(),
          "InternalServerError");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling DynamoDB Local", e);
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> headers.add(Map.entry(name, v)));
              }
            });
    return new RawResponse(answer.statusCode(), headers, answer.body());
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
