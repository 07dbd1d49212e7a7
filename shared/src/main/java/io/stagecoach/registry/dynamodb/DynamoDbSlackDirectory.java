package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.ItemMapping.key;
import static io.stagecoach.registry.dynamodb.ItemMapping.n;
import static io.stagecoach.registry.dynamodb.ItemMapping.s;
import static io.stagecoach.registry.dynamodb.ItemMapping.str;
import static io.stagecoach.registry.dynamodb.RegistryKeys.APP_SK;
import static io.stagecoach.registry.dynamodb.RegistryKeys.GSI1;
import static io.stagecoach.registry.dynamodb.RegistryKeys.GSI1PK;
import static io.stagecoach.registry.dynamodb.RegistryKeys.GSI1SK;
import static io.stagecoach.registry.dynamodb.RegistryKeys.PK;
import static io.stagecoach.registry.dynamodb.RegistryKeys.SK;
import static io.stagecoach.registry.dynamodb.RegistryKeys.TTL;
import static io.stagecoach.registry.dynamodb.RegistryKeys.appPk;

import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.chat.SlackChannel;
import io.stagecoach.domain.chat.SlackDirectory;
import io.stagecoach.domain.chat.SlackUser;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.WriteResult;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Slack links in the registry table (docs/registry-table.md): a linked account is an item of its
 * own ({@code SLACKUSER#{team}#{user}}, listed through {@code gsi1} partition {@code SLACKUSERS});
 * an app's channel ({@code #SLACK}) and the approval requests already posted ({@code
 * SLACKNOTICE#{approval}}) live in the app's partition, so they go when the app goes.
 */
public final class DynamoDbSlackDirectory implements SlackDirectory {

  static final String USER_SK = "#SLACKUSER";
  static final String ALL_USERS = "SLACKUSERS";
  static final String CHANNEL_SK = "#SLACK";
  private static final Set<String> GSI1_KEY = Set.of(PK, SK, GSI1PK, GSI1SK);
  private static final String EXISTS = "attribute_exists(" + PK + ")";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbSlackDirectory(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  static String userPk(String teamId, String userId) {
    return "SLACKUSER#" + teamId + "#" + userId;
  }

  static String noticeSk(String approvalId) {
    return "SLACKNOTICE#" + approvalId;
  }

  // ------------------------------------------------------------ users

  @Override
  public Optional<SlackUser> findUser(String teamId, String userId) {
    return get(userPk(teamId, userId), USER_SK).map(DynamoDbSlackDirectory::user);
  }

  /** Linked accounts read per page while looking for a principal's. */
  static final int USERS_PER_PAGE = 100;

  /** Pages read at most: a team of thousands of linked accounts is beyond what a notice needs. */
  static final int MAX_USER_PAGES = 20;

  @Override
  public Optional<SlackUser> findUserOf(String principal) {
    // The links are listed under one gsi1 partition; filtered there, so only matches come back.
    Map<String, AttributeValue> from = null;
    for (int page = 0; page < MAX_USER_PAGES; page++) {
      Map<String, AttributeValue> start = from;
      QueryResponse response =
          dynamo.query(
              q ->
                  q.tableName(table)
                      .indexName(GSI1)
                      .keyConditionExpression("#pk = :pk")
                      .filterExpression("#principal = :principal")
                      .expressionAttributeNames(Map.of("#pk", GSI1PK, "#principal", "principal"))
                      .expressionAttributeValues(
                          Map.of(":pk", s(ALL_USERS), ":principal", s(principal)))
                      .limit(USERS_PER_PAGE)
                      .exclusiveStartKey(start));
      if (!response.items().isEmpty()) {
        return Optional.of(user(response.items().get(0)));
      }
      if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
        return Optional.empty();
      }
      from = response.lastEvaluatedKey();
    }
    return Optional.empty();
  }

  @Override
  public Outcome<Page<SlackUser>> listUsers(PageRequest page) {
    Map<String, AttributeValue> start = null;
    if (page.cursor().isPresent()) {
      Optional<Map<String, AttributeValue>> decoded =
          Cursors.decode(page.cursor().get(), GSI1_KEY, GSI1PK, ALL_USERS);
      if (decoded.isEmpty()) {
        return Outcome.rejected(Rejection.invalid("cursor", "is not a cursor this listing issued"));
      }
      start = decoded.get();
    }
    Map<String, AttributeValue> from = start;
    QueryResponse response =
        dynamo.query(
            q ->
                q.tableName(table)
                    .indexName(GSI1)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", GSI1PK))
                    .expressionAttributeValues(Map.of(":pk", s(ALL_USERS)))
                    .limit(page.limit())
                    .exclusiveStartKey(from));
    List<SlackUser> users = response.items().stream().map(DynamoDbSlackDirectory::user).toList();
    Optional<String> next =
        response.hasLastEvaluatedKey()
            ? Cursors.encode(response.lastEvaluatedKey())
            : Optional.empty();
    return Outcome.accepted(new Page<>(users, next));
  }

  @Override
  public WriteResult putUser(SlackUser user) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(userPk(user.teamId(), user.userId())));
    item.put(SK, s(USER_SK));
    item.put(GSI1PK, s(ALL_USERS));
    item.put(GSI1SK, s(user.teamId() + "#" + user.userId()));
    item.put("type", s("slackUser"));
    item.put("teamId", s(user.teamId()));
    item.put("userId", s(user.userId()));
    item.put("principal", s(user.principal()));
    item.put(
        "roles",
        AttributeValue.fromSs(user.roles().stream().map(Role::wireName).sorted().toList()));
    if (!user.groups().isEmpty()) {
      item.put("groups", AttributeValue.fromSs(user.groups().stream().sorted().toList()));
    }
    item.put("updatedAt", s(user.updatedAt().toString()));
    item.put("updatedBy", s(user.updatedBy()));
    dynamo.putItem(r -> r.tableName(table).item(item));
    return new WriteResult.Written(1);
  }

  @Override
  public WriteResult deleteUser(String teamId, String userId) {
    return deleteIfPresent(userPk(teamId, userId), USER_SK);
  }

  private static SlackUser user(Map<String, AttributeValue> item) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    item.get("roles").ss().forEach(r -> Role.fromWire(r).ifPresent(roles::add));
    return new SlackUser(
        str(item, "teamId"),
        str(item, "userId"),
        str(item, "principal"),
        roles,
        item.containsKey("groups") ? Set.copyOf(item.get("groups").ss()) : Set.of(),
        Instant.parse(str(item, "updatedAt")),
        str(item, "updatedBy"));
  }

  // ------------------------------------------------------------ channels

  @Override
  public Optional<SlackChannel> findChannel(String app) {
    return get(appPk(app), CHANNEL_SK)
        .map(
            item ->
                new SlackChannel(
                    app,
                    str(item, "channel"),
                    Instant.parse(str(item, "updatedAt")),
                    str(item, "updatedBy")));
  }

  /**
   * One transaction with a check that the app is there, so no channel outlives (or predates) its
   * app.
   */
  @Override
  public WriteResult putChannel(SlackChannel channel) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(channel.app())));
    item.put(SK, s(CHANNEL_SK));
    item.put("type", s("slackChannel"));
    item.put("channel", s(channel.channelId()));
    item.put("updatedAt", s(channel.updatedAt().toString()));
    item.put("updatedBy", s(channel.updatedBy()));
    try {
      dynamo.transactWriteItems(
          t ->
              t.transactItems(
                  TransactWriteItem.builder()
                      .conditionCheck(
                          ConditionCheck.builder()
                              .tableName(table)
                              .key(key(appPk(channel.app()), APP_SK))
                              .conditionExpression(EXISTS)
                              .build())
                      .build(),
                  TransactWriteItem.builder()
                      .put(Put.builder().tableName(table).item(item).build())
                      .build()));
      return new WriteResult.Written(1);
    } catch (TransactionCanceledException e) {
      boolean appMissing =
          e.hasCancellationReasons()
              && !e.cancellationReasons().isEmpty()
              && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code());
      if (appMissing) {
        return new WriteResult.Missing();
      }
      return new WriteResult.ChangedSinceRead();
    }
  }

  @Override
  public WriteResult deleteChannel(String app) {
    return deleteIfPresent(appPk(app), CHANNEL_SK);
  }

  // ------------------------------------------------------------ approval notices

  @Override
  public boolean claimApprovalNotice(String app, String approvalId, Instant keepUntil) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(app)));
    item.put(SK, s(noticeSk(approvalId)));
    item.put("type", s("slackNotice"));
    item.put(TTL, n(keepUntil.getEpochSecond()));
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(" + PK + ")"));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public void releaseApprovalNotice(String app, String approvalId) {
    dynamo.deleteItem(r -> r.tableName(table).key(key(appPk(app), noticeSk(approvalId))));
  }

  // ------------------------------------------------------------ plumbing

  private Optional<Map<String, AttributeValue>> get(String pk, String sk) {
    Map<String, AttributeValue> item =
        dynamo.getItem(r -> r.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  private WriteResult deleteIfPresent(String pk, String sk) {
    try {
      dynamo.deleteItem(r -> r.tableName(table).key(key(pk, sk)).conditionExpression(EXISTS));
      return new WriteResult.Written(1);
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.Missing();
    }
  }
}
