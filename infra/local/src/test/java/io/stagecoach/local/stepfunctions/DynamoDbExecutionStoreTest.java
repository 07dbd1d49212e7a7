package io.stagecoach.local.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.Run;
import io.stagecoach.testing.LocalDynamoDb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbExecutionStoreTest {

  private static final String ARN = "arn:aws:states:eu-west-1:123456789012:execution:m:e-1";
  private final String table = "stagecoach-sfn-" + UUID.randomUUID();
  private final DynamoDbExecutionStore store =
      new DynamoDbExecutionStore(LocalDynamoDb.client(), table);

  private static List<Run.HistoryEvent> events(int from, int count, int detailChars) {
    List<Run.HistoryEvent> out = new ArrayList<>();
    for (long id = from; id < from + count; id++) {
      out.add(
          new Run.HistoryEvent(
              id,
              id - 1,
              Instant.parse("2026-01-01T00:00:00Z").plusSeconds(id),
              "PassStateEntered",
              "stateEnteredEventDetails",
              JsonNodeFactory.instance
                  .objectNode()
                  .put("name", "S")
                  .put("input", "x".repeat(detailChars))));
    }
    return out;
  }

  @Test
  void eventsPastOneItemsLimit_areSplitIntoChunks_andReadBackInOrder() {
    // 12 events of 60,000 characters: 720 KB, so no single item could hold them.
    store.appendHistory(ARN, events(1, 12, 60_000));
    store.appendHistory(ARN, events(13, 3, 10));
    List<Run.HistoryEvent> read = store.history(ARN);
    assertEquals(events(1, 12, 60_000).get(11), read.get(11));
    assertEquals(15, read.size());
    for (int i = 0; i < read.size(); i++) {
      assertEquals(i + 1L, read.get(i).id());
    }
    store.deleteExecution(ARN);
    assertTrue(store.history(ARN).isEmpty());
  }

  @Test
  void aDeleteThatStopsHalfWay_leavesTheRecord_soTheHistoryIsNotOrphaned() {
    // A client that fails on its second delete (one for the record, one for the only chunk), as if
    // the
    // process died between the two.
    software.amazon.awssdk.services.dynamodb.DynamoDbClient real = LocalDynamoDb.client();
    int[] deletes = {0};
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dying =
        (software.amazon.awssdk.services.dynamodb.DynamoDbClient)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {software.amazon.awssdk.services.dynamodb.DynamoDbClient.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("deleteItem") && ++deletes[0] == 2) {
                    throw new IllegalStateException("died while deleting");
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    DynamoDbExecutionStore crashing = new DynamoDbExecutionStore(dying, table);
    crashing.putExecution(
        new ExecutionStore.StoredExecution(
            ARN,
            "arn:aws:states:eu-west-1:123456789012:stateMachine:m",
            "e-1",
            "{}",
            "SUCCEEDED",
            "{}",
            null,
            null,
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:01:00Z"),
            null));
    crashing.appendHistory(ARN, events(1, 3, 10));
    try {
      crashing.deleteExecution(ARN);
    } catch (IllegalStateException expected) {
      // the crash
    }
    boolean recordLeft = store.executions().stream().anyMatch(e -> e.arn().equals(ARN));
    assertTrue(recordLeft || store.history(ARN).isEmpty(), "history left without its record");
    // The record still there, a later retention deletes the rest.
    store.deleteExecution(ARN);
    assertTrue(store.history(ARN).isEmpty());
    assertFalse(store.executions().stream().anyMatch(e -> e.arn().equals(ARN)));
  }

  @Test
  void appendingAgainFromAnIdAlreadyStored_readsEachEventOnce() {
    store.appendHistory(ARN, events(1, 5, 10));
    store.appendHistory(ARN, events(4, 5, 10));
    List<Run.HistoryEvent> read = store.history(ARN);
    assertEquals(8, read.size());
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), read.stream().map(Run.HistoryEvent::id).toList());
  }

  @Test
  void aRecordWrittenWithItsHistoryInside_hasItMovedToTheHistoryTable() throws Exception {
    ExecutionStore.StoredExecution e =
        new ExecutionStore.StoredExecution(
            ARN,
            "arn:aws:states:eu-west-1:123456789012:stateMachine:m",
            "e-1",
            "{}",
            "SUCCEEDED",
            "{}",
            null,
            null,
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:01:00Z"),
            null);
    // As records were before histories had a table of their own.
    ObjectNode legacy = (ObjectNode) Json.parse(ExecutionStore.Documents.write(e));
    legacy.put("history", ExecutionStore.Documents.write(events(1, 3, 10)));
    LocalDynamoDb.client()
        .putItem(
            b ->
                b.tableName(table)
                    .item(
                        Map.of(
                            "pk",
                            AttributeValue.fromS("execution#" + ARN),
                            "kind",
                            AttributeValue.fromS("execution"),
                            "doc",
                            AttributeValue.fromS(legacy.toString()))));

    assertEquals(List.of(e), store.executions());
    assertEquals(events(1, 3, 10), store.history(ARN));
    String doc =
        LocalDynamoDb.client()
            .getItem(
                b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("execution#" + ARN))))
            .item()
            .get("doc")
            .s();
    assertFalse(doc.contains("\"history\""), doc);
  }
}
