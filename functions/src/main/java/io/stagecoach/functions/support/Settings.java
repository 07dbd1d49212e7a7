package io.stagecoach.functions.support;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * A function's settings, read from its environment in one place (STYLE practice 13). In Lambda the
 * map is the process environment; the local cloud passes the function's template environment
 * instead, which is why endpoints and credentials are read from the map rather than left to the
 * SDK's own lookup.
 */
public record Settings(
    Map<String, String> environment,
    Region region,
    AwsCredentialsProvider credentials,
    Optional<Priming> priming) {

  public Settings {
    environment = Map.copyOf(environment);
  }

  public Settings(
      Map<String, String> environment, Region region, AwsCredentialsProvider credentials) {
    this(environment, region, credentials, Optional.empty());
  }

  /**
   * The process environment, as Lambda sets it for the function: the one place the functions read
   * it (each handler's no-argument constructor passes it on, and tests pass their own map).
   */
  public static Map<String, String> processEnvironment() {
    return System.getenv();
  }

  /**
   * The settings in {@code env}. Under SnapStart's initialization ({@code
   * AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}) every client built from them is primed before the
   * snapshot (see {@link Priming}).
   */
  public static Settings fromEnvironment(Map<String, String> env) {
    // The logger's configuration runs beside the clients' construction (see Log.CONFIGURED).
    Log.configureAside();
    Region region =
        Region.of(
            Optional.ofNullable(env.get("AWS_REGION"))
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")))
                .orElse("us-east-1"));
    return new Settings(env, region, credentials(env), Priming.forSnapStart(env));
  }

  /**
   * The URLConnection HTTP client, each request in one write (see {@link SingleWriteHttpClient}),
   * answering in process while priming when this primes.
   */
  private SdkHttpClient http() {
    SdkHttpClient real = SingleWriteHttpClient.create();
    return priming.map(p -> p.answeringWhilePriming(real)).orElse(real);
  }

  /** Adds the client's priming request, when this primes. */
  private <C> C primed(String name, C client, java.util.function.Consumer<C> request) {
    priming.ifPresent(p -> p.add(name, client, request));
    return client;
  }

  /**
   * The registry table's name ({@code REGISTRY_TABLE}); a function that needs it fails at init
   * without it.
   */
  public String registryTable() {
    return required("REGISTRY_TABLE");
  }

  /** The Stagecoach event bus ({@code EVENT_BUS_NAME}). */
  public String eventBusName() {
    return required("EVENT_BUS_NAME");
  }

  /** The promotion state machine's ARN ({@code PROMOTION_STATE_MACHINE}). */
  public String promotionStateMachine() {
    return required("PROMOTION_STATE_MACHINE");
  }

  public Optional<String> optionalPromotionStateMachine() {
    return Optional.ofNullable(environment.get("PROMOTION_STATE_MACHINE"))
        .filter(s -> !s.isBlank());
  }

  /** The tier a provisioner function serves ({@code PROVISIONER_TIER}). */
  public String provisionerTier() {
    return required("PROVISIONER_TIER");
  }

  /** The role a provisioner assumes in each target account ({@code DEPLOY_ROLE_NAME}). */
  public String deployRoleName() {
    return required("DEPLOY_ROLE_NAME");
  }

  /**
   * The accounts whose deploy role this provisioner may assume ({@code DEPLOY_ACCOUNTS},
   * comma-separated).
   */
  public java.util.Set<String> deployAccounts() {
    String value = environment.getOrDefault("DEPLOY_ACCOUNTS", "");
    java.util.Set<String> accounts = new java.util.TreeSet<>();
    for (String a : value.split(",")) {
      if (!a.isBlank()) {
        accounts.add(a.trim());
      }
    }
    return accounts;
  }

  /**
   * The S3 buckets the API may read environment templates from ({@code TEMPLATE_BUCKETS},
   * comma-separated); none: templates are taken inline only.
   */
  public java.util.Set<String> templateBuckets() {
    java.util.Set<String> buckets = new java.util.TreeSet<>();
    for (String b : environment.getOrDefault("TEMPLATE_BUCKETS", "").split(",")) {
      if (!b.isBlank()) {
        buckets.add(b.trim());
      }
    }
    return buckets;
  }

  /** S3's endpoint when the environment redirects it ({@code AWS_ENDPOINT_URL_S3}, ...). */
  public Optional<URI> s3Endpoint() {
    return endpoint("S3");
  }

  /**
   * The HTTP client for calls made without a service client: URLConnection, each request in one
   * write, as everywhere.
   */
  public software.amazon.awssdk.http.SdkHttpClient httpClient() {
    return SingleWriteHttpClient.create();
  }

  /**
   * The provisioner function of each tier, for plans ({@code PROVISIONER_FUNCTIONS}: {@code
   * dev=arn,...}).
   */
  public Optional<String> provisionerFunctions() {
    return Optional.ofNullable(environment.get("PROVISIONER_FUNCTIONS")).filter(s -> !s.isBlank());
  }

  /**
   * {@code DRIFT_CHECK_INTERVAL_HOURS}: how often the schedule checks each deployed environment for
   * drift (whole hours, 1 to 720), else {@code fallback}.
   */
  public java.time.Duration driftCheckInterval(java.time.Duration fallback) {
    String value = environment.get("DRIFT_CHECK_INTERVAL_HOURS");
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long hours = Long.parseLong(value.trim());
      if (hours < 1 || hours > 720) {
        throw new NumberFormatException("out of range");
      }
      return java.time.Duration.ofHours(hours);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "DRIFT_CHECK_INTERVAL_HOURS must be whole hours from 1 to 720; got '" + value + "'", e);
    }
  }

  /**
   * How long before an ephemeral environment's expiry its owner is warned ({@code
   * EXPIRY_WARNING_LEAD_MINUTES}, comma-separated minutes such as {@code 1440,60}); absent: {@code
   * fallback}. A value that is not a list of positive whole minutes fails the function at init.
   */
  public java.util.List<java.time.Duration> expiryWarningLeadTimes(
      java.util.List<java.time.Duration> fallback) {
    String value = environment.get("EXPIRY_WARNING_LEAD_MINUTES");
    if (value == null || value.isBlank()) {
      return fallback;
    }
    java.util.List<java.time.Duration> leads = new java.util.ArrayList<>();
    for (String part : value.split(",")) {
      try {
        long minutes = Long.parseLong(part.trim());
        if (minutes < 1) {
          throw new NumberFormatException("not positive");
        }
        leads.add(java.time.Duration.ofMinutes(minutes));
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            "EXPIRY_WARNING_LEAD_MINUTES must be positive whole minutes, comma-separated; got '"
                + value
                + "'",
            e);
      }
    }
    return java.util.List.copyOf(leads);
  }

  /**
   * The endpoint of one service when the environment redirects it, as the SDK itself reads it:
   * {@code AWS_ENDPOINT_URL_<SERVICE>} first, then {@code AWS_ENDPOINT_URL}.
   */
  Optional<URI> endpoint(String service) {
    return Optional.ofNullable(
            environment.get("AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT)))
        .or(() -> Optional.ofNullable(environment.get("AWS_ENDPOINT_URL")))
        .filter(s -> !s.isBlank())
        .map(URI::create);
  }

  /**
   * Explicit keys when the environment has them (the local cloud, classic Lambda); otherwise the
   * default chain, which under SnapStart reads the container credentials endpoint.
   */
  private static AwsCredentialsProvider credentials(Map<String, String> env) {
    String key = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (key == null || secret == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    String session = env.get("AWS_SESSION_TOKEN");
    return StaticCredentialsProvider.create(
        session == null
            ? AwsBasicCredentials.create(key, secret)
            : AwsSessionCredentials.create(key, secret, session));
  }

  private String required(String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("the function's environment lacks " + name);
    }
    return value;
  }

  /** The DynamoDB client, built once per function instance with the URLConnection HTTP client. */
  public DynamoDbClient dynamoDb() {
    var builder =
        DynamoDbClient.builder().region(region).credentialsProvider(credentials).httpClient(http());
    endpoint("DYNAMODB").ifPresent(builder::endpointOverride);
    String table = environment.getOrDefault("REGISTRY_TABLE", "priming");
    return primed(
        "DynamoDb.GetItem",
        builder.build(),
        c ->
            c.getItem(
                r ->
                    r.tableName(table)
                        .key(
                            Map.of(
                                "pk", AttributeValue.fromS("PRIMING"),
                                "sk", AttributeValue.fromS("PRIMING")))
                        .overrideConfiguration(Priming.THROWAWAY_KEYS)));
  }

  public EventBridgeClient eventBridge() {
    var builder =
        EventBridgeClient.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClient(http());
    endpoint("EVENTBRIDGE").ifPresent(builder::endpointOverride);
    return primed(
        "EventBridge.PutEvents",
        builder.build(),
        c ->
            c.putEvents(
                r ->
                    r.entries(
                            PutEventsRequestEntry.builder()
                                .source("stagecoach")
                                .detailType("Priming")
                                .detail("{}")
                                .eventBusName("priming")
                                .build())
                        .overrideConfiguration(Priming.THROWAWAY_KEYS)));
  }

  public LambdaClient lambda() {
    var builder =
        LambdaClient.builder().region(region).credentialsProvider(credentials).httpClient(http());
    endpoint("LAMBDA").ifPresent(builder::endpointOverride);
    return primed(
        "Lambda.Invoke",
        builder.build(),
        c ->
            c.invoke(
                r ->
                    r.functionName("priming")
                        .payload(SdkBytes.fromUtf8String("{}"))
                        .overrideConfiguration(Priming.THROWAWAY_KEYS)));
  }

  public SfnClient stepFunctions() {
    var builder =
        SfnClient.builder().region(region).credentialsProvider(credentials).httpClient(http());
    endpoint("SFN").ifPresent(builder::endpointOverride);
    return primed(
        "Sfn.DescribeExecution",
        builder.build(),
        c ->
            c.describeExecution(
                r ->
                    r.executionArn(
                            "arn:aws:states:"
                                + region.id()
                                + ":000000000000:execution:priming:priming")
                        .overrideConfiguration(Priming.THROWAWAY_KEYS)));
  }

  public SecretsManagerClient secretsManager() {
    var builder =
        SecretsManagerClient.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClient(http());
    endpoint("SECRETS_MANAGER").ifPresent(builder::endpointOverride);
    return primed(
        "SecretsManager.GetSecretValue",
        builder.build(),
        c ->
            c.getSecretValue(
                r -> r.secretId("priming").overrideConfiguration(Priming.THROWAWAY_KEYS)));
  }
}
