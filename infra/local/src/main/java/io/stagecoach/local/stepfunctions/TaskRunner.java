package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.stepfunctions.asl.Interpreter;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.Run;
import io.stagecoach.local.stepfunctions.asl.StatesError;
import io.stagecoach.local.stepfunctions.asl.StepClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs Task states' resources through {@link Integrations}: Lambda by function ARN (payload in,
 * result out) and {@code lambda:invoke} (AWS's Invoke response envelope), {@code events:putEvents},
 * DynamoDB item calls, other services via {@link Integrations#callService}; the {@code
 * .waitForTaskToken} pattern for any of them; TimeoutSeconds and HeartbeatSeconds.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
 */
final class TaskRunner implements Interpreter.Tasks {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String OPTIMIZED = "arn:aws:states:::";
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private final Integrations integrations;
  private final TaskTokens tokens;
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

  TaskRunner(Integrations integrations, TaskTokens tokens) {
    this.integrations = integrations;
    this.tokens = tokens;
  }

  @Override
  public JsonNode execute(Interpreter.TaskRequest request) throws InterruptedException {
    Run run = request.run();
    String resource = request.resource();
    boolean callback = resource.endsWith(".waitForTaskToken");
    String base =
        callback
            ? resource.substring(0, resource.length() - ".waitForTaskToken".length())
            : resource.endsWith(".sync")
                ? resource.substring(0, resource.length() - ".sync".length())
                : resource;
    boolean lambdaArn = base.startsWith("arn:aws:lambda:");
    String prefix = lambdaArn ? "LambdaFunction" : "Task";
    if (request.resume() != null) {
      return resumeWaiting(request, prefix);
    }
    ObjectNode scheduled = NODES.objectNode();
    if (lambdaArn) {
      scheduled.put("resource", base);
      scheduled.put("input", Json.write(request.parameters()));
    } else {
      scheduled.put("resourceType", serviceOf(base));
      scheduled.put("resource", actionOf(base) + (callback ? ".waitForTaskToken" : ""));
      scheduled.put("region", regionOf(run.executionArn()));
      scheduled.put("parameters", Json.write(request.parameters()));
    }
    if (request.timeout() != null && request.timeout().toSeconds() < 365L * 24 * 3600) {
      scheduled.put("timeoutInSeconds", request.timeout().toSeconds());
    }
    if (request.heartbeat() != null) {
      scheduled.put("heartbeatInSeconds", request.heartbeat().toSeconds());
    }
    run.record(
        prefix + "Scheduled",
        lambdaArn ? "lambdaFunctionScheduledEventDetails" : "taskScheduledEventDetails",
        scheduled);
    run.record(prefix + "Started", null, null);

    TaskTokens.Pending pending =
        callback ? tokens.open(request.taskToken(), run.executionArn()) : null;
    Instant deadline = run.clock().now().plus(request.timeout());
    try {
      Future<JsonNode> call = calls.submit(() -> call(base, request.parameters(), run.clock()));
      JsonNode result = await(call, run, deadline);
      if (callback) {
        // Checkpoint the token before the history says the task was submitted: whoever sees
        // TaskSubmitted
        // (a caller about to answer, a test about to kill serve) can rely on the wait surviving a
        // restart.
        request.tokenListener().awaitingToken(request.taskToken(), deadline);
        run.record(
            "TaskSubmitted",
            "taskSubmittedEventDetails",
            NODES.objectNode().put("output", Json.write(result)));
        result = awaitToken(pending, run, deadline, request.heartbeat());
      }
      run.record(
          prefix + "Succeeded",
          lambdaArn ? "lambdaFunctionSucceededEventDetails" : "taskSucceededEventDetails",
          NODES.objectNode().put("output", Json.write(result)));
      return result;
    } catch (StatesError e) {
      recordFailure(run, prefix, lambdaArn ? "lambdaFunction" : "task", e);
      throw e;
    } finally {
      if (callback) {
        tokens.close(request.taskToken());
      }
    }
  }

  /**
   * The history event of a task that failed or timed out ({@code detailsPrefix}: lambdaFunction or
   * task).
   */
  private static void recordFailure(Run run, String prefix, String detailsPrefix, StatesError e) {
    String type =
        StatesError.TIMEOUT.equals(e.error()) || StatesError.HEARTBEAT_TIMEOUT.equals(e.error())
            ? "TimedOut"
            : "Failed";
    ObjectNode details = NODES.objectNode();
    details.put("error", e.error());
    details.put("cause", e.cause());
    run.record(prefix + type, detailsPrefix + type + "EventDetails", details);
  }

  /** After a restart: the request was sent before, so only the wait for the token goes on. */
  private JsonNode resumeWaiting(Interpreter.TaskRequest request, String prefix)
      throws InterruptedException {
    Run run = request.run();
    String token = request.taskToken();
    Instant deadline = request.resume().taskDeadline();
    TaskTokens.Pending pending = tokens.open(token, run.executionArn());
    try {
      request.tokenListener().awaitingToken(token, deadline);
      JsonNode result = awaitToken(pending, run, deadline, request.heartbeat());
      run.record(
          prefix + "Succeeded",
          "taskSucceededEventDetails",
          NODES.objectNode().put("output", Json.write(result)));
      return result;
    } catch (StatesError e) {
      recordFailure(run, prefix, "task", e);
      throw e;
    } finally {
      tokens.close(token);
    }
  }

  /**
   * The call's answer within the task's timeout. A call is work done in this process, so its limit
   * runs on the wall clock ({@link StepClock#realDuration}): moving the execution's clock forward
   * does not cut a call short. Waiting for a task token is waiting for time to pass, and follows
   * the execution's clock ({@link #awaitToken}).
   */
  private static JsonNode await(Future<JsonNode> call, Run run, Instant deadline)
      throws InterruptedException {
    try {
      Duration left = Duration.between(run.clock().now(), deadline);
      return call.get(Math.max(0, run.clock().realDuration(left).toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new StatesError(StatesError.TIMEOUT, null);
    } catch (InterruptedException e) {
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatesError se) {
        throw se;
      }
      throw new StatesError(StatesError.TASK_FAILED, String.valueOf(e.getCause()));
    }
  }

  /** Waits for SendTaskSuccess/Failure, within the task's timeout and between heartbeats. */
  private static JsonNode awaitToken(
      TaskTokens.Pending pending, Run run, Instant deadline, Duration heartbeat)
      throws InterruptedException {
    long seenBeats = pending.heartbeats.get();
    if (pending.outcome.isDone()) {
      // Answered already (before a restart, say): the answer stands even if the deadline has passed
      // since.
      try {
        return pending.outcome.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StatesError se) {
          throw se;
        }
        throw new StatesError(StatesError.TASK_FAILED, String.valueOf(e.getCause()));
      }
    }
    while (true) {
      Instant now = run.clock().now();
      Duration left = Duration.between(now, deadline);
      if (left.isNegative() || left.isZero()) {
        throw new StatesError(StatesError.TIMEOUT, null);
      }
      Duration slice = heartbeat == null || heartbeat.compareTo(left) > 0 ? left : heartbeat;
      try {
        // On the execution's clock: moved past the deadline (or a heartbeat), the wait ends now.
        return run.clock().await(pending.outcome, now.plus(slice));
      } catch (TimeoutException e) {
        if (heartbeat != null && slice.equals(heartbeat)) {
          long beats = pending.heartbeats.get();
          if (beats == seenBeats) {
            throw new StatesError(StatesError.HEARTBEAT_TIMEOUT, null);
          }
          seenBeats = beats;
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StatesError se) {
          throw se;
        }
        throw new StatesError(StatesError.TASK_FAILED, String.valueOf(e.getCause()));
      }
    }
  }

  private JsonNode call(String resource, JsonNode parameters, StepClock clock) {
    if (resource.startsWith("arn:aws:lambda:")) {
      Invocation inv = integrations.invokeFunction(resource, bytes(parameters));
      if (inv.functionError()) {
        throw new StatesError(inv.errorType(), inv.payloadText());
      }
      return parsePayload(inv.payload());
    }
    if (!resource.startsWith(OPTIMIZED)) {
      throw new StatesError(StatesError.RUNTIME, "Unsupported resource " + resource);
    }
    String service = serviceOf(resource);
    String action = actionOf(resource);
    return switch (service + ":" + action) {
      case "lambda:invoke" -> lambdaInvoke(parameters, clock);
      case "events:putEvents" -> putEvents(parameters);
      case "dynamodb:getItem", "dynamodb:putItem", "dynamodb:updateItem", "dynamodb:deleteItem" -> {
        if (integrations.dynamoDb() == null) {
          throw new StatesError(StatesError.RUNTIME, "no DynamoDB is configured for " + resource);
        }
        yield DynamoDbTasks.call(integrations.dynamoDb(), action, parameters);
      }
      default -> integrations.callService(service, action, parameters);
    };
  }

  /** {@code lambda:invoke}: the Invoke API's answer, as AWS puts it in the state's result. */
  private JsonNode lambdaInvoke(JsonNode parameters, StepClock clock) {
    JsonNode name = parameters.get("FunctionName");
    if (name == null || !name.isTextual()) {
      throw new StatesError(StatesError.RUNTIME, "lambda:invoke needs a FunctionName parameter");
    }
    JsonNode payload = parameters.has("Payload") ? parameters.get("Payload") : NODES.objectNode();
    Invocation inv = integrations.invokeFunction(name.textValue(), bytes(payload));
    if (inv.functionError()) {
      // The service integration re-serializes Lambda's error document compactly.
      String cause;
      try {
        cause = Json.write(Json.parse(inv.payloadText()));
      } catch (JsonProcessingException e) {
        cause = inv.payloadText();
      }
      throw new StatesError(inv.errorType(), cause);
    }
    String requestId = UUID.randomUUID().toString();
    String traceId =
        "Root=1-"
            + Long.toHexString(clock.now().getEpochSecond())
            + "-"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    String date = HTTP_DATE.format(clock.now());
    String length = String.valueOf(inv.payload().length);
    ObjectNode out = NODES.objectNode();
    out.put("ExecutedVersion", "$LATEST");
    out.set("Payload", parsePayload(inv.payload()));
    ObjectNode http = out.putObject("SdkHttpMetadata");
    ObjectNode all = http.putObject("AllHttpHeaders");
    all.putArray("X-Amz-Executed-Version").add("$LATEST");
    all.putArray("x-amzn-Remapped-Content-Length").add("0");
    all.putArray("Connection").add("keep-alive");
    all.putArray("x-amzn-RequestId").add(requestId);
    all.putArray("Content-Length").add(length);
    all.putArray("Date").add(date);
    all.putArray("X-Amzn-Trace-Id").add(traceId);
    all.putArray("Content-Type").add("application/json");
    ObjectNode headers = http.putObject("HttpHeaders");
    headers.put("Connection", "keep-alive");
    headers.put("Content-Length", length);
    headers.put("Content-Type", "application/json");
    headers.put("Date", date);
    headers.put("X-Amz-Executed-Version", "$LATEST");
    headers.put("x-amzn-Remapped-Content-Length", "0");
    headers.put("x-amzn-RequestId", requestId);
    headers.put("X-Amzn-Trace-Id", traceId);
    http.put("HttpStatusCode", 200);
    out.putObject("SdkResponseMetadata").put("RequestId", requestId);
    out.put("StatusCode", 200);
    return out;
  }

  private JsonNode putEvents(JsonNode parameters) {
    JsonNode entries = parameters.get("Entries");
    if (entries == null || !entries.isArray()) {
      throw new StatesError(
          StatesError.RUNTIME, "events:putEvents needs an Entries array parameter");
    }
    ArrayNode normalized = NODES.arrayNode();
    for (JsonNode entry : entries) {
      ObjectNode e = entry.deepCopy();
      // The integration accepts Detail as a JSON object and sends it to PutEvents as text.
      if (e.has("Detail") && !e.get("Detail").isTextual()) {
        e.put("Detail", Json.write(e.get("Detail")));
      }
      normalized.add(e);
    }
    JsonNode response = integrations.putEvents(normalized);
    if (response != null && response.path("FailedEntryCount").asInt(0) > 0) {
      throw new StatesError("EventBridge.FailedEntry", Json.write(response));
    }
    return response == null ? NODES.objectNode() : response;
  }

  private static JsonNode parsePayload(byte[] payload) {
    if (payload == null || payload.length == 0) {
      return NullNode.getInstance();
    }
    try {
      return Json.MAPPER.readTree(payload);
    } catch (java.io.IOException e) {
      // A function answering non-JSON bytes: AWS reports the task as failed.
      throw new StatesError(
          StatesError.TASK_FAILED, "The function returned a response that is not JSON");
    }
  }

  private static byte[] bytes(JsonNode node) {
    return Json.write(node).getBytes(StandardCharsets.UTF_8);
  }

  private static String serviceOf(String resource) {
    if (!resource.startsWith(OPTIMIZED)) {
      return "lambda";
    }
    String rest = resource.substring(OPTIMIZED.length());
    int colon = rest.indexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }

  private static String actionOf(String resource) {
    if (!resource.startsWith(OPTIMIZED)) {
      return "invoke";
    }
    String rest = resource.substring(OPTIMIZED.length());
    int colon = rest.indexOf(':');
    return colon < 0 ? "" : rest.substring(colon + 1);
  }

  private static String regionOf(String arn) {
    String[] parts = arn.split(":");
    return parts.length > 3 ? parts[3] : "us-east-1";
  }
}
