package io.stagecoach.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local, in this JVM, in memory: one server per test JVM, a fresh table per test class.
 * Tests talk to it over HTTP with a real SDK client, as the functions do in Lambda.
 */
public final class LocalDynamoDb {

  private static DynamoDBProxyServer server;
  private static URI endpoint;
  private static DynamoDbClient client;

  private LocalDynamoDb() {}

  public static synchronized URI endpoint() {
    if (server == null) {
      try {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
          port = socket.getLocalPort();
        }
        server =
            ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        Runtime.getRuntime().addShutdownHook(new Thread(LocalDynamoDb::stop));
      } catch (Exception e) {
        throw new IllegalStateException("DynamoDB Local did not start", e);
      }
    }
    return endpoint;
  }

  public static synchronized DynamoDbClient client() {
    if (client == null) {
      client =
          DynamoDbClient.builder()
              .endpointOverride(endpoint())
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
              .httpClientBuilder(UrlConnectionHttpClient.builder())
              .build();
    }
    return client;
  }

  /** A new, empty registry table with the key design the CDK app defines; returns its name. */
  public static String newRegistryTable() {
    String name = "registry-" + UUID.randomUUID();
    client()
        .createTable(
            t ->
                t.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        attribute("pk"),
                        attribute("sk"),
                        attribute("gsi1pk"),
                        attribute("gsi1sk"),
                        attribute("gsi2pk"),
                        attribute("gsi2sk"))
                    .keySchema(hash("pk"), range("sk"))
                    .globalSecondaryIndexes(index("gsi1"), index("gsi2")));
    return name;
  }

  private static GlobalSecondaryIndex index(String name) {
    return GlobalSecondaryIndex.builder()
        .indexName(name)
        .keySchema(hash(name + "pk"), range(name + "sk"))
        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
        .build();
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement hash(String name) {
    return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
  }

  private static KeySchemaElement range(String name) {
    return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
  }

  private static synchronized void stop() {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (Exception e) {
      // The JVM is exiting; nothing is left to clean up.
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
