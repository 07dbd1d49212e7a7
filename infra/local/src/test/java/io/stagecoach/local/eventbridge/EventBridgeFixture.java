package io.stagecoach.local.eventbridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.lambda.LocalFunction;
import io.stagecoach.local.lambda.LocalFunctions;
import io.stagecoach.local.template.CloudTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A template shaped like Stagecoach's (a bus, a provisioner per tier, a promotion state machine, a
 * reaper schedule), its functions run in process by {@link LocalFunctions}, and a clock the test
 * moves.
 */
final class EventBridgeFixture {

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String TEMPLATE =
      """
      {"Resources": {
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "stagecoach"}},
        "DevFn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "provisioner-dev", "Runtime": "java21",
          "Handler": "io.stagecoach.local.testing.RecordingHandler::handleRequest",
          "Environment": {"Variables": {"RECORD_AS": "eb-dev"}}}},
        "ProdFn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "provisioner-prod", "Runtime": "java21",
          "Handler": "io.stagecoach.local.testing.RecordingHandler::handleRequest",
          "Environment": {"Variables": {"RECORD_AS": "eb-prod"}}}},
        "BrokenFn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "provisioner-broken", "Runtime": "java21",
          "Handler": "io.stagecoach.local.testing.RecordingHandler::handleRequest",
          "Environment": {"Variables": {"RECORD_AS": "eb-broken", "FAIL": "true"}}}},
        "Promotion": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"StateMachineName": "promotion"}},
        "DevRule": {"Type": "AWS::Events::Rule", "Properties": {
          "EventBusName": {"Ref": "Bus"},
          "EventPattern": {"source": ["stagecoach"], "detail-type": ["Deployment Requested"], "detail": {"tier": ["dev"]}},
          "Targets": [{"Id": "dev", "Arn": {"Fn::GetAtt": ["DevFn", "Arn"]}}]}},
        "ProdRule": {"Type": "AWS::Events::Rule", "Properties": {
          "Name": "prod-deployments",
          "EventBusName": {"Fn::GetAtt": ["Bus", "Arn"]},
          "EventPattern": {"source": ["stagecoach"], "detail": {"tier": ["prod"]}},
          "Targets": [
            {"Id": "prod", "Arn": {"Fn::GetAtt": ["ProdFn", "Arn"]}, "InputPath": "$.detail"},
            {"Id": "promote", "Arn": {"Ref": "Promotion"}, "InputTransformer": {
              "InputPathsMap": {"app": "$.detail.app", "version": "$.detail.version"},
              "InputTemplate": "{\\"app\\": <app>, \\"release\\": \\"<app>@<version>\\", \\"rule\\": <aws.events.rule-name>}"}}]}},
        "BrokenRule": {"Type": "AWS::Events::Rule", "Properties": {
          "Name": "broken", "EventBusName": "stagecoach",
          "EventPattern": {"detail": {"tier": ["broken"]}},
          "Targets": [{"Id": "broken", "Arn": {"Fn::GetAtt": ["BrokenFn", "Arn"]},
            "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:000000000000:broken-dlq"}}]}},
        "FailingStartRule": {"Type": "AWS::Events::Rule", "Properties": {
          "Name": "failing-start", "EventBusName": "stagecoach",
          "EventPattern": {"detail": {"tier": ["unstartable"]}},
          "Targets": [{"Id": "sm", "Arn": "arn:aws:states:us-east-1:000000000000:stateMachine:missing",
            "RetryPolicy": {"MaximumRetryAttempts": 1}}]}},
        "PushRule": {"Type": "AWS::Events::Rule", "Properties": {
          "EventPattern": {"source": ["aws.codecommit"]},
          "Targets": [{"Id": "push", "Arn": "arn:aws:lambda:us-east-1:000000000000:function:provisioner-dev:live",
            "Input": "{\\"pushed\\": true}"}]}},
        "DisabledRule": {"Type": "AWS::Events::Rule", "Properties": {
          "Name": "disabled", "State": "DISABLED", "EventBusName": "stagecoach",
          "EventPattern": {"source": ["stagecoach"]},
          "Targets": [{"Id": "off", "Arn": {"Fn::GetAtt": ["ProdFn", "Arn"]}, "Input": "{\\"disabled\\": true}"}]}},
        "Reaper": {"Type": "AWS::Events::Rule", "Properties": {
          "Name": "ephemeral-reaper", "ScheduleExpression": "cron(0 3 * * ? *)",
          "Targets": [{"Id": "reap", "Arn": {"Fn::GetAtt": ["DevFn", "Arn"]}}]}}
      }}""";

  /** A clock a test sets. */
  static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    MovableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /**
   * Functions run for real; state machine starts are recorded (the ASL runtime is another service).
   */
  static final class InProcessTargets implements Targets {
    private final Map<String, LocalFunction> byArn;
    final Queue<String> executions = new ConcurrentLinkedQueue<>();

    InProcessTargets(CloudTemplate template) {
      LocalFunctions functions = new LocalFunctions(template, Map.of());
      this.byArn =
          functions.all().entrySet().stream()
              .collect(
                  Collectors.toMap(e -> template.functionArn(e.getKey()), Map.Entry::getValue));
    }

    @Override
    public Invocation invokeFunction(String functionArn, byte[] payload) {
      LocalFunction fn = byArn.get(functionArn);
      if (fn == null) {
        throw new IllegalArgumentException("Function not found: " + functionArn);
      }
      return fn.invoke(payload);
    }

    @Override
    public void startExecution(String stateMachineArn, String input) {
      if (!stateMachineArn.endsWith(":promotion")) {
        throw new IllegalStateException("State Machine Does Not Exist: " + stateMachineArn);
      }
      executions.add(stateMachineArn + " " + input);
    }
  }

  static CloudTemplate template() {
    return template(TEMPLATE);
  }

  static CloudTemplate template(String json) {
    try {
      return new CloudTemplate(MAPPER.readTree(json), "stagecoach", "us-east-1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LocalEventBridge.Options fastRetries() {
    return LocalEventBridge.Options.defaults().withRetryBackoffBase(Duration.ofMillis(5));
  }

  static List<String> records(String name) {
    return io.stagecoach.local.testing.RecordingHandler.received(name);
  }

  private EventBridgeFixture() {}
}
