package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stagecoach.local.http.LocalCredentials;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.LocalAws;
import io.stagecoach.local.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The local cloud's AWS protocols take only requests signed with the key serve made: the SDKs and
 * the AWS CLI v2 work with it, and unsigned, foreign or wrongly signed requests get AWS's refusals
 * and change nothing (the Slack signing secret stays unread, no function runs).
 */
class AwsAuthEndToEndTest {

  private static final String SECRET = "stagecoach/slack/signing_secret";
  private static final String SECRET_VALUE = "s3cr3t-signing-value";

  @TempDir static Path dir;
  private static LocalCloud cloud;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    ApiClient admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
    assertEquals(
        204,
        admin
            .send(
                "PUT",
                LocalCloud.ADMIN_PREFIX + "secrets/" + SECRET,
                "{\"value\":\"" + SECRET_VALUE + "\"}")
            .status());
  }

  @AfterAll
  static void stop() throws Exception {
    cloud.close();
  }

  @Test
  void theKey_isKeptOwnerOnly_andNotShownInFull_onStart() throws IOException {
    Path file = dir.resolve(LocalCredentials.FILE_NAME);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(cloud.awsCredentialsCreated());
    String banner = cloud.describe();
    assertTrue(banner.contains(cloud.awsCredentials().accessKeyId()), banner);
    assertFalse(banner.contains(cloud.awsCredentials().secretAccessKey()), banner);
    assertTrue(banner.contains("--profile stagecoach-local"), banner);
  }

  @Test
  void sdkClients_signedWithTheLocalKey_areServed() {
    AwsCredentialsProvider key = LocalAws.credentials(dir);
    try (SecretsManagerClient secrets = client(SecretsManagerClient.builder(), key);
        SfnClient sfn = client(SfnClient.builder(), key);
        EventBridgeClient events = client(EventBridgeClient.builder(), key)) {
      assertEquals(SECRET_VALUE, secrets.getSecretValue(r -> r.secretId(SECRET)).secretString());
      assertFalse(sfn.listStateMachines(r -> {}).stateMachines().isEmpty());
      assertEquals(
          0,
          events
              .putEvents(
                  r ->
                      r.entries(
                          PutEventsRequestEntry.builder()
                              .source("test.auth")
                              .detailType("Nothing Listens")
                              .detail("{}")
                              .eventBusName("default")
                              .build()))
              .failedEntryCount());
    }
  }

  @Test
  void aForeignKey_isAnUnrecognizedClient_onEveryProtocol() {
    AwsCredentialsProvider dummy =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    List<String> codes = new ArrayList<>();
    try (SecretsManagerClient secrets = client(SecretsManagerClient.builder(), dummy);
        SfnClient sfn = client(SfnClient.builder(), dummy);
        EventBridgeClient events = client(EventBridgeClient.builder(), dummy);
        LambdaClient lambda = client(LambdaClient.builder(), dummy)) {
      codes.add(refusal(() -> secrets.getSecretValue(r -> r.secretId(SECRET))));
      codes.add(refusal(() -> sfn.listStateMachines(r -> {})));
      codes.add(
          refusal(
              () ->
                  events.putEvents(
                      r ->
                          r.entries(
                              PutEventsRequestEntry.builder()
                                  .source("x")
                                  .detailType("y")
                                  .detail("{}")
                                  .build()))));
      codes.add(
          refusal(
              () ->
                  lambda.invoke(
                      r -> r.functionName(apiFunction()).payload(SdkBytes.fromUtf8String("{}")))));
    }
    assertEquals(List.of("UnrecognizedClientException"), codes.stream().distinct().toList());
  }

  @Test
  void theRightKeyId_withAWrongSecret_isAnInvalidSignature() {
    AwsCredentialsProvider wrong =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(cloud.awsCredentials().accessKeyId(), "not-the-secret"));
    try (SecretsManagerClient secrets = client(SecretsManagerClient.builder(), wrong)) {
      assertEquals(
          "InvalidSignatureException",
          refusal(() -> secrets.getSecretValue(r -> r.secretId(SECRET))));
    }
  }

  @Test
  void anUnsignedRequest_isMissingAnAuthenticationToken_andReadsNoSecret() throws IOException {
    RawHttp.Response response =
        RawHttp.send(
            cloud.port(),
            "POST",
            "/",
            List.of(
                Map.entry("Content-Type", "application/x-amz-json-1.1"),
                Map.entry("X-Amz-Target", "secretsmanager.GetSecretValue")),
            ("{\"SecretId\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8));
    assertEquals(403, response.status(), response.body());
    assertTrue(response.body().contains("MissingAuthenticationTokenException"), response.body());
    assertFalse(response.body().contains(SECRET_VALUE));
  }

  @Test
  void aForgedInvocationOfTheApiFunction_withoutACrossSiteOrigin_isRefusedUnsigned()
      throws IOException {
    String forged =
        "{\"httpMethod\":\"POST\",\"path\":\"/v1/tokens\",\"resource\":\"/v1/tokens\","
            + "\"requestContext\":{\"authorizer\":{\"principalId\":\"mallory\",\"roles\":\"admin\"}},"
            + "\"body\":\"{\\\"principal\\\":\\\"mallory\\\",\\\"roles\\\":[\\\"admin\\\"]}\"}";
    RawHttp.Response response =
        RawHttp.send(
            cloud.port(),
            "POST",
            "/2015-03-31/functions/" + apiFunction() + "/invocations",
            List.of(Map.entry("Content-Type", "text/plain")),
            forged.getBytes(StandardCharsets.UTF_8));
    assertEquals(403, response.status(), response.body());
    assertEquals("MissingAuthenticationTokenException", response.headers().get("x-amzn-ErrorType"));
    assertFalse(response.body().contains("token\""), "no token is minted: " + response.body());
  }

  @Test
  void theAwsCliV2_withTheDocumentedProfile_readsTheSecret_andWithDummyKeysDoesNot()
      throws Exception {
    Path aws = Path.of("/usr/bin/aws");
    assumeTrue(Files.isExecutable(aws), "the AWS CLI v2 (Debian package awscli) is not installed");
    Path config = Files.createDirectories(dir.resolve("aws-cli-home"));
    // The README's lines: a profile made from the key file serve wrote.
    String profile = LocalCredentials.PROFILE;
    Map<String, String> env =
        Map.of(
            "AWS_CONFIG_FILE", config.resolve("config").toString(),
            "AWS_SHARED_CREDENTIALS_FILE", config.resolve("credentials").toString(),
            "HOME", config.toString());
    String id = cloud.awsCredentials().accessKeyId();
    String secret = cloud.awsCredentials().secretAccessKey();
    assertEquals(
        0,
        run(env, aws.toString(), "configure", "set", "aws_access_key_id", id, "--profile", profile)
            .exit());
    assertEquals(
        0,
        run(
                env,
                aws.toString(),
                "configure",
                "set",
                "aws_secret_access_key",
                secret,
                "--profile",
                profile)
            .exit());
    assertEquals(
        0,
        run(env, aws.toString(), "configure", "set", "region", "us-east-1", "--profile", profile)
            .exit());

    Result ok =
        run(
            env,
            aws.toString(),
            "secretsmanager",
            "get-secret-value",
            "--secret-id",
            SECRET,
            "--endpoint-url",
            cloud.endpoint().toString(),
            "--profile",
            profile,
            "--query",
            "SecretString",
            "--output",
            "text");
    assertEquals(0, ok.exit(), ok.output());
    assertEquals(SECRET_VALUE, ok.output().trim());

    Result listed =
        run(
            env,
            aws.toString(),
            "stepfunctions",
            "list-state-machines",
            "--endpoint-url",
            cloud.endpoint().toString(),
            "--profile",
            profile);
    assertEquals(0, listed.exit(), listed.output());
    assertTrue(listed.output().contains("stateMachineArn"), listed.output());

    Map<String, String> dummy =
        Map.of(
            "AWS_ACCESS_KEY_ID", "dummy",
            "AWS_SECRET_ACCESS_KEY", "dummy",
            "AWS_DEFAULT_REGION", "us-east-1",
            "AWS_CONFIG_FILE", config.resolve("none").toString(),
            "AWS_SHARED_CREDENTIALS_FILE", config.resolve("none").toString());
    Result refused =
        run(
            dummy,
            aws.toString(),
            "secretsmanager",
            "get-secret-value",
            "--secret-id",
            SECRET,
            "--endpoint-url",
            cloud.endpoint().toString());
    assertNotEquals(0, refused.exit(), refused.output());
    assertTrue(refused.output().contains("UnrecognizedClientException"), refused.output());
    assertFalse(refused.output().contains(SECRET_VALUE), refused.output());
  }

  record Result(int exit, String output) {}

  private static Result run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the AWS CLI did not finish");
    return new Result(process.exitValue(), output);
  }

  private static String apiFunction() {
    return cloud.functions().all().values().stream()
        .filter(f -> f.handlerSpec().contains(".api."))
        .findFirst()
        .orElseThrow()
        .name();
  }

  private static <B extends AwsClientBuilder<B, C>, C> C client(
      B builder, AwsCredentialsProvider credentials) {
    builder
        .endpointOverride(cloud.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials);
    if (builder
        instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(UrlConnectionHttpClient.builder());
    }
    return builder.build();
  }

  private static String refusal(Runnable call) {
    AwsServiceException e = assertThrows(AwsServiceException.class, call::run);
    return e.awsErrorDetails().errorCode();
  }
}
