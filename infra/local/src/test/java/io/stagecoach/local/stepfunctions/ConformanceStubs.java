package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.StatesError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Integrations that replay one conformance case's recorded task calls ({@code stubs}) in order:
 * what the case's Lambda returned or raised (as the Python runtime's bytes), or, for {@code
 * .waitForTaskToken} carriers, what the test sent back with the task token. Calls the recording
 * does not cover fall back to the case's {@code lambdaBehavior} where it is the identity function.
 */
final class ConformanceStubs implements Integrations {

  /** Sends a task-token answer through the API: (token, stub result). */
  private final BiConsumer<String, JsonNode> callbacks;

  private volatile Iterator<JsonNode> remaining = List.<JsonNode>of().iterator();
  private volatile JsonNode behavior = JsonNodeFactory.instance.objectNode();

  /** Task calls that did not send what AWS recorded, or that AWS did not make. */
  private final List<String> mismatches = new java.util.concurrent.CopyOnWriteArrayList<>();

  ConformanceStubs(BiConsumer<String, JsonNode> callbacks) {
    this.callbacks = callbacks;
  }

  void load(JsonNode testCase) {
    List<JsonNode> stubs = new ArrayList<>();
    testCase.path("stubs").forEach(stubs::add);
    remaining = stubs.iterator();
    behavior = testCase.path("lambdaBehavior");
    mismatches.clear();
  }

  /**
   * What went differently from the recording: a call sent other data, a call AWS did not make, or
   * (when the execution is over) recorded calls that were not made, e.g. a retry too few.
   */
  List<String> deviations() {
    List<String> out = new ArrayList<>(mismatches);
    int left = 0;
    while (remaining.hasNext()) {
      remaining.next();
      left++;
    }
    if (left > 0) {
      out.add(left + " recorded task call(s) not made");
    }
    return out;
  }

  private void check(JsonNode stub, String field, JsonNode sent) {
    if (stub.has(field)) {
      String m =
          AslConformanceTest.compare(
              "task " + stub.path("state").asText() + " sent", stub.get(field), sent);
      if (m != null) {
        mismatches.add(m);
      }
    }
  }

  private synchronized JsonNode next(String call) {
    return remaining.hasNext() ? remaining.next() : null;
  }

  @Override
  public Invocation invokeFunction(String functionName, byte[] payload) {
    JsonNode stub = next(functionName);
    if (stub == null) {
      boolean identity = false;
      for (Map.Entry<String, JsonNode> e : behavior.properties()) {
        identity |= e.getValue().asText().startsWith("identity");
      }
      if (identity) {
        return new Invocation(payload, false, null, null);
      }
      mismatches.add("unrecorded call to " + functionName);
      throw new StatesError(
          "Lambda.ResourceNotFoundException", "no recorded call left for " + functionName);
    }
    JsonNode sent = parse(payload);
    if ("arn:aws:states:::lambda:invoke".equals(stub.path("resource").asText())) {
      JsonNode recorded = stub.path("recordedParameters");
      check(
          stub,
          "recordedParameters",
          recorded.has("Payload")
              ? JsonNodeFactory.instance
                  .objectNode()
                  .put("FunctionName", functionName)
                  .set("Payload", sent)
              : JsonNodeFactory.instance.objectNode().put("FunctionName", functionName));
    } else {
      check(stub, "recordedInput", sent);
    }
    JsonNode result = stub.get("result");
    if (result.has("timesOut")) {
      // The recorded function outlived the task's TimeoutSeconds: hang until the interpreter gives
      // up.
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new StatesError("Stub.Interrupted", "the timed-out call was cancelled");
    }
    if (result.has("throws")) {
      JsonNode t = result.get("throws");
      JsonNode cause = t.get("cause");
      String text =
          cause == null || cause.isNull()
              ? ""
              : cause.isTextual() ? cause.textValue() : python(cause);
      return new Invocation(
          text.getBytes(StandardCharsets.UTF_8), true, t.path("error").asText(), text);
    }
    JsonNode returns = result.get("returns");
    boolean envelope =
        "arn:aws:states:::lambda:invoke".equals(stub.path("resource").asText())
            && returns.isObject()
            && returns.has("StatusCode");
    JsonNode value = envelope ? returns.get("Payload") : returns;
    // The recorded functions ran on the Python runtime, which answers json.dumps bytes.
    return new Invocation(python(value).getBytes(StandardCharsets.UTF_8), false, null, null);
  }

  @Override
  public JsonNode putEvents(JsonNode entries) {
    throw new StatesError(StatesError.RUNTIME, "no EventBridge in the conformance cases");
  }

  @Override
  public DynamoDbClient dynamoDb() {
    return null;
  }

  /**
   * The SQS carrier of the callback cases: the recorded test read the message and answered with the
   * token it carried; a message without a token is never answered.
   */
  @Override
  public JsonNode callService(String service, String action, JsonNode parameters) {
    JsonNode stub = next(service + ":" + action);
    if (stub == null) {
      mismatches.add("unrecorded call to " + service + ":" + action);
      return unsupported(service, action, parameters);
    }
    check(stub, "recordedParameters", parameters);
    String token = findToken(parameters);
    JsonNode result = stub.get("result");
    if (token != null
        && result.has("callback")
        && result.get("callback").asText().startsWith("SendTask")) {
      Thread.ofVirtual().start(() -> callbacks.accept(token, result));
    }
    return JsonNodeFactory.instance
        .objectNode()
        .put("MessageId", java.util.UUID.randomUUID().toString());
  }

  private JsonNode unsupported(String service, String action, JsonNode parameters) {
    return Integrations.super.callService(service, action, parameters);
  }

  private static JsonNode parse(byte[] payload) {
    try {
      return Json.MAPPER.readTree(payload);
    } catch (java.io.IOException e) {
      return JsonNodeFactory.instance.textNode(new String(payload, StandardCharsets.UTF_8));
    }
  }

  private static String findToken(JsonNode node) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if ("TaskToken".equals(e.getKey()) && e.getValue().isTextual()) {
          return e.getValue().textValue();
        }
        String inner = findToken(e.getValue());
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  /**
   * JSON as Python's json.dumps writes it (", " and ": " separators): the Python runtime's error
   * bytes.
   */
  static String python(JsonNode node) {
    if (node.isObject()) {
      StringBuilder b = new StringBuilder("{");
      Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        b.append(Json.write(JsonNodeFactory.instance.textNode(e.getKey())))
            .append(": ")
            .append(python(e.getValue()));
        if (it.hasNext()) {
          b.append(", ");
        }
      }
      return b.append('}').toString();
    }
    if (node.isArray()) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < node.size(); i++) {
        b.append(i > 0 ? ", " : "").append(python(node.get(i)));
      }
      return b.append(']').toString();
    }
    return Json.write(node);
  }
}
