package io.stagecoach.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.functions.support.SingleWriteHttpClient;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.local.template.TemplateException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local in this JVM, its data in one file under the local cloud's directory (so it
 * survives restarts), with the template's tables created if they are not there yet.
 */
public final class LocalDynamoDbEngine implements AutoCloseable {

  private final DynamoDBProxyServer server;
  private final URI endpoint;
  private final DynamoDbClient client;

  private LocalDynamoDbEngine(DynamoDBProxyServer server, URI endpoint, DynamoDbClient client) {
    this.server = server;
    this.endpoint = endpoint;
    this.client = client;
  }

  /** Starts DynamoDB Local on a free loopback port, data in {@code dataDir}. */
  public static LocalDynamoDbEngine start(Path dataDir, String region) throws Exception {
    Files.createDirectories(dataDir);
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    // -sharedDb: one database file whatever the credentials and region; telemetry off (it costs 1-2
    // s).
    // createServer, not createServerFromCommandLineArgs: the latter prints its configuration on
    // stdout, into serve's own start-up report.
    CommandLineInput input =
        new CommandLineInput(
            new String[] {
              "-port",
              Integer.toString(port),
              "-dbPath",
              dataDir.toAbsolutePath().toString(),
              "-sharedDb",
              "-disableTelemetry"
            });
    if (!input.init()) {
      throw new IllegalStateException("DynamoDB Local refused its settings");
    }
    DynamoDBProxyServer server = ServerRunner.createServer(input);
    bindToLoopback(server);
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    DynamoDbClient client =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClient(SingleWriteHttpClient.create())
            .build();
    return new LocalDynamoDbEngine(server, endpoint, client);
  }

  /**
   * DynamoDB Local's server listens on every interface ({@code new Server(port)}), with no
   * authentication: anyone on the network could read the registry or plant an admin token. Its
   * Jetty connectors are moved to 127.0.0.1 before it starts. DynamoDB Local offers no option for
   * this, hence the reflection on its one private field; a change of that field's name fails here,
   * loudly.
   */
  static void bindToLoopback(DynamoDBProxyServer proxy) {
    try {
      java.lang.reflect.Field field = DynamoDBProxyServer.class.getDeclaredField("server");
      field.setAccessible(true);
      org.eclipse.jetty.server.Server jetty = (org.eclipse.jetty.server.Server) field.get(proxy);
      for (org.eclipse.jetty.server.Connector connector : jetty.getConnectors()) {
        if (connector instanceof org.eclipse.jetty.server.ServerConnector network) {
          network.setHost("127.0.0.1");
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot bind DynamoDB Local to loopback", e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  public DynamoDbClient client() {
    return client;
  }

  /**
   * Creates every {@code AWS::DynamoDB::Table} of the template that does not exist yet; returns
   * their names.
   */
  public List<String> createTables(CloudTemplate template) {
    List<String> names = new ArrayList<>();
    for (CloudTemplate.Resource table : template.ofType("AWS::DynamoDB::Table")) {
      String name = template.ref(table.logicalId());
      names.add(name);
      CreateTableRequest request = createRequest(template, table, name);
      try {
        client.createTable(request);
      } catch (ResourceInUseException alreadyThere) {
        continue;
      }
      JsonNode ttl = template.property(table, "TimeToLiveSpecification");
      if (ttl.path("Enabled").asBoolean(false)) {
        client.updateTimeToLive(
            t ->
                t.tableName(name)
                    .timeToLiveSpecification(
                        s -> s.attributeName(ttl.path("AttributeName").asText()).enabled(true)));
      }
    }
    return names;
  }

  static CreateTableRequest createRequest(
      CloudTemplate template, CloudTemplate.Resource table, String name) {
    JsonNode keySchema = template.property(table, "KeySchema");
    JsonNode attributes = template.property(table, "AttributeDefinitions");
    if (!keySchema.isArray() || keySchema.isEmpty() || !attributes.isArray()) {
      throw new TemplateException(
          table.logicalId() + ": a table needs KeySchema and AttributeDefinitions");
    }
    CreateTableRequest.Builder request =
        CreateTableRequest.builder()
            .tableName(name)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .keySchema(keys(keySchema))
            .attributeDefinitions(attributeDefinitions(attributes));
    JsonNode gsis = template.property(table, "GlobalSecondaryIndexes");
    if (gsis.isArray() && !gsis.isEmpty()) {
      List<GlobalSecondaryIndex> indexes = new ArrayList<>();
      for (JsonNode gsi : gsis) {
        Projection.Builder projection =
            Projection.builder()
                .projectionType(
                    ProjectionType.fromValue(
                        gsi.path("Projection").path("ProjectionType").asText("ALL")));
        JsonNode nonKey = gsi.path("Projection").path("NonKeyAttributes");
        if (nonKey.isArray() && !nonKey.isEmpty()) {
          List<String> names = new ArrayList<>();
          nonKey.forEach(n -> names.add(n.asText()));
          projection.nonKeyAttributes(names);
        }
        indexes.add(
            GlobalSecondaryIndex.builder()
                .indexName(gsi.path("IndexName").asText())
                .keySchema(keys(gsi.path("KeySchema")))
                .projection(projection.build())
                .build());
      }
      request.globalSecondaryIndexes(indexes);
    }
    return request.build();
  }

  private static List<KeySchemaElement> keys(JsonNode schema) {
    List<KeySchemaElement> keys = new ArrayList<>();
    for (JsonNode k : schema) {
      keys.add(
          KeySchemaElement.builder()
              .attributeName(k.path("AttributeName").asText())
              .keyType(k.path("KeyType").asText())
              .build());
    }
    return keys;
  }

  private static List<AttributeDefinition> attributeDefinitions(JsonNode attributes) {
    List<AttributeDefinition> defs = new ArrayList<>();
    for (JsonNode a : attributes) {
      defs.add(
          AttributeDefinition.builder()
              .attributeName(a.path("AttributeName").asText())
              .attributeType(a.path("AttributeType").asText())
              .build());
    }
    return defs;
  }

  @Override
  public void close() {
    client.close();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
    }
  }
}
