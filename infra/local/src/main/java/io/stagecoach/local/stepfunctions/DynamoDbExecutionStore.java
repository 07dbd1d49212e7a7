package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.stagecoach.local.stepfunctions.asl.Run;
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
 * record holding its JSON document: the local cloud keeps them in DynamoDB Local on disk, so a
 * pending approval survives {@code serve} being killed.
 *
 * <p>Histories live in a second table, {@code <table>-history}, keyed by execution ARN and the id
 * of the first event of a chunk: each checkpoint adds one chunk with the events since the one
 * before (more when they would pass DynamoDB's 400 KB item limit), so no item grows with the
 * execution's length.
 */
public final class DynamoDbExecutionStore implements ExecutionStore {

  private static final String KEY = "pk";
  private static final String KIND = "kind";
  private static final String DOC = "doc";

  private static final String FIRST = "first";

  /** Characters of events per history item: at most 3 bytes each in UTF-8, well inside 400 KB. */
  private static final int CHUNK_CHARS = 100_000;

  private final DynamoDbClient client;
  private final String table;
  private final String historyTable;

  public DynamoDbExecutionStore(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
    this.historyTable = table + "-history";
    createTableIfMissing(table, false);
    createTableIfMissing(historyTable, true);
  }

  private void createTableIfMissing(String name, boolean chunks) {
    try {
      client.describeTable(b -> b.tableName(name));
    } catch (ResourceNotFoundException e) {
      List<AttributeDefinition> attributes =
          new ArrayList<>(
              List.of(
                  AttributeDefinition.builder()
                      .attributeName(KEY)
                      .attributeType(ScalarAttributeType.S)
                      .build()));
      List<KeySchemaElement> keys =
          new ArrayList<>(
              List.of(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build()));
      if (chunks) {
        attributes.add(
            AttributeDefinition.builder()
                .attributeName(FIRST)
                .attributeType(ScalarAttributeType.N)
                .build());
        keys.add(KeySchemaElement.builder().attributeName(FIRST).keyType(KeyType.RANGE).build());
      }
      client.createTable(
          b ->
              b.tableName(name)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(attributes)
                  .keySchema(keys));
      client.waiter().waitUntilTableExists(b -> b.tableName(name));
    }
  }

  @Override
  public void putStateMachine(StoredStateMachine machine) {
    put("stateMachine", machine.arn(), Documents.write(machine));
  }

  @Override
  public void deleteStateMachine(String arn) {
    client.deleteItem(
        b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS("stateMachine#" + arn))));
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
  public void appendHistory(String executionArn, List<Run.HistoryEvent> events) {
    int from = 0;
    int chars = 0;
    for (int i = 0; i < events.size(); i++) {
      // An event's own size, roughly: its details dominate.
      int size =
          200 + (events.get(i).details() == null ? 0 : events.get(i).details().toString().length());
      if (i > from && chars + size > CHUNK_CHARS) {
        putChunk(executionArn, events.subList(from, i));
        from = i;
        chars = 0;
      }
      chars += size;
    }
    if (from < events.size()) {
      putChunk(executionArn, events.subList(from, events.size()));
    }
  }

  private void putChunk(String executionArn, List<Run.HistoryEvent> events) {
    client.putItem(
        b ->
            b.tableName(historyTable)
                .item(
                    Map.of(
                        KEY,
                        AttributeValue.fromS(executionArn),
                        FIRST,
                        AttributeValue.fromN(Long.toString(events.get(0).id())),
                        DOC,
                        AttributeValue.fromS(Documents.write(events)))));
  }

  @Override
  public List<StoredExecution> executions() {
    List<StoredExecution> out = new ArrayList<>();
    for (String doc : documents("execution")) {
      try {
        StoredExecution e = Documents.readExecution(doc);
        String legacy = Documents.legacyHistory(doc);
        if (legacy != null) {
          // Written before histories had their own table: move the history there, once.
          appendHistory(e.arn(), Documents.readHistory(legacy));
          putExecution(e);
        }
        out.add(e);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("unreadable execution record in " + table, e);
      }
    }
    return out;
  }

  @Override
  public List<Run.HistoryEvent> history(String executionArn) {
    List<Run.HistoryEvent> out = new ArrayList<>();
    for (Map<String, AttributeValue> item : chunks(executionArn, false)) {
      try {
        for (Run.HistoryEvent event : Documents.readHistory(item.get(DOC).s())) {
          // A chunk rewritten after a failed write may overlap the one after it: each id once, in
          // order.
          if (event.id() == out.size() + 1L) {
            out.add(event);
          }
        }
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(
            "unreadable history of " + executionArn + " in " + historyTable, e);
      }
    }
    return out;
  }

  @Override
  public void deleteExecution(String executionArn) {
    // The history first: if this stops half-way, the record that remains is dropped again at the
    // next
    // load, whereas chunks left without their record would stay in the table for good.
    for (Map<String, AttributeValue> item : chunks(executionArn, true)) {
      client.deleteItem(
          b -> b.tableName(historyTable).key(Map.of(KEY, item.get(KEY), FIRST, item.get(FIRST))));
    }
    client.deleteItem(
        b ->
            b.tableName(table).key(Map.of(KEY, AttributeValue.fromS("execution#" + executionArn))));
  }

  private List<Map<String, AttributeValue>> chunks(String executionArn, boolean keysOnly) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    client
        .queryPaginator(
            b -> {
              b.tableName(historyTable)
                  .keyConditionExpression("#p = :p")
                  .scanIndexForward(true)
                  .expressionAttributeNames(Map.of("#p", KEY))
                  .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(executionArn)));
              if (keysOnly) {
                b.projectionExpression("#p, #f")
                    .expressionAttributeNames(Map.of("#p", KEY, "#f", FIRST));
              }
            })
        .items()
        .forEach(out::add);
    return out;
  }

  private void put(String kind, String arn, String doc) {
    client.putItem(
        b ->
            b.tableName(table)
                .item(
                    Map.of(
                        KEY,
                        AttributeValue.fromS(kind + "#" + arn),
                        KIND,
                        AttributeValue.fromS(kind),
                        DOC,
                        AttributeValue.fromS(doc))));
  }

  private List<String> documents(String kind) {
    List<String> out = new ArrayList<>();
    client
        .scanPaginator(
            b ->
                b.tableName(table)
                    .filterExpression("#k = :k")
                    .expressionAttributeNames(Map.of("#k", KIND))
                    .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(kind))))
        .items()
        .forEach(item -> out.add(item.get(DOC).s()));
    return out;
  }
}
