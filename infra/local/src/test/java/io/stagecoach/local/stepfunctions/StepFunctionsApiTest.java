package io.stagecoach.local.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stagecoach.local.http.WireServer;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.StatesError;
import io.stagecoach.local.stepfunctions.asl.StepClock;
import io.stagecoach.testing.LocalDynamoDb;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.InvalidExecutionInputException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** The Step Functions API as an SDK client sees it, and the task integrations behind it. */
class StepFunctionsApiTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/stagecoach-sfn";

  /** Functions by name: a Java stand-in for the local cloud's LocalFunctions. */
  private final Map<String, java.util.function.Function<JsonNode, Invocation>> functions =
      new ConcurrentHashMap<>();

  private final List<JsonNode> putEvents = new CopyOnWriteArrayList<>();
  private final List<String> tokensSeen = new CopyOnWriteArrayList<>();
  private final AtomicReference<DynamoDbClient> dynamoDb = new AtomicReference<>();

  private StepFunctionsService service;
  private WireServer server;
  private SfnClient sfn;

  @BeforeEach
  void start() throws Exception {
    Integrations integrations =
        new Integrations() {
          @Override
          public Invocation invokeFunction(String functionName, byte[] payload) {
            String name = functionName.substring(functionName.lastIndexOf(':') + 1);
            var f = functions.get(name);
            if (f == null) {
              throw new StatesError(
                  "Lambda.ResourceNotFoundException", "Function not found: " + functionName);
            }
            try {
              return f.apply(Json.MAPPER.readTree(payload));
            } catch (java.io.IOException e) {
              throw new IllegalStateException(e);
            }
          }

          @Override
          public JsonNode putEvents(JsonNode entries) {
            putEvents.add(entries);
            var response = JsonNodeFactory.instance.objectNode().put("FailedEntryCount", 0);
            response.putArray("Entries").addObject().put("EventId", UUID.randomUUID().toString());
            return response;
          }

          @Override
          public DynamoDbClient dynamoDb() {
            return dynamoDb.get();
          }

          @Override
          public JsonNode callService(String service, String action, JsonNode parameters) {
            if ("sqs".equals(service)) {
              tokensSeen.add(parameters.path("MessageBody").path("TaskToken").asText());
              return JsonNodeFactory.instance.objectNode().put("MessageId", "m-1");
            }
            return Integrations.super.callService(service, action, parameters);
          }
        };
    // 100x: a Wait of 1 s is 10 ms of wall-clock time.
    service =
        new StepFunctionsService(integrations, StepClock.scaled(100), "eu-west-1", "123456789012");
    server = new WireServer(0, service::handle);
    sfn =
        SfnClient.builder()
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    sfn.close();
    server.close();
    service.close();
  }

  private String machine(String definition) {
    return sfn.createStateMachine(
            b ->
                b.name("m-" + UUID.randomUUID().toString().substring(0, 8))
                    .definition(definition)
                    .roleArn(ROLE))
        .stateMachineArn();
  }

  private DescribeExecutionResponse runToEnd(String machineArn, String input)
      throws InterruptedException {
    String exec =
        sfn.startExecution(b -> b.stateMachineArn(machineArn).input(input)).executionArn();
    return awaitEnd(exec);
  }

  private DescribeExecutionResponse awaitEnd(String exec) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(exec));
    while (d.status() == ExecutionStatus.RUNNING && System.nanoTime() < until) {
      Thread.sleep(5);
      d = sfn.describeExecution(b -> b.executionArn(exec));
    }
    return d;
  }

  private String awaitToken(int count) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (tokensSeen.size() < count && System.nanoTime() < until) {
      Thread.sleep(2);
    }
    return tokensSeen.get(count - 1);
  }

  private static final String CALLBACK =
      """
      {"StartAt": "Approve", "States": {"Approve": {"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"TaskToken.$": "$$.Task.Token", "Release.$": "$.release"}},
        "TimeoutSeconds": 3600, %s "ResultPath": "$.approval", "End": true}}}""";

  @Test
  void createStateMachine_refusesAnInvalidDefinition_namingTheStateAndProblem() {
    var e =
        assertThrows(
            InvalidDefinitionException.class,
            () ->
                machine(
                    """
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"""));
    assertTrue(
        e.getMessage().contains("Nowhere") && e.getMessage().contains("/States/A/Next"),
        e.getMessage());
    var wait =
        assertThrows(
            InvalidDefinitionException.class,
            () ->
                machine(
                    """
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "End": true}}}"""));
    assertTrue(wait.getMessage().contains("Wait state 'W'"), wait.getMessage());
    assertThrows(InvalidDefinitionException.class, () -> machine("{not json"));
  }

  @Test
  void apiErrors_haveTheShapesTheSdkMapsToItsExceptions() {
    String arn =
        machine(
            """
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}""");
    assertThrows(
        InvalidArnException.class, () -> sfn.describeExecution(b -> b.executionArn("nope")));
    assertThrows(
        ExecutionDoesNotExistException.class,
        () ->
            sfn.describeExecution(
                b -> b.executionArn("arn:aws:states:eu-west-1:123456789012:execution:m:missing")));
    assertThrows(
        StateMachineDoesNotExistException.class,
        () ->
            sfn.startExecution(
                b ->
                    b.stateMachineArn(
                        "arn:aws:states:eu-west-1:123456789012:stateMachine:missing")));
    assertThrows(
        InvalidExecutionInputException.class,
        () -> sfn.startExecution(b -> b.stateMachineArn(arn).input("{broken")));
    assertThrows(
        SfnException.class,
        () -> sfn.startExecution(b -> b.stateMachineArn(arn).name("has space")));
    String waiting =
        machine(
            """
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}""");
    String first =
        sfn.startExecution(b -> b.stateMachineArn(waiting).name("once").input("{\"a\": 1}"))
            .executionArn();
    // A retried call (same name and input, still running) is the same execution; other input is
    // not.
    assertEquals(
        first,
        sfn.startExecution(b -> b.stateMachineArn(waiting).name("once").input("{\"a\": 1}"))
            .executionArn());
    assertThrows(
        ExecutionAlreadyExistsException.class,
        () -> sfn.startExecution(b -> b.stateMachineArn(waiting).name("once").input("{\"a\": 2}")));
    assertThrows(
        TaskDoesNotExistException.class,
        () -> sfn.sendTaskSuccess(b -> b.taskToken("AQ" + "0".repeat(64)).output("{}")));
  }

  @Test
  void unknownTarget_isUnknownOperationException() {
    var response =
        service.handle(
            new io.stagecoach.local.http.RawRequest(
                "POST",
                "/",
                List.of(Map.entry("X-Amz-Target", "AWSStepFunctions.Frobnicate")),
                "{}".getBytes(StandardCharsets.UTF_8),
                "127.0.0.1"));
    assertEquals(400, response.status());
    assertTrue(
        response.bodyText().contains("\"__type\":\"UnknownOperationException\""),
        response.bodyText());
  }

  @Test
  void waitForTaskToken_waitsUntilSendTaskSuccess_andPutsTheOutputAtResultPath() throws Exception {
    String arn = machine(CALLBACK.formatted(""));
    String exec =
        sfn.startExecution(b -> b.stateMachineArn(arn).input("{\"release\": \"1.2.0\"}"))
            .executionArn();
    String token = awaitToken(1);
    Thread.sleep(50);
    assertEquals(
        ExecutionStatus.RUNNING, sfn.describeExecution(b -> b.executionArn(exec)).status());
    sfn.sendTaskSuccess(b -> b.taskToken(token).output("{\"approvedBy\": \"ana\"}"));
    DescribeExecutionResponse d = awaitEnd(exec);
    assertEquals(ExecutionStatus.SUCCEEDED, d.status());
    assertEquals(
        Json.parse("{\"release\": \"1.2.0\", \"approval\": {\"approvedBy\": \"ana\"}}"),
        Json.parse(d.output()));
    // The token is spent: a second answer is too late.
    assertThrows(
        TaskTimedOutException.class,
        () -> sfn.sendTaskSuccess(b -> b.taskToken(token).output("{}")));
  }

  @Test
  void sendTaskFailure_failsTheExecutionWithTheCallersErrorAndCause() throws Exception {
    String arn = machine(CALLBACK.formatted(""));
    String exec =
        sfn.startExecution(b -> b.stateMachineArn(arn).input("{\"release\": \"1\"}"))
            .executionArn();
    String token = awaitToken(1);
    sfn.sendTaskFailure(b -> b.taskToken(token).error("Rejected").cause("not on a Friday"));
    DescribeExecutionResponse d = awaitEnd(exec);
    assertEquals(ExecutionStatus.FAILED, d.status());
    assertEquals("Rejected", d.error());
    assertEquals("not on a Friday", d.cause());
  }

  @Test
  void heartbeatSeconds_failsTheTaskWithoutHeartbeats_andHeartbeatsKeepItAlive() throws Exception {
    String arn = machine(CALLBACK.formatted("\"HeartbeatSeconds\": 20,"));
    String quiet =
        sfn.startExecution(b -> b.stateMachineArn(arn).input("{\"release\": \"1\"}"))
            .executionArn();
    DescribeExecutionResponse d = awaitEnd(quiet);
    assertEquals("States.HeartbeatTimeout", d.error());

    String alive =
        sfn.startExecution(b -> b.stateMachineArn(arn).input("{\"release\": \"2\"}"))
            .executionArn();
    String token = awaitToken(2);
    for (int i = 0; i < 6; i++) {
      Thread.sleep(50); // 5 s of execution time, inside the 20 s heartbeat interval
      sfn.sendTaskHeartbeat(b -> b.taskToken(token));
    }
    assertEquals(
        ExecutionStatus.RUNNING, sfn.describeExecution(b -> b.executionArn(alive)).status());
    sfn.sendTaskSuccess(b -> b.taskToken(token).output("\"ok\""));
    assertEquals(ExecutionStatus.SUCCEEDED, awaitEnd(alive).status());
  }

  @Test
  void stopExecution_abortsAWaitingExecution() throws Exception {
    String arn =
        machine(
            """
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": true}}}""");
    String exec = sfn.startExecution(b -> b.stateMachineArn(arn)).executionArn();
    sfn.stopExecution(b -> b.executionArn(exec).error("Cancelled").cause("by test"));
    DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(exec));
    assertEquals(ExecutionStatus.ABORTED, d.status());
    assertEquals("Cancelled", d.error());
    assertEquals(
        1,
        sfn.listExecutions(b -> b.stateMachineArn(arn).statusFilter(ExecutionStatus.ABORTED))
            .executions()
            .size());
  }

  @Test
  void stopExecution_beforeTheExecutionRuns_stopsIt_andNothingFollowsExecutionAborted()
      throws Exception {
    AtomicReference<StepFunctionsService> own = new AtomicReference<>();
    ExecutionStore memory = ExecutionStore.inMemory();
    // The stop arrives as StartExecution saves the new execution: before its thread has started.
    ExecutionStore stopsAtStart =
        new ForwardingStore(memory) {
          private boolean stopped;

          @Override
          public synchronized void putExecution(StoredExecution execution) {
            super.putExecution(execution);
            if (!stopped && execution.status().equals("RUNNING")) {
              stopped = true;
              own.get().stopExecution(execution.arn(), "Cancelled", "at once");
            }
          }
        };
    try (StepFunctionsService early =
        new StepFunctionsService(
            Integrations.none(),
            StepClock.scaled(100),
            "eu-west-1",
            "123456789012",
            stopsAtStart)) {
      own.set(early);
      String arn =
          early.createStateMachine(
              "stopped",
              """
          {"StartAt": "One", "States": {"One": {"Type": "Pass", "Next": "Pause"},
            "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Two"},
            "Two": {"Type": "Pass", "End": true}}}""",
              ROLE);
      String exec = early.startExecution(arn, "e-1", "{}");
      Thread.sleep(300); // time enough to run the machine to its end (about 10 ms) if it ran
      var e = early.execution(exec).orElseThrow();
      assertEquals(StepFunctionsService.Status.ABORTED, e.status());
      List<String> types = e.history().stream().map(h -> h.type()).toList();
      assertEquals(List.of("ExecutionStarted", "ExecutionAborted"), types);
      assertEquals(types, memory.history(exec).stream().map(h -> h.type()).toList());
    }
  }

  @Test
  void lambdaTask_withRetry_recordsEachAttemptInTheHistory() throws Exception {
    int[] calls = {0};
    functions.put(
        "flaky",
        event ->
            ++calls[0] < 3
                ? new Invocation(
                    "{\"errorMessage\":\"boom\",\"errorType\":\"Boom\"}"
                        .getBytes(StandardCharsets.UTF_8),
                    true,
                    "Boom",
                    "boom")
                : new Invocation(
                    ("{\"attempt\":" + calls[0] + "}").getBytes(StandardCharsets.UTF_8),
                    false,
                    null,
                    null));
    String arn =
        machine(
            """
        {"StartAt": "T", "States": {"T": {"Type": "Task",
          "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:flaky",
          "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1, "MaxAttempts": 2}], "End": true}}}""");
    String exec = sfn.startExecution(b -> b.stateMachineArn(arn)).executionArn();
    DescribeExecutionResponse d = awaitEnd(exec);
    assertEquals(ExecutionStatus.SUCCEEDED, d.status());
    assertEquals(Json.parse("{\"attempt\":3}"), Json.parse(d.output()));
    List<HistoryEventType> types =
        sfn.getExecutionHistory(b -> b.executionArn(exec)).events().stream()
            .map(e -> e.type())
            .toList();
    assertEquals(2, types.stream().filter(HistoryEventType.LAMBDA_FUNCTION_FAILED::equals).count());
    assertEquals(HistoryEventType.EXECUTION_SUCCEEDED, types.get(types.size() - 1));
  }

  @Test
  void lambdaInvoke_returnsTheInvokeEnvelope_withThePayloadParsed() throws Exception {
    functions.put(
        "echo",
        event ->
            new Invocation(Json.write(event).getBytes(StandardCharsets.UTF_8), false, null, null));
    String arn =
        machine(
            """
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "echo", "Payload": {"n.$": "$.n"}},
          "ResultSelector": {"payload.$": "$.Payload", "status.$": "$.StatusCode"}, "End": true}}}""");
    DescribeExecutionResponse d = runToEnd(arn, "{\"n\": 7}");
    assertEquals(Json.parse("{\"payload\": {\"n\": 7}, \"status\": 200}"), Json.parse(d.output()));
  }

  @Test
  void putEvents_sendsTheEntries_withDetailAsText() throws Exception {
    String arn =
        machine(
            """
        {"StartAt": "E", "States": {"E": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
          "Parameters": {"Entries": [{"Source": "stagecoach", "DetailType": "Deployment Requested",
            "EventBusName": "stagecoach", "Detail": {"app.$": "$.app"}}]}, "End": true}}}""");
    DescribeExecutionResponse d = runToEnd(arn, "{\"app\": \"shop\"}");
    assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
    assertEquals(1, putEvents.size());
    assertEquals("{\"app\":\"shop\"}", putEvents.get(0).get(0).get("Detail").asText());
    assertEquals(0, Json.parse(d.output()).get("FailedEntryCount").asInt());
  }

  @Test
  void dynamoDbTasks_putUpdateGetAndDeleteItems_onDynamoDbLocal() throws Exception {
    DynamoDbClient ddb = LocalDynamoDb.client();
    dynamoDb.set(ddb);
    String table = "sfn-" + UUID.randomUUID();
    ddb.createTable(
        b ->
            b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(
                    KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
    String arn =
        machine(
            """
        {"StartAt": "Put", "States": {
          "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "ResultPath": null,
            "Parameters": {"TableName": "%1$s", "Item": {"id": {"S.$": "$.id"}, "count": {"N": "1"}}},
            "Next": "Update"},
          "Update": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem", "ResultPath": "$.updated",
            "Parameters": {"TableName": "%1$s", "Key": {"id": {"S.$": "$.id"}},
              "UpdateExpression": "SET #c = #c + :one", "ExpressionAttributeNames": {"#c": "count"},
              "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "UPDATED_NEW"},
            "Next": "Get"},
          "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "ResultPath": "$.read",
            "Parameters": {"TableName": "%1$s", "Key": {"id": {"S.$": "$.id"}}}, "Next": "Delete"},
          "Delete": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:deleteItem", "ResultPath": null,
            "Parameters": {"TableName": "%1$s", "Key": {"id": {"S.$": "$.id"}},
              "ConditionExpression": "attribute_exists(id)"}, "End": true}}}"""
                .formatted(table));
    DescribeExecutionResponse d = runToEnd(arn, "{\"id\": \"e-1\"}");
    assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
    JsonNode out = Json.parse(d.output());
    assertEquals("2", out.at("/updated/Attributes/count/N").asText());
    assertEquals("2", out.at("/read/Item/count/N").asText());
    assertFalse(
        ddb.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("e-1"))))
            .hasItem());

    // A failed condition is the DynamoDB error name a Catch can match.
    String guarded =
        machine(
            """
        {"StartAt": "Delete", "States": {"Delete": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:deleteItem",
          "Parameters": {"TableName": "%s", "Key": {"id": {"S": "absent"}},
            "ConditionExpression": "attribute_exists(id)"}, "End": true}}}"""
                .formatted(table));
    assertEquals("DynamoDB.ConditionalCheckFailedException", runToEnd(guarded, "{}").error());
  }

  @Test
  void map_withToleratedFailures_keepsGoing_andFailsPastTheThreshold() throws Exception {
    String definition =
        """
        {"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 2, "ToleratedFailureCount": 1,
          "ItemProcessor": {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericLessThan": 0, "Next": "Bad"}],
              "Default": "Good"},
            "Bad": {"Type": "Fail", "Error": "Negative"},
            "Good": {"Type": "Pass", "End": true}}}, "End": true}}}""";
    String arn = machine(definition);
    DescribeExecutionResponse one = runToEnd(arn, "[1, -1, 2]");
    assertEquals(ExecutionStatus.SUCCEEDED, one.status());
    JsonNode out = Json.parse(one.output());
    assertEquals(1, out.get(0).asInt());
    assertEquals("Negative", out.get(1).get("Error").asText());
    DescribeExecutionResponse two = runToEnd(arn, "[-1, -2, 2]");
    assertEquals("States.ExceedToleratedFailureThreshold", two.error());
  }

  @Test
  void executionTimeout_endsTimedOut_andWaitUsesTheInjectedClock() throws Exception {
    String arn =
        machine(
            """
        {"TimeoutSeconds": 20, "StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}""");
    long started = System.nanoTime();
    assertEquals(ExecutionStatus.SUCCEEDED, runToEnd(arn, "{\"s\": 1}").status());
    // 1 s of execution time at 100x is about 10 ms: far below a real second.
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 900);
    assertEquals(ExecutionStatus.TIMED_OUT, runToEnd(arn, "{\"s\": 300}").status());
  }

  @Test
  void getExecutionHistory_listsStateEntries_withTheirInput() throws Exception {
    String arn =
        machine(
            """
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
          "B": {"Type": "Succeed"}}}""");
    String exec = sfn.startExecution(b -> b.stateMachineArn(arn).input("{}")).executionArn();
    awaitEnd(exec);
    var events = sfn.getExecutionHistory(b -> b.executionArn(exec)).events();
    assertEquals(
        List.of(
            HistoryEventType.EXECUTION_STARTED,
            HistoryEventType.PASS_STATE_ENTERED,
            HistoryEventType.PASS_STATE_EXITED,
            HistoryEventType.SUCCEED_STATE_ENTERED,
            HistoryEventType.SUCCEED_STATE_EXITED,
            HistoryEventType.EXECUTION_SUCCEEDED),
        events.stream().map(e -> e.type()).toList());
    assertEquals("B", events.get(3).stateEnteredEventDetails().name());
    assertEquals("{\"a\":1}", events.get(3).stateEnteredEventDetails().input());
    assertNotNull(events.get(0).timestamp());
  }

  @Test
  void inProcessApi_createsAndStartsWithoutTheWire() throws Exception {
    String arn =
        service.createStateMachine(
            "inproc",
            """
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($.x, 1)"},
          "End": true}}}""",
            ROLE);
    String exec = service.startExecution(arn, "first", "{\"x\": 41}");
    assertTrue(service.awaitEnd(exec, Duration.ofSeconds(5)));
    assertEquals(
        Json.parse("{\"v\": 42}"), service.execution(exec).orElseThrow().output().orElseThrow());
    SfnException none =
        assertThrows(
            SfnException.class,
            () ->
                sfn.describeStateMachine(
                    b ->
                        b.stateMachineArn(
                            "arn:aws:states:eu-west-1:123456789012:stateMachine:missing")));
    assertEquals("StateMachineDoesNotExist", none.awsErrorDetails().errorCode());
  }
}
