package io.stagecoach.local.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.dynamodb.DynamoDbForwarder;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import io.stagecoach.local.http.WireServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * DynamoDB's protocol in front of DynamoDB Local, for the functions only, with the plan's DynamoDB
 * faults: a throttled call gets the {@code ThrottlingException} DynamoDB answers (HTTP 400, which
 * the SDK retries with backoff), a slow one waits before it is passed on. Everything else is passed
 * through unchanged, the response's CRC32 header included.
 */
public final class DynamoDbFaultProxy implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DynamoDbForwarder forwarder;
  private final FaultInjector faults;
  private final WireServer server;

  /** Listens on a free loopback port and forwards to DynamoDB Local at {@code target}. */
  public DynamoDbFaultProxy(URI target, FaultInjector faults) throws IOException {
    this.forwarder = new DynamoDbForwarder(target);
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
    return forwarder.forward(request);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
