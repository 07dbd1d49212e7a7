package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Executions and state machines in a DynamoDB table of their own (created if missing), one item per
 * record holding its JSON document: the local cloud keeps them in DynamoDB Local on disk, so a pending
 * approval survives {@code serve} being killed. A record is bounded by DynamoDB's 400 KB item limit,
 * which the history of a very long execution could reach.
 */
public final class DynamoDbExecutionStore implements ExecutionStore {

  private static final String KEY = "pk";
  private static final String KIND = "kind";
  private static final String DOC = "doc";

  private final DynamoDbClient client;
  private final String table;

  public DynamoDbExecutionStore(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
    createTableIfMissing();
  }

  private void createTableIfMissing() {
    try {
      client.describeTable(b -> b.tableName(table));
    } catch (ResourceNotFoundException e) {
      client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder().attributeName(KEY)
              .attributeType(ScalarAttributeType.S).build())
          .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build()));
      client.waiter().waitUntilTableExists(b -> b.tableName(table));
    }
  }

  @Override
  public void putStateMachine(StoredStateMachine machine) {
    put("stateMachine", machine.arn(), Documents.write(machine));
  }

  @Override
  public void deleteStateMachine(String arn) {
    client.deleteItem(b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS("stateMachine#" + arn))));
  }

  @Override
  public List<StoredStateMachine> stateMachines() {
    List<StoredStateMachine> out = new ArrayList<>();
    for (String doc : documents("stateMachine")) {
      try {
        out.add(Documents.readStateMachine(doc));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("unreadable state machine record in " + table, e);
      }
    }
    return out;
  }

  @Override
  public void putExecution(StoredExecution execution) {
    put("execution", execution.arn(), Documents.write(execution));
  }

  @Override
  public List<StoredExecution> executions() {
    List<StoredExecution> out = new ArrayList<>();
    for (String doc : documents("execution")) {
      try {
        out.add(Documents.readExecution(doc));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("unreadable execution record in " + table, e);
      }
    }
    return out;
  }

  private void put(String kind, String arn, String doc) {
    client.putItem(b -> b.tableName(table).item(Map.of(KEY, AttributeValue.fromS(kind + "#" + arn),
        KIND, AttributeValue.fromS(kind), DOC, AttributeValue.fromS(doc))));
  }

  private List<String> documents(String kind) {
    List<String> out = new ArrayList<>();
    client.scanPaginator(b -> b.tableName(table).filterExpression("#k = :k")
            .expressionAttributeNames(Map.of("#k", KIND))
            .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(kind))))
        .items().forEach(item -> out.add(item.get(DOC).s()));
    return out;
  }
}
