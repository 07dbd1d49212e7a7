package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.ItemMapping.*;
import static io.stagecoach.registry.dynamodb.RegistryKeys.*;

import io.stagecoach.domain.access.ApiToken;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentFreeze;
import io.stagecoach.domain.registry.EnvironmentPin;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.template.TemplateRevision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The registry on one DynamoDB table (docs/registry-table.md). Every write is conditional;
 * condition failures come back as {@link WriteResult} values, other SDK errors propagate as
 * exceptions.
 */
public final class DynamoDbRegistry implements Registry {

  private static final String NOT_EXISTS = "attribute_not_exists(" + PK + ")";
  private static final String EXISTS = "attribute_exists(" + PK + ")";
  private static final Set<String> MAIN_KEY = Set.of(PK, SK);
  private static final Set<String> GSI1_KEY = Set.of(PK, SK, GSI1PK, GSI1SK);
  private static final Set<String> GSI2_KEY = Set.of(PK, SK, GSI2PK, GSI2SK);

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbRegistry(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  // ------------------------------------------------------------ apps

  @Override
  public Optional<App> findApp(String app) {
    return get(appPk(app), APP_SK).map(ItemMapping::app);
  }

  @Override
  public Outcome<Page<App>> listApps(PageRequest page) {
    return query(GSI1, GSI1PK, ALL_APPS, Optional.empty(), true, page, GSI1_KEY, ItemMapping::app);
  }

  @Override
  public Outcome<Page<App>> listAppsByRepository(String repository, PageRequest page) {
    return query(
        GSI2,
        GSI2PK,
        repositoryApps(repository),
        Optional.empty(),
        true,
        page,
        GSI2_KEY,
        ItemMapping::app);
  }

  /** The app and its first template revision are put in one transaction, both only if absent. */
  @Override
  public WriteResult createApp(App app, Optional<TemplateRevision> first) {
    if (first.isEmpty()) {
      return putIfAbsent(appItem(app));
    }
    TransactWriteItem putApp =
        TransactWriteItem.builder()
            .put(
                Put.builder()
                    .tableName(table)
                    .item(appItem(app))
                    .conditionExpression(NOT_EXISTS)
                    .build())
            .build();
    try {
      dynamo.transactWriteItems(t -> t.transactItems(putApp, putRevision(first.get())));
      return new WriteResult.Written(app.revision());
    } catch (TransactionCanceledException e) {
      return failed(e, 0) ? new WriteResult.AlreadyExists() : new WriteResult.ChangedSinceRead();
    }
  }

  private TransactWriteItem putRevision(TemplateRevision revision) {
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(templateRevisionItem(revision))
                .conditionExpression(NOT_EXISTS)
                .build())
        .build();
  }

  /**
   * A new template revision is put in the same transaction as the app's update, only if its number
   * is free: two writers that read the same latest revision cannot both take the next number, and a
   * revision, once written, is never overwritten.
   */
  @Override
  public WriteResult replaceApp(App app, long expectedRevision, Optional<TemplateRevision> next) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    StringBuilder update = new StringBuilder(setAll(appMutableAttributes(app), names, values));
    List<String> removed = appRemovedAttributes(app);
    for (int i = 0; i < removed.size(); i++) {
      names.put("#r" + i, removed.get(i));
      update.append(i == 0 ? " REMOVE " : ", ").append("#r").append(i);
    }
    String expression = update.toString();
    names.put("#rev", REVISION);
    values.put(":expected", n(expectedRevision));
    if (next.isPresent()) {
      TransactWriteItem updateApp =
          TransactWriteItem.builder()
              .update(
                  Update.builder()
                      .tableName(table)
                      .key(key(appPk(app.name()), APP_SK))
                      .updateExpression(expression)
                      .conditionExpression(EXISTS + " AND #rev = :expected")
                      .expressionAttributeNames(names)
                      .expressionAttributeValues(values)
                      .returnValuesOnConditionCheckFailure(
                          ReturnValuesOnConditionCheckFailure.ALL_OLD)
                      .build())
              .build();
      try {
        dynamo.transactWriteItems(t -> t.transactItems(updateApp, putRevision(next.get())));
        return new WriteResult.Written(app.revision());
      } catch (TransactionCanceledException e) {
        if (failed(e, 0)) {
          return conditionFailed(e, 0);
        }
        return new WriteResult.ChangedSinceRead();
      }
    }
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app.name()), APP_SK))
                  .updateExpression(expression)
                  .conditionExpression(EXISTS + " AND #rev = :expected")
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values)
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new WriteResult.Written(app.revision());
    } catch (ConditionalCheckFailedException e) {
      return e.hasItem() && !e.item().isEmpty()
          ? new WriteResult.ChangedSinceRead()
          : new WriteResult.Missing();
    }
  }

  @Override
  public WriteResult deleteApp(String app, long expectedRevision) {
    try {
      dynamo.deleteItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), APP_SK))
                  .conditionExpression(EXISTS + " AND #rev = :expected AND #envs = :none")
                  .expressionAttributeNames(Map.of("#rev", REVISION, "#envs", ENVIRONMENT_COUNT))
                  .expressionAttributeValues(
                      Map.of(":expected", n(expectedRevision), ":none", n(0)))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
    } catch (ConditionalCheckFailedException e) {
      if (!e.hasItem() || e.item().isEmpty()) {
        return new WriteResult.Missing();
      }
      return num(e.item(), ENVIRONMENT_COUNT) > 0
          ? new WriteResult.InUse()
          : new WriteResult.ChangedSinceRead();
    }
    deleteReleasesOf(app);
    return new WriteResult.Written(expectedRevision + 1);
  }

  /**
   * Releases, deployment history and leases belong to their app: they go with it (the whole
   * partition), 25 keys per batch, unprocessed keys retried.
   */
  private void deleteReleasesOf(String app) {
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page =
          dynamo.query(
              q ->
                  q.tableName(table)
                      .keyConditionExpression("#pk = :pk")
                      .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                      .expressionAttributeValues(Map.of(":pk", s(appPk(app))))
                      .projectionExpression("#pk, #sk")
                      .exclusiveStartKey(from));
      List<WriteRequest> deletes = new ArrayList<>();
      for (Map<String, AttributeValue> item : page.items()) {
        deletes.add(
            WriteRequest.builder()
                .deleteRequest(
                    DeleteRequest.builder().key(key(item.get(PK).s(), item.get(SK).s())).build())
                .build());
      }
      for (int i = 0; i < deletes.size(); i += 25) {
        Map<String, List<WriteRequest>> pending =
            Map.of(table, deletes.subList(i, Math.min(i + 25, deletes.size())));
        for (int round = 0; !pending.isEmpty(); round++) {
          if (round > 0) {
            if (round > 8) {
              throw new IllegalStateException(
                  "the app is deleted but DynamoDB kept some of its releases unprocessed (throttled)");
            }
            pause(Math.min(1_000, 25L << round));
          }
          Map<String, List<WriteRequest>> batch = pending;
          pending = dynamo.batchWriteItem(b -> b.requestItems(batch)).unprocessedItems();
        }
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
  }

  // ------------------------------------------------------------ template revisions

  @Override
  public Optional<TemplateRevision> findTemplateRevision(String app, int number) {
    return get(appPk(app), templateSk(number)).map(ItemMapping::templateRevision);
  }

  @Override
  public Outcome<Page<TemplateRevision>> listTemplateRevisions(String app, PageRequest page) {
    return query(
        null,
        PK,
        appPk(app),
        Optional.of(TEMPLATE_PREFIX),
        false,
        page,
        MAIN_KEY,
        ItemMapping::templateRevision);
  }

  @Override
  public Optional<TemplateRevision> latestTemplateRevision(String app) {
    QueryResponse response =
        dynamo.query(
            q ->
                q.tableName(table)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(
                        Map.of(":pk", s(appPk(app)), ":prefix", s(TEMPLATE_PREFIX)))
                    .scanIndexForward(false)
                    .consistentRead(true)
                    .limit(1));
    return response.items().stream().findFirst().map(ItemMapping::templateRevision);
  }

  @Override
  public WriteResult pinAppTemplate(TemplateRevision revision) {
    TransactWriteItem recordOnApp =
        TransactWriteItem.builder()
            .update(
                Update.builder()
                    .tableName(table)
                    .key(key(appPk(revision.app()), APP_SK))
                    .updateExpression("SET #number = :number, #digest = :digest")
                    .conditionExpression(EXISTS + " AND attribute_not_exists(#number)")
                    .expressionAttributeNames(
                        Map.of("#number", TEMPLATE_REVISION, "#digest", TEMPLATE_DIGEST))
                    .expressionAttributeValues(
                        Map.of(":number", n(revision.number()), ":digest", s(revision.digest())))
                    .returnValuesOnConditionCheckFailure(
                        ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build())
            .build();
    try {
      dynamo.transactWriteItems(t -> t.transactItems(putRevision(revision), recordOnApp));
      return new WriteResult.Written(revision.number());
    } catch (TransactionCanceledException e) {
      if (failed(e, 1)) {
        return conditionFailed(e, 1);
      }
      return new WriteResult.ChangedSinceRead();
    }
  }

  @Override
  public WriteResult pinReleaseTemplate(String app, String version, int revision) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), releaseSk(version)))
                  .updateExpression("SET #number = :number")
                  .conditionExpression(EXISTS + " AND attribute_not_exists(#number)")
                  .expressionAttributeNames(Map.of("#number", TEMPLATE_REVISION))
                  .expressionAttributeValues(Map.of(":number", n(revision)))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new WriteResult.Written(revision);
    } catch (ConditionalCheckFailedException e) {
      return e.hasItem() && !e.item().isEmpty()
          ? new WriteResult.ChangedSinceRead()
          : new WriteResult.Missing();
    }
  }

  // ------------------------------------------------------------ environments

  @Override
  public Optional<Environment> findEnvironment(String app, String environment) {
    return get(appPk(app), environmentSk(environment)).map(ItemMapping::environment);
  }

  /** One strongly consistent BatchGetItem for both items ({@link #batchGet}). */
  @Override
  public AppAndEnvironment findAppAndEnvironment(String app, String environment) {
    Map<String, Map<String, AttributeValue>> found =
        batchGet(appPk(app), List.of(APP_SK, environmentSk(environment)));
    return new AppAndEnvironment(
        Optional.ofNullable(found.get(APP_SK)).map(ItemMapping::app),
        Optional.ofNullable(found.get(environmentSk(environment))).map(ItemMapping::environment));
  }

  /** One strongly consistent BatchGetItem for the three or four items ({@link #batchGet}). */
  @Override
  public DeployReads findForDeploy(
      String app, String environment, String version, Optional<Integer> templateRevision) {
    List<String> sortKeys = new ArrayList<>();
    sortKeys.add(APP_SK);
    sortKeys.add(environmentSk(environment));
    sortKeys.add(releaseSk(version));
    templateRevision.ifPresent(n -> sortKeys.add(templateSk(n)));
    Map<String, Map<String, AttributeValue>> found = batchGet(appPk(app), sortKeys);
    return new DeployReads(
        Optional.ofNullable(found.get(APP_SK)).map(ItemMapping::app),
        Optional.ofNullable(found.get(environmentSk(environment))).map(ItemMapping::environment),
        Optional.ofNullable(found.get(releaseSk(version))).map(ItemMapping::release),
        templateRevision.map(n -> found.get(templateSk(n))).map(ItemMapping::templateRevision));
  }

  /**
   * The items of partition {@code pk} under {@code sortKeys} (at most 100), by sort key, read
   * strongly consistently with one BatchGetItem; keys it leaves unprocessed are read again after a
   * pause, a bounded number of times.
   */
  private Map<String, Map<String, AttributeValue>> batchGet(String pk, List<String> sortKeys) {
    Map<String, Map<String, AttributeValue>> found = new HashMap<>();
    KeysAndAttributes pending =
        KeysAndAttributes.builder()
            .keys(sortKeys.stream().map(sk -> key(pk, sk)).toList())
            .consistentRead(true)
            .build();
    for (int round = 0;
        pending != null && pending.hasKeys() && !pending.keys().isEmpty();
        round++) {
      if (round > 0) {
        // Unprocessed keys mean throttling: back off before asking again, and not for ever.
        if (round > 8) {
          throw new IllegalStateException(
              "DynamoDB kept the registry reads unprocessed; try again later");
        }
        pause(Math.min(1_000, 25L << round));
      }
      KeysAndAttributes request = pending;
      BatchGetItemResponse response =
          dynamo.batchGetItem(b -> b.requestItems(Map.of(table, request)));
      for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
        found.put(item.get(SK).s(), item);
      }
      pending = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(table) : null;
    }
    return found;
  }

  @Override
  public Outcome<Page<Environment>> listEnvironments(String app, PageRequest page) {
    return query(
        null, PK, appPk(app), Optional.of("ENV#"), true, page, MAIN_KEY, ItemMapping::environment);
  }

  /**
   * Puts the environment and counts it on its app in one transaction, so an app never loses track.
   */
  @Override
  public WriteResult createEnvironment(Environment environment) {
    TransactWriteItem put =
        TransactWriteItem.builder()
            .put(
                Put.builder()
                    .tableName(table)
                    .item(environmentItem(environment))
                    .conditionExpression(NOT_EXISTS)
                    .build())
            .build();
    TransactWriteItem count =
        TransactWriteItem.builder()
            .update(
                Update.builder()
                    .tableName(table)
                    .key(key(appPk(environment.app()), APP_SK))
                    .updateExpression("ADD #envs :one")
                    .conditionExpression(EXISTS)
                    .expressionAttributeNames(Map.of("#envs", ENVIRONMENT_COUNT))
                    .expressionAttributeValues(Map.of(":one", n(1)))
                    .build())
            .build();
    try {
      dynamo.transactWriteItems(t -> t.transactItems(put, count));
      return new WriteResult.Written(environment.revision());
    } catch (TransactionCanceledException e) {
      if (failed(e, 1)) {
        return new WriteResult.Missing();
      }
      if (failed(e, 0)) {
        return new WriteResult.AlreadyExists();
      }
      return new WriteResult.ChangedSinceRead();
    }
  }

  /**
   * Updates the description only: what is deployed there belongs to the provisioner's runs and
   * stays.
   */
  @Override
  public WriteResult replaceEnvironment(Environment environment, long expectedRevision) {
    Map<String, AttributeValue> changes = new HashMap<>(environmentItem(environment));
    changes.remove(PK);
    changes.remove(SK);
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    // An environment that no longer declares DNS loses it (a PUT replaces the description).
    String set =
        setAll(changes, names, values) + (environment.dns().isEmpty() ? " REMOVE #dns" : "");
    if (environment.dns().isEmpty()) {
      names.put("#dns", "dns");
    }
    names.put("#rev", REVISION);
    values.put(":expected", n(expectedRevision));
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(environment.app()), environmentSk(environment.name())))
                  .updateExpression(set)
                  .conditionExpression(EXISTS + " AND #rev = :expected")
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values)
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new WriteResult.Written(environment.revision());
    } catch (ConditionalCheckFailedException e) {
      return e.hasItem() && !e.item().isEmpty()
          ? new WriteResult.ChangedSinceRead()
          : new WriteResult.Missing();
    }
  }

  @Override
  public WriteResult deleteEnvironment(String app, String environment, long expectedRevision) {
    TransactWriteItem delete =
        TransactWriteItem.builder()
            .delete(
                Delete.builder()
                    .tableName(table)
                    .key(key(appPk(app), environmentSk(environment)))
                    .conditionExpression(EXISTS + " AND #rev = :expected")
                    .expressionAttributeNames(Map.of("#rev", REVISION))
                    .expressionAttributeValues(Map.of(":expected", n(expectedRevision)))
                    .returnValuesOnConditionCheckFailure(
                        ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build())
            .build();
    TransactWriteItem count =
        TransactWriteItem.builder()
            .update(
                Update.builder()
                    .tableName(table)
                    .key(key(appPk(app), APP_SK))
                    .updateExpression("ADD #envs :minusOne")
                    .conditionExpression(EXISTS)
                    .expressionAttributeNames(Map.of("#envs", ENVIRONMENT_COUNT))
                    .expressionAttributeValues(Map.of(":minusOne", n(-1)))
                    .build())
            .build();
    try {
      dynamo.transactWriteItems(t -> t.transactItems(delete, count));
      return new WriteResult.Written(expectedRevision + 1);
    } catch (TransactionCanceledException e) {
      if (failed(e, 0)) {
        return conditionFailed(e, 0);
      }
      return new WriteResult.Missing();
    }
  }

  @Override
  public WriteResult setFreeze(String app, String environment, Optional<EnvironmentFreeze> freeze) {
    return setMark(
        app, environment, "frozen", freeze.map(f -> new Mark(f.reason(), f.by(), f.at())));
  }

  /** Who set a freeze or a pin on an environment, when and why. */
  private record Mark(String reason, String by, Instant at) {}

  /**
   * Sets ({@code {prefix}Reason}, {@code By}, {@code At}) on an environment's item, or removes them
   * when {@code mark} is empty, counting a revision either way: freezes and pins are kept so.
   */
  private WriteResult setMark(String app, String environment, String prefix, Optional<Mark> mark) {
    String fields = prefix + "Reason, " + prefix + "By, " + prefix + "At";
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":one", n(1));
    String update;
    if (mark.isPresent()) {
      update =
          "SET "
              + prefix
              + "Reason = :reason, "
              + prefix
              + "By = :by, "
              + prefix
              + "At = :at, #rev = #rev + :one";
      values.put(":reason", s(mark.get().reason()));
      values.put(":by", s(mark.get().by()));
      values.put(":at", s(mark.get().at().toString()));
    } else {
      update = "REMOVE " + fields + " SET #rev = #rev + :one";
    }
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), environmentSk(environment)))
                  .updateExpression(update)
                  .conditionExpression(EXISTS)
                  .expressionAttributeNames(Map.of("#rev", REVISION))
                  .expressionAttributeValues(values));
      return new WriteResult.Written(0);
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.Missing();
    }
  }

  /** The warnings sent about an environment's expiry: a string set on its item. */
  static final String EXPIRY_WARNINGS = "expiryWarningsSent";

  @Override
  public WriteResult claimExpiryWarning(
      String app, String environment, Instant expiresAt, String warning) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), environmentSk(environment)))
                  .updateExpression("ADD #sent :warning")
                  .conditionExpression(
                      EXISTS + " AND expiresAt = :at AND NOT contains(#sent, :one)")
                  .expressionAttributeNames(Map.of("#sent", EXPIRY_WARNINGS))
                  .expressionAttributeValues(
                      Map.of(
                          ":warning",
                          AttributeValue.fromSs(List.of(warning)),
                          ":one",
                          s(warning),
                          ":at",
                          s(expiresAt.toString())))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new WriteResult.Written(0);
    } catch (ConditionalCheckFailedException e) {
      if (!e.hasItem() || e.item().isEmpty()) {
        return new WriteResult.Missing();
      }
      if (!optStr(e.item(), "expiresAt").equals(Optional.of(expiresAt.toString()))) {
        return new WriteResult.ChangedSinceRead();
      }
      return new WriteResult.AlreadyExists();
    }
  }

  @Override
  public WriteResult startDriftCheck(
      String app, String environment, DriftCheck check, Optional<String> replacing) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":check", ItemMapping.driftCheckValue(check));
    String condition = EXISTS + " AND (attribute_not_exists(#check)";
    if (replacing.isPresent()) {
      values.put(":replacing", s(replacing.get()));
      condition += " OR #check.id = :replacing";
    }
    String guarded = condition + ")";
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), environmentSk(environment)))
                  .updateExpression("SET #check = :check")
                  .conditionExpression(guarded)
                  .expressionAttributeNames(Map.of("#check", ItemMapping.DRIFT_CHECK))
                  .expressionAttributeValues(values)
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new WriteResult.Written(0);
    } catch (ConditionalCheckFailedException e) {
      return e.hasItem() && !e.item().isEmpty()
          ? new WriteResult.ChangedSinceRead()
          : new WriteResult.Missing();
    }
  }

  @Override
  public WriteResult finishDriftCheck(String app, String environment, String checkId, Drift found) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), environmentSk(environment)))
                  .updateExpression("SET #drift = :drift REMOVE #check")
                  .conditionExpression(EXISTS + " AND #check.id = :id")
                  .expressionAttributeNames(
                      Map.of("#drift", ItemMapping.DRIFT, "#check", ItemMapping.DRIFT_CHECK))
                  .expressionAttributeValues(
                      Map.of(":drift", ItemMapping.driftValue(found), ":id", s(checkId)))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new WriteResult.Written(0);
    } catch (ConditionalCheckFailedException e) {
      return e.hasItem() && !e.item().isEmpty()
          ? new WriteResult.ChangedSinceRead()
          : new WriteResult.Missing();
    }
  }

  @Override
  public void releaseExpiryWarning(String app, String environment, String warning) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), environmentSk(environment)))
                  .updateExpression("DELETE #sent :warning")
                  .conditionExpression(EXISTS)
                  .expressionAttributeNames(Map.of("#sent", EXPIRY_WARNINGS))
                  .expressionAttributeValues(
                      Map.of(":warning", AttributeValue.fromSs(List.of(warning)))));
    } catch (ConditionalCheckFailedException e) {
      // The environment is gone: nothing left to warn about.
    }
  }

  @Override
  public WriteResult setPin(String app, String environment, Optional<EnvironmentPin> pin) {
    return setMark(app, environment, "pinned", pin.map(p -> new Mark(p.reason(), p.by(), p.at())));
  }

  /**
   * Reads the {@code EXPIRING} index up to the second after {@code upTo}, then drops what expires
   * later within that second: the sort key's time is {@code Instant.toString()}, whose fraction is
   * omitted when zero, so text order is time order only to the second.
   */
  @Override
  public Outcome<Page<Environment>> listExpiring(Instant upTo, PageRequest page) {
    Map<String, AttributeValue> start = null;
    if (page.cursor().isPresent()) {
      Optional<Map<String, AttributeValue>> decoded =
          Cursors.decode(page.cursor().get(), GSI2_KEY, GSI2PK, EXPIRING);
      if (decoded.isEmpty()) {
        return Outcome.rejected(Rejection.invalid("cursor", "is not a cursor this listing issued"));
      }
      start = decoded.get();
    }
    String bound =
        upTo.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1).toString();
    Map<String, AttributeValue> from = start;
    QueryResponse response =
        dynamo.query(
            q ->
                q.tableName(table)
                    .indexName(GSI2)
                    .keyConditionExpression("#pk = :pk AND #sk < :bound")
                    .expressionAttributeNames(Map.of("#pk", GSI2PK, "#sk", GSI2SK))
                    .expressionAttributeValues(Map.of(":pk", s(EXPIRING), ":bound", s(bound)))
                    .limit(page.limit())
                    .exclusiveStartKey(from));
    List<Environment> items =
        response.items().stream()
            .map(ItemMapping::environment)
            .filter(e -> e.expiresAt().map(at -> !at.isAfter(upTo)).orElse(false))
            .toList();
    Optional<String> next =
        response.hasLastEvaluatedKey()
            ? Cursors.encode(response.lastEvaluatedKey())
            : Optional.empty();
    return Outcome.accepted(new Page<>(items, next));
  }

  // ------------------------------------------------------------ releases

  @Override
  public Optional<Release> findRelease(String app, String version) {
    return get(appPk(app), releaseSk(version)).map(ItemMapping::release);
  }

  @Override
  public Outcome<Page<Release>> listReleases(String app, PageRequest page) {
    return query(
        GSI1,
        GSI1PK,
        releasesByTime(app),
        Optional.empty(),
        false,
        page,
        GSI1_KEY,
        ItemMapping::release);
  }

  /** Creates the release only while its app exists (a condition check in the same transaction). */
  @Override
  public WriteResult createRelease(Release release) {
    TransactWriteItem put =
        TransactWriteItem.builder()
            .put(
                Put.builder()
                    .tableName(table)
                    .item(releaseItem(release))
                    .conditionExpression(NOT_EXISTS)
                    .build())
            .build();
    TransactWriteItem appExists =
        TransactWriteItem.builder()
            .conditionCheck(
                c ->
                    c.tableName(table)
                        .key(key(appPk(release.app()), APP_SK))
                        .conditionExpression(EXISTS))
            .build();
    try {
      dynamo.transactWriteItems(t -> t.transactItems(put, appExists));
      return new WriteResult.Written(1);
    } catch (TransactionCanceledException e) {
      if (failed(e, 1)) {
        return new WriteResult.Missing();
      }
      return failed(e, 0) ? new WriteResult.AlreadyExists() : new WriteResult.ChangedSinceRead();
    }
  }

  // ------------------------------------------------------------ tokens

  @Override
  public Optional<ApiToken> findTokenBySecretHash(String secretHash) {
    return get(tokenPk(secretHash), TOKEN_SK).map(ItemMapping::token);
  }

  @Override
  public Optional<ApiToken> findToken(String id) {
    QueryResponse response =
        dynamo.query(
            q ->
                q.tableName(table)
                    .indexName(GSI1)
                    .keyConditionExpression("#pk = :pk AND #sk = :id")
                    .expressionAttributeNames(Map.of("#pk", GSI1PK, "#sk", GSI1SK))
                    .expressionAttributeValues(Map.of(":pk", s(ALL_TOKENS), ":id", s(id))));
    return response.items().stream().findFirst().map(ItemMapping::token);
  }

  @Override
  public Outcome<Page<ApiToken>> listTokens(PageRequest page) {
    return query(
        GSI1, GSI1PK, ALL_TOKENS, Optional.empty(), true, page, GSI1_KEY, ItemMapping::token);
  }

  @Override
  public WriteResult createToken(ApiToken token) {
    return putIfAbsent(tokenItem(token));
  }

  @Override
  public WriteResult deleteToken(String id) {
    Optional<ApiToken> token = findToken(id);
    if (token.isEmpty()) {
      return new WriteResult.Missing();
    }
    try {
      dynamo.deleteItem(
          r ->
              r.tableName(table)
                  .key(key(tokenPk(token.get().secretHash()), TOKEN_SK))
                  .conditionExpression(EXISTS));
      return new WriteResult.Written(1);
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.Missing();
    }
  }

  // ------------------------------------------------------------ plumbing

  /**
   * {@code SET #a0 = :v0, ...} for every attribute, with placeholders added to {@code names} and
   * {@code values}.
   */
  static String setAll(
      Map<String, AttributeValue> changes,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
    StringBuilder set = new StringBuilder("SET ");
    int i = names.size();
    boolean first = true;
    for (Map.Entry<String, AttributeValue> e : changes.entrySet()) {
      if (!first) {
        set.append(", ");
      }
      first = false;
      names.put("#a" + i, e.getKey());
      values.put(":v" + i, e.getValue());
      set.append("#a").append(i).append(" = :v").append(i);
      i++;
    }
    return set.toString();
  }

  private Optional<Map<String, AttributeValue>> get(String pk, String sk) {
    Map<String, AttributeValue> item =
        dynamo.getItem(r -> r.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  private WriteResult putIfAbsent(Map<String, AttributeValue> item) {
    try {
      dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression(NOT_EXISTS));
      return new WriteResult.Written(1);
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.AlreadyExists();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while backing off", e);
    }
  }

  /**
   * What a transaction's failed condition at {@code index} means: the item had changed since it was
   * read when it is there, missing when it is not.
   */
  private static WriteResult conditionFailed(TransactionCanceledException e, int index) {
    CancellationReason reason = e.cancellationReasons().get(index);
    return reason.hasItem() && !reason.item().isEmpty()
        ? new WriteResult.ChangedSinceRead()
        : new WriteResult.Missing();
  }

  private static boolean failed(TransactionCanceledException e, int index) {
    return e.hasCancellationReasons()
        && e.cancellationReasons().size() > index
        && "ConditionalCheckFailed".equals(e.cancellationReasons().get(index).code());
  }

  <T> Outcome<Page<T>> query(
      String index,
      String partitionAttribute,
      String partitionValue,
      Optional<String> sortPrefix,
      boolean ascending,
      PageRequest page,
      Set<String> keyNames,
      Function<Map<String, AttributeValue>, T> mapper) {
    Map<String, AttributeValue> start = null;
    if (page.cursor().isPresent()) {
      Optional<Map<String, AttributeValue>> decoded =
          Cursors.decode(page.cursor().get(), keyNames, partitionAttribute, partitionValue);
      if (decoded.isEmpty()) {
        return Outcome.rejected(Rejection.invalid("cursor", "is not a cursor this listing issued"));
      }
      start = decoded.get();
    }
    Map<String, String> names = new HashMap<>(Map.of("#pk", partitionAttribute));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(partitionValue)));
    String condition = "#pk = :pk";
    if (sortPrefix.isPresent()) {
      names.put("#sk", SK);
      values.put(":prefix", s(sortPrefix.get()));
      condition += " AND begins_with(#sk, :prefix)";
    }
    String keyCondition = condition;
    Map<String, AttributeValue> from = start;
    QueryResponse response =
        dynamo.query(
            q ->
                q.tableName(table)
                    .indexName(index)
                    .keyConditionExpression(keyCondition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .scanIndexForward(ascending)
                    .limit(page.limit())
                    .exclusiveStartKey(from));
    List<T> items = response.items().stream().map(mapper).toList();
    Optional<String> next =
        response.hasLastEvaluatedKey()
            ? Cursors.encode(response.lastEvaluatedKey())
            : Optional.empty();
    return Outcome.accepted(new Page<>(items, next));
  }
}
