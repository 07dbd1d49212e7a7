package io.stagecoach.functions.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Priming before SnapStart's snapshot: every client built from the settings runs its request
 * through its own pipeline without reaching the network, then works as before.
 */
class PrimingTest {

  /** An endpoint where nothing listens: a request that reached the network would fail. */
  private static String closedEndpoint() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  private static Map<String, String> lambdaEnvironment(String initializationType)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    env.put("AWS_SECRET_ACCESS_KEY", "secret");
    env.put("AWS_ENDPOINT_URL", closedEndpoint());
    env.put("REGISTRY_TABLE", "registry");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", initializationType);
    return env;
  }

  @Test
  void underSnapStart_everyClientIsPrimedInProcess_thenReachesTheNetworkAgain() throws Exception {
    Settings settings = Settings.fromEnvironment(lambdaEnvironment("snap-start"));
    assertTrue(settings.priming().isPresent());
    assertTrue(Priming.registered().contains(settings.priming().get()));
    DynamoDbClient dynamo = settings.dynamoDb();
    settings.eventBridge();
    settings.lambda();
    settings.stepFunctions();
    settings.secretsManager();

    List<String> primed = settings.priming().get().prime();

    assertEquals(
        List.of(
            "DynamoDb.GetItem",
            "EventBridge.PutEvents",
            "Lambda.Invoke",
            "Sfn.DescribeExecution",
            "SecretsManager.GetSecretValue",
            "Jackson"),
        primed);
    // Priming is over: the same client goes to its endpoint (where nothing listens).
    SdkClientException e =
        assertThrows(
            SdkClientException.class,
            () ->
                dynamo.getItem(
                    r ->
                        r.tableName("registry")
                            .key(
                                Map.of(
                                    "pk", AttributeValue.fromS("APP#a"),
                                    "sk", AttributeValue.fromS("APP")))));
    assertTrue(
        String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect"),
        e.toString());
  }

  @Test
  void primingTwice_primesTwice_andTheCheckpointHookRunsIt() throws Exception {
    Settings settings = Settings.fromEnvironment(lambdaEnvironment("snap-start"));
    settings.dynamoDb();
    Priming priming = settings.priming().orElseThrow();
    assertEquals(List.of("DynamoDb.GetItem", "Jackson"), priming.prime());
    priming.beforeCheckpoint(null);
    assertEquals(List.of("DynamoDb.GetItem", "Jackson"), priming.prime());
  }

  @Test
  void onDemandLambda_theLocalCloudAndTests_primeNothing() throws Exception {
    assertEquals(
        Optional.empty(), Settings.fromEnvironment(lambdaEnvironment("on-demand")).priming());
    Map<String, String> local = lambdaEnvironment("x");
    local.remove("AWS_LAMBDA_INITIALIZATION_TYPE");
    assertEquals(Optional.empty(), Settings.fromEnvironment(local).priming());
  }
}
