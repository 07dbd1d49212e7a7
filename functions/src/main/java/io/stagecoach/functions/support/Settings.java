package io.stagecoach.functions.support;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A function's settings, read from its environment in one place (STYLE practice 13). In Lambda the map
 * is the process environment; the local cloud passes the function's template environment instead, which
 * is why endpoints and credentials are read from the map rather than left to the SDK's own lookup.
 */
public record Settings(
    String registryTable,
    Region region,
    Optional<URI> dynamoDbEndpoint,
    AwsCredentialsProvider credentials) {

  public static Settings fromEnvironment(Map<String, String> env) {
    String table = required(env, "REGISTRY_TABLE");
    Region region = Region.of(Optional.ofNullable(env.get("AWS_REGION"))
        .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")))
        .orElse("us-east-1"));
    Optional<URI> endpoint = Optional.ofNullable(env.get("AWS_ENDPOINT_URL_DYNAMODB"))
        .or(() -> Optional.ofNullable(env.get("AWS_ENDPOINT_URL")))
        .filter(s -> !s.isBlank())
        .map(URI::create);
    return new Settings(table, region, endpoint, credentials(env));
  }

  /**
   * Explicit keys when the environment has them (the local cloud, classic Lambda); otherwise the default
   * chain, which under SnapStart reads the container credentials endpoint.
   */
  private static AwsCredentialsProvider credentials(Map<String, String> env) {
    String key = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (key == null || secret == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    String session = env.get("AWS_SESSION_TOKEN");
    return StaticCredentialsProvider.create(session == null
        ? AwsBasicCredentials.create(key, secret)
        : AwsSessionCredentials.create(key, secret, session));
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("the function's environment lacks " + name);
    }
    return value;
  }

  /** The DynamoDB client, built once per function instance with the URLConnection HTTP client. */
  public DynamoDbClient dynamoDb() {
    var builder = DynamoDbClient.builder()
        .region(region)
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder());
    dynamoDbEndpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
