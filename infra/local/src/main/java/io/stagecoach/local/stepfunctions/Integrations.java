package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.lambda.LocalFunction;
import io.stagecoach.local.lambda.LocalFunctions;
import io.stagecoach.local.stepfunctions.asl.StatesError;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The services Task states call. The local cloud wires its own functions, EventBridge and DynamoDB
 * Local in; tests give stubs. A failure the task should report (and Retry/Catch may match) is a
 * {@link StatesError} with AWS's error name.
 */
public interface Integrations {

  /**
   * Invokes a function by name or ARN with a JSON payload. A function error is an {@link
   * Invocation} with {@code functionError} set and Lambda's error payload; a function that does not
   * exist is a StatesError {@code Lambda.ResourceNotFoundException}.
   */
  Invocation invokeFunction(String functionName, byte[] payload);

  /**
   * {@code events:putEvents}: puts the {@code Entries} array of the task's parameters and returns
   * the PutEvents response ({@code {"Entries": [...], "FailedEntryCount": n}}).
   */
  JsonNode putEvents(JsonNode entries);

  /**
   * The client behind {@code dynamodb:getItem|putItem|updateItem|deleteItem}; null when there is
   * none.
   */
  DynamoDbClient dynamoDb();

  /**
   * Any other optimized integration, {@code arn:aws:states:::<service>:<action>}, with the
   * evaluated parameters; the default refuses it as unsupported.
   */
  default JsonNode callService(String service, String action, JsonNode parameters) {
    throw new StatesError(
        StatesError.RUNTIME,
        "The resource arn:aws:states:::"
            + service
            + ":"
            + action
            + " is not supported by the local cloud");
  }

  /**
   * The local cloud's wiring: functions found by name or ARN (a version or alias qualifier is
   * ignored: one version runs locally), PutEvents handed to the local EventBridge, DynamoDB Local's
   * client.
   */
  public static Integrations local(
      LocalFunctions functions, Function<JsonNode, JsonNode> putEvents, DynamoDbClient dynamoDb) {
    return local(functions, LocalFunction::invoke, putEvents, dynamoDb);
  }

  /** As {@link #local(LocalFunctions, Function, DynamoDbClient)}, with its own way to invoke. */
  public static Integrations local(
      LocalFunctions functions,
      BiFunction<LocalFunction, byte[], Invocation> invoke,
      Function<JsonNode, JsonNode> putEvents,
      DynamoDbClient dynamoDb) {
    return new Integrations() {
      @Override
      public Invocation invokeFunction(String functionName, byte[] payload) {
        String name = functionName;
        if (name.startsWith("arn:")) {
          String[] parts = name.split(":");
          name = parts.length > 6 ? parts[6] : name;
        } else if (name.contains(":")) {
          name = name.substring(0, name.indexOf(':'));
        }
        for (LocalFunction f : functions.all().values()) {
          if (f.name().equals(name)) {
            return invoke.apply(f, payload);
          }
        }
        throw new StatesError(
            "Lambda.ResourceNotFoundException",
            "Function not found: " + functionName + " (Service: Lambda, Status Code: 404)");
      }

      @Override
      public JsonNode putEvents(JsonNode entries) {
        return putEvents.apply(entries);
      }

      @Override
      public DynamoDbClient dynamoDb() {
        return dynamoDb;
      }
    };
  }

  /**
   * No services at all: every task fails. For state machines made of Pass, Choice, Wait, Map, ....
   */
  static Integrations none() {
    return new Integrations() {
      @Override
      public Invocation invokeFunction(String functionName, byte[] payload) {
        throw new StatesError(
            "Lambda.ResourceNotFoundException", "Function not found: " + functionName);
      }

      @Override
      public JsonNode putEvents(JsonNode entries) {
        throw new StatesError(StatesError.RUNTIME, "no EventBridge is configured");
      }

      @Override
      public DynamoDbClient dynamoDb() {
        return null;
      }
    };
  }
}
