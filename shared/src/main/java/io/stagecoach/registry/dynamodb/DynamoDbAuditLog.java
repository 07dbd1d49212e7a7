package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.ItemMapping.n;
import static io.stagecoach.registry.dynamodb.ItemMapping.optStr;
import static io.stagecoach.registry.dynamodb.ItemMapping.s;
import static io.stagecoach.registry.dynamodb.ItemMapping.str;
import static io.stagecoach.registry.dynamodb.RegistryKeys.*;

import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditLog;
import io.stagecoach.domain.audit.AuditQuery;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Audit entries: {@code AUDIT#{id}} / {@code #AUDIT}, written once per id (a conditional put), in
 * the index partition {@code AUDIT} sorted by time (fixed width, so text order is time order),
 * removed by the table's TTL after {@link AuditEntry#RETENTION}. Filters other than time are
 * applied by DynamoDB after the key condition, so a page may hold fewer entries than its limit
 * while more follow.
 */
public final class DynamoDbAuditLog implements AuditLog {

  private static final DateTimeFormatter ORDER_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Set<String> GSI1_KEY = Set.of(PK, SK, GSI1PK, GSI1SK);

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbAuditLog(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public void record(AuditEntry e) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(AUDIT_PREFIX + e.id()));
    item.put(SK, s(AUDIT_SK));
    item.put(GSI1PK, s(ALL_AUDIT));
    item.put(GSI1SK, s(ORDER_TIME.format(e.at()) + "#" + e.id()));
    item.put("type", s("audit"));
    item.put("id", s(e.id()));
    item.put("at", s(e.at().toString()));
    item.put("principal", s(e.principal()));
    item.put("surface", s(e.surface()));
    item.put("action", s(e.action()));
    item.put("target", s(e.target()));
    e.app().ifPresent(v -> item.put("app", s(v)));
    e.environment().ifPresent(v -> item.put("environment", s(v)));
    item.put("outcome", s(e.outcome()));
    item.put("status", n(e.status()));
    item.put("requestId", s(e.requestId()));
    e.before().ifPresent(v -> item.put("before", s(v)));
    e.after().ifPresent(v -> item.put("after", s(v)));
    e.detail().ifPresent(v -> item.put("detail", s(v)));
    item.put(TTL, n(e.expiresAt().getEpochSecond()));
    try {
      // Once per id: a decision made again (a retried step) keeps the entry of the first time.
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", PK)));
    } catch (ConditionalCheckFailedException kept) {
      // Recorded already.
    }
  }

  @Override
  public Outcome<Page<AuditEntry>> find(AuditQuery query, PageRequest page) {
    Map<String, AttributeValue> start = null;
    if (page.cursor().isPresent()) {
      Optional<Map<String, AttributeValue>> decoded =
          Cursors.decode(page.cursor().get(), GSI1_KEY, GSI1PK, ALL_AUDIT);
      if (decoded.isEmpty()) {
        return Outcome.rejected(Rejection.invalid("cursor", "is not a cursor this listing issued"));
      }
      start = decoded.get();
    }
    Map<String, String> names = new HashMap<>(Map.of("#pk", GSI1PK, "#sk", GSI1SK));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(ALL_AUDIT)));
    values.put(":from", s(query.since().map(ORDER_TIME::format).orElse("0")));
    // '~' sorts after every digit: the whole last millisecond is within "until".
    values.put(":to", s(query.until().map(ORDER_TIME::format).orElse("9") + "~"));
    String keyCondition = "#pk = :pk AND #sk BETWEEN :from AND :to";
    List<String> filters = new ArrayList<>();
    filter(filters, names, values, "app", query.app());
    filter(filters, names, values, "environment", query.environment());
    filter(filters, names, values, "principal", query.principal());
    filter(filters, names, values, "action", query.action());
    Map<String, AttributeValue> from = start;
    QueryResponse response =
        dynamo.query(
            q -> {
              q.tableName(table)
                  .indexName(GSI1)
                  .keyConditionExpression(keyCondition)
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values)
                  .scanIndexForward(false)
                  .limit(page.limit())
                  .exclusiveStartKey(from);
              if (!filters.isEmpty()) {
                q.filterExpression(String.join(" AND ", filters));
              }
            });
    List<AuditEntry> items = response.items().stream().map(DynamoDbAuditLog::entry).toList();
    Optional<String> next =
        response.hasLastEvaluatedKey()
            ? Cursors.encode(response.lastEvaluatedKey())
            : Optional.empty();
    return Outcome.accepted(new Page<>(items, next));
  }

  private static void filter(
      List<String> filters,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      String attribute,
      Optional<String> value) {
    value.ifPresent(
        v -> {
          names.put("#" + attribute, attribute);
          values.put(":" + attribute, s(v));
          filters.add("#" + attribute + " = :" + attribute);
        });
  }

  private static AuditEntry entry(Map<String, AttributeValue> item) {
    return new AuditEntry(
        str(item, "id"),
        Instant.parse(str(item, "at")),
        str(item, "principal"),
        str(item, "surface"),
        str(item, "action"),
        str(item, "target"),
        optStr(item, "app"),
        optStr(item, "environment"),
        str(item, "outcome"),
        (int) ItemMapping.num(item, "status"),
        str(item, "requestId"),
        optStr(item, "before"),
        optStr(item, "after"),
        optStr(item, "detail"));
  }
}
