package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.ItemMapping.key;
import static io.stagecoach.registry.dynamodb.ItemMapping.n;
import static io.stagecoach.registry.dynamodb.ItemMapping.num;
import static io.stagecoach.registry.dynamodb.ItemMapping.optStr;
import static io.stagecoach.registry.dynamodb.ItemMapping.s;
import static io.stagecoach.registry.dynamodb.ItemMapping.str;
import static io.stagecoach.registry.dynamodb.RegistryKeys.*;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.Promotions;
import java.time.Duration;
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

/**
 * Promotions ({@code PROMO#{id}}, listed newest first in gsi1 {@code PROMOS#{app}}) and approvals
 * ({@code APPR#{id}}, in the sparse gsi2 partition {@code PENDING} while they wait) in the app's
 * partition. An approval id starts with its app ({@code payments:1a2b...}), so the approval routes
 * need no app.
 */
public final class DynamoDbPromotions implements Promotions {

  private static final DateTimeFormatter ORDER =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Set<String> GSI1_KEY = Set.of(PK, SK, GSI1PK, GSI1SK);
  private static final Set<String> GSI2_KEY = Set.of(PK, SK, GSI2PK, GSI2SK);
  static final String PENDING = "PENDING";

  private final DynamoDbClient dynamo;
  private final String table;
  private final DynamoDbRegistry pages;

  public DynamoDbPromotions(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
    this.pages = new DynamoDbRegistry(dynamo, table);
  }

  // ------------------------------------------------------------ promotions

  @Override
  public WriteResult createPromotion(Promotion p) {
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(promotionItem(p))
                  .conditionExpression("attribute_not_exists(pk)"));
      return new WriteResult.Written(p.revision());
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.AlreadyExists();
    }
  }

  @Override
  public Optional<Promotion> findPromotion(String app, String id) {
    return get(appPk(app), "PROMO#" + id).map(DynamoDbPromotions::promotion);
  }

  @Override
  public WriteResult savePromotion(Promotion p, long expectedRevision) {
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(promotionItem(p))
                  .conditionExpression("#rev = :expected")
                  .expressionAttributeNames(Map.of("#rev", REVISION))
                  .expressionAttributeValues(Map.of(":expected", n(expectedRevision))));
      return new WriteResult.Written(p.revision());
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.ChangedSinceRead();
    }
  }

  @Override
  public Outcome<Page<Promotion>> listPromotions(String app, PageRequest page) {
    return pages.query(
        GSI1,
        GSI1PK,
        "PROMOS#" + app,
        Optional.empty(),
        false,
        page,
        GSI1_KEY,
        DynamoDbPromotions::promotion);
  }

  // ------------------------------------------------------------ approvals

  @Override
  public WriteResult createApproval(Approval a) {
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(approvalItem(a))
                  .conditionExpression("attribute_not_exists(pk)"));
      return new WriteResult.Written(1);
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.AlreadyExists();
    }
  }

  @Override
  public Optional<Approval> findApproval(String id) {
    int colon = id.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    return get(appPk(id.substring(0, colon)), "APPR#" + id).map(DynamoDbPromotions::approval);
  }

  @Override
  public WriteResult saveApproval(Approval a, Approval read) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":expected", n(read.decisions().size()));
    values.put(":pending", s(Approval.Status.PENDING.wireName()));
    String condition = "decisionCount = :expected AND #status = :pending AND ";
    if (read.taskToken().isPresent()) {
      values.put(":token", s(read.taskToken().get()));
      condition += "taskToken = :token";
    } else {
      condition += "attribute_not_exists(taskToken)";
    }
    String check = condition;
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(approvalItem(a))
                  .conditionExpression(check)
                  .expressionAttributeNames(Map.of("#status", "status"))
                  .expressionAttributeValues(values));
      return new WriteResult.Written(a.decisions().size());
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.ChangedSinceRead();
    }
  }

  @Override
  public Outcome<Page<Approval>> pendingApprovals(PageRequest page) {
    return pages.query(
        GSI2,
        GSI2PK,
        PENDING,
        Optional.empty(),
        true,
        page,
        GSI2_KEY,
        DynamoDbPromotions::approval);
  }

  @Override
  public List<Approval> pendingApprovals(String app, String environment) {
    List<Approval> found = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var response =
          dynamo.query(
              q ->
                  q.tableName(table)
                      .consistentRead(true)
                      .keyConditionExpression("#pk = :pk AND begins_with(#sk, :appr)")
                      .filterExpression("#status = :pending AND environment = :env")
                      .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#status", "status"))
                      .expressionAttributeValues(
                          Map.of(
                              ":pk",
                              s(appPk(app)),
                              ":appr",
                              s("APPR#"),
                              ":pending",
                              s(Approval.Status.PENDING.wireName()),
                              ":env",
                              s(environment)))
                      .exclusiveStartKey(from));
      response.items().forEach(i -> found.add(approval(i)));
      start =
          response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
              ? response.lastEvaluatedKey()
              : null;
    } while (start != null);
    return found;
  }

  // ------------------------------------------------------------ mapping

  private Optional<Map<String, AttributeValue>> get(String pk, String sk) {
    Map<String, AttributeValue> item =
        dynamo.getItem(r -> r.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  static Map<String, AttributeValue> promotionItem(Promotion p) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(p.app())));
    item.put(SK, s("PROMO#" + p.id()));
    item.put(GSI1PK, s("PROMOS#" + p.app()));
    item.put(GSI1SK, s(ORDER.format(p.startedAt()) + "#" + p.id()));
    item.put("type", s("promotion"));
    item.put("id", s(p.id()));
    item.put("app", s(p.app()));
    item.put("version", s(p.version()));
    item.put("digest", s(p.digest()));
    item.put("requestedBy", s(p.requestedBy()));
    item.put("startedAt", s(p.startedAt().toString()));
    item.put("status", s(p.status().wireName()));
    item.put(
        "stages",
        AttributeValue.fromL(
            p.stages().stream()
                .map(
                    st -> {
                      Map<String, AttributeValue> m = new HashMap<>();
                      m.put("environment", s(st.environment()));
                      m.put("status", s(st.status().wireName()));
                      st.approvalId().ifPresent(v -> m.put("approvalId", s(v)));
                      st.deploymentId().ifPresent(v -> m.put("deploymentId", s(v)));
                      st.startedAt().ifPresent(v -> m.put("startedAt", s(v.toString())));
                      st.finishedAt().ifPresent(v -> m.put("finishedAt", s(v.toString())));
                      st.reason().ifPresent(v -> m.put("reason", s(v)));
                      return AttributeValue.fromM(m);
                    })
                .toList()));
    p.failure().ifPresent(v -> item.put("failure", s(v)));
    p.reason().ifPresent(v -> item.put("reason", s(v)));
    p.finishedAt().ifPresent(v -> item.put("finishedAt", s(v.toString())));
    p.breakGlassId().ifPresent(v -> item.put("breakGlassId", s(v)));
    item.put(REVISION, n(p.revision()));
    return item;
  }

  static Promotion promotion(Map<String, AttributeValue> item) {
    List<Promotion.StageProgress> stages =
        item.get("stages").l().stream()
            .map(
                v -> {
                  Map<String, AttributeValue> m = v.m();
                  return new Promotion.StageProgress(
                      m.get("environment").s(),
                      Promotion.StageStatus.fromWire(m.get("status").s()).orElseThrow(),
                      optStr(m, "approvalId"),
                      optStr(m, "deploymentId"),
                      optStr(m, "startedAt").map(Instant::parse),
                      optStr(m, "finishedAt").map(Instant::parse),
                      optStr(m, "reason"));
                })
            .toList();
    return new Promotion(
        str(item, "id"),
        str(item, "app"),
        str(item, "version"),
        str(item, "digest"),
        str(item, "requestedBy"),
        Instant.parse(str(item, "startedAt")),
        Promotion.Status.valueOf(str(item, "status").toUpperCase(java.util.Locale.ROOT)),
        stages,
        optStr(item, "failure"),
        optStr(item, "reason"),
        optStr(item, "finishedAt").map(Instant::parse),
        optStr(item, "breakGlassId"),
        num(item, REVISION));
  }

  static Map<String, AttributeValue> approvalItem(Approval a) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(a.app())));
    item.put(SK, s("APPR#" + a.id()));
    if (a.isPending()) {
      item.put(GSI2PK, s(PENDING));
      item.put(GSI2SK, s(ORDER.format(a.requestedAt()) + "#" + a.id()));
    }
    item.put("type", s("approval"));
    item.put("id", s(a.id()));
    item.put("app", s(a.app()));
    item.put("promotionId", s(a.promotionId()));
    item.put("environment", s(a.environment()));
    item.put("version", s(a.version()));
    item.put(
        "policy",
        AttributeValue.fromM(
            Map.of(
                "groups",
                    AttributeValue.fromL(
                        a.policy().groups().stream()
                            .map(
                                q ->
                                    AttributeValue.fromM(
                                        Map.of("group", s(q.group()), "min", n(q.minApprovers()))))
                            .toList()),
                "timeoutSeconds", n(a.policy().timeout().toSeconds()))));
    item.put("requestedBy", s(a.requestedBy()));
    item.put("requestedAt", s(a.requestedAt().toString()));
    item.put("expiresAt", s(a.expiresAt().toString()));
    item.put("status", s(a.status().wireName()));
    item.put(
        "decisions",
        AttributeValue.fromL(
            a.decisions().stream()
                .map(
                    d -> {
                      Map<String, AttributeValue> m = new HashMap<>();
                      m.put("principal", s(d.principal()));
                      m.put(
                          "groups",
                          AttributeValue.fromL(
                              d.groups().stream().sorted().map(ItemMapping::s).toList()));
                      m.put("approve", AttributeValue.fromBool(d.approve()));
                      m.put("comment", s(d.comment()));
                      m.put("at", s(d.at().toString()));
                      return AttributeValue.fromM(m);
                    })
                .toList()));
    item.put("decisionCount", n(a.decisions().size()));
    // The waiting step's token stays in the registry: no view or event ever carries it.
    a.taskToken().ifPresent(t -> item.put("taskToken", s(t)));
    a.plan().ifPresent(plan -> item.put("plan", DeploymentMapping.planValue(plan)));
    a.planUnavailable().ifPresent(why -> item.put("planUnavailable", s(why)));
    return item;
  }

  static Approval approval(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> policy = item.get("policy").m();
    ApprovalPolicy p =
        new ApprovalPolicy(
            policy.get("groups").l().stream()
                .map(
                    q ->
                        new ApprovalPolicy.GroupQuorum(
                            q.m().get("group").s(), Integer.parseInt(q.m().get("min").n())))
                .toList(),
            Duration.ofSeconds(Long.parseLong(policy.get("timeoutSeconds").n())));
    List<Approval.Decision> decisions =
        item.get("decisions").l().stream()
            .map(
                v -> {
                  Map<String, AttributeValue> m = v.m();
                  return new Approval.Decision(
                      m.get("principal").s(),
                      Set.copyOf(m.get("groups").l().stream().map(AttributeValue::s).toList()),
                      m.get("approve").bool(),
                      m.get("comment").s(),
                      Instant.parse(m.get("at").s()));
                })
            .toList();
    return new Approval(
        str(item, "id"),
        str(item, "app"),
        str(item, "promotionId"),
        str(item, "environment"),
        str(item, "version"),
        p,
        str(item, "requestedBy"),
        Instant.parse(str(item, "requestedAt")),
        Instant.parse(str(item, "expiresAt")),
        Approval.Status.fromWire(str(item, "status")).orElseThrow(),
        decisions,
        optStr(item, "taskToken"),
        Optional.ofNullable(item.get("plan")).map(DeploymentMapping::plan),
        optStr(item, "planUnavailable"));
  }
}
