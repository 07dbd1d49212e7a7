package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.DeploymentMapping.deployment;
import static io.stagecoach.registry.dynamodb.DeploymentMapping.deploymentItem;
import static io.stagecoach.registry.dynamodb.ItemMapping.key;
import static io.stagecoach.registry.dynamodb.ItemMapping.n;
import static io.stagecoach.registry.dynamodb.ItemMapping.s;
import static io.stagecoach.registry.dynamodb.RegistryKeys.*;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.override.BreakGlass;
import io.stagecoach.domain.registry.DeployedRelease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Deployments and environment leases in the registry table (docs/registry-table.md). A lease item
 * {@code APP#{app}} / {@code LEASE#{env}} holds {@code holder} (a deployment id), {@code
 * leaseUntil} (epoch milliseconds) and {@code waiting} (a string set of deployment ids queued
 * behind the holder).
 */
public final class DynamoDbDeployments implements Deployments {

  private static final String NOT_EXISTS = "attribute_not_exists(" + PK + ")";
  private static final Set<String> GSI1_KEY = Set.of(PK, SK, GSI1PK, GSI1SK);

  private final DynamoDbClient dynamo;
  private final String table;
  private final DynamoDbRegistry pages;

  public DynamoDbDeployments(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
    this.pages = new DynamoDbRegistry(dynamo, table);
  }

  @Override
  public WriteResult createBreakGlass(BreakGlass b) {
    try {
      dynamo.putItem(
          r -> r.tableName(table).item(BreakGlassMapping.item(b)).conditionExpression(NOT_EXISTS));
      return new WriteResult.Written(1);
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.AlreadyExists();
    }
  }

  @Override
  public Optional<BreakGlass> findBreakGlass(String id) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                r ->
                    r.tableName(table)
                        .key(key(breakGlassPk(id), BREAK_GLASS_SK))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty()
        ? Optional.empty()
        : Optional.of(BreakGlassMapping.breakGlass(item));
  }

  @Override
  public WriteResult saveBreakGlass(BreakGlass b, long expectedRevision) {
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(BreakGlassMapping.item(b))
                  .conditionExpression("#rev = :rev")
                  .expressionAttributeNames(Map.of("#rev", REVISION))
                  .expressionAttributeValues(Map.of(":rev", n(expectedRevision))));
      return new WriteResult.Written(1);
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.ChangedSinceRead();
    }
  }

  @Override
  public Outcome<Page<BreakGlass>> listBreakGlasses(PageRequest page) {
    return pages.query(
        GSI1,
        GSI1PK,
        ALL_BREAK_GLASSES,
        Optional.empty(),
        false,
        page,
        GSI1_KEY,
        BreakGlassMapping::breakGlass);
  }

  @Override
  public WriteResult createDeployment(Deployment d) {
    try {
      dynamo.putItem(
          r -> r.tableName(table).item(deploymentItem(d)).conditionExpression(NOT_EXISTS));
      return new WriteResult.Written(1);
    } catch (ConditionalCheckFailedException e) {
      return new WriteResult.AlreadyExists();
    }
  }

  @Override
  public Optional<Deployment> findDeployment(String app, String id) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                r -> r.tableName(table).key(key(appPk(app), deploymentSk(id))).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(deployment(item));
  }

  @Override
  public Outcome<Page<Deployment>> history(String app, String environment, PageRequest page) {
    return pages.query(
        GSI1,
        GSI1PK,
        environmentHistory(app, environment),
        Optional.empty(),
        false,
        page,
        GSI1_KEY,
        DeploymentMapping::deployment);
  }

  /** Rounds of reading the lease and writing the claim before a claim gives up. */
  private static final int CLAIM_ROUNDS = 5;

  /**
   * Decides from the lease as it is and writes the claim on condition that it still is, in rounds.
   * A requested deployment's first round takes the lease for free without reading it, as it mostly
   * is: the write's condition checks that, and when it fails it returns the lease as it is, which
   * the next round decides from as from a read (a round more is allowed for it). A deployment that
   * resumes its own lease reads it first.
   */
  @Override
  public Claim claim(Deployment d, Instant now, Instant leaseUntil) {
    Optional<Map<String, AttributeValue>> known =
        d.status() == DeploymentStatus.REQUESTED ? Optional.of(Map.of()) : Optional.empty();
    int rounds = CLAIM_ROUNDS + (known.isPresent() ? 1 : 0);
    for (int round = 0; round < rounds; round++) {
      if (d.status() != DeploymentStatus.REQUESTED && d.status() != DeploymentStatus.PROVISIONING) {
        return new Claim.NotRequested();
      }
      Map<String, AttributeValue> lease = known.orElseGet(() -> lease(d.app(), d.environment()));
      known = Optional.empty();
      Optional<String> holder = Optional.ofNullable(lease.get("holder")).map(AttributeValue::s);
      long until =
          lease.containsKey("leaseUntil") ? Long.parseLong(lease.get("leaseUntil").n()) : 0;
      boolean live = holder.isPresent() && until >= now.toEpochMilli();
      if (holder.isPresent() && !holder.get().equals(d.id()) && live) {
        if (queue(d, now)) {
          return new Claim.Queued(holder.get());
        }
        continue; // the holder left meanwhile: try to take the lease
      }
      if (d.status() == DeploymentStatus.PROVISIONING && !holder.equals(Optional.of(d.id()))) {
        // Its lease went to another deployment after it expired: it has been failed already.
        return new Claim.NotRequested();
      }
      boolean resumable = lease.containsKey("resumable");
      if (holder.equals(Optional.of(d.id())) && live && !resumable) {
        // A run of this very deployment is still working (this is a repeated or swept event): leave
        // it be.
        return new Claim.NotRequested();
      }
      Optional<String> tookOver = holder.filter(h -> !h.equals(d.id()));
      Deployment provisioning = d.provisioning(now);
      List<TransactWriteItem> items = new ArrayList<>();
      Map<String, String> leaseNames = Map.of("#holder", "holder", "#until", "leaseUntil");
      Map<String, AttributeValue> leaseValues = new HashMap<>();
      leaseValues.put(":id", s(d.id()));
      leaseValues.put(":until", n(leaseUntil.toEpochMilli()));
      String leaseCondition;
      if (holder.isEmpty()) {
        leaseCondition = "attribute_not_exists(#holder)";
      } else {
        leaseCondition = "#holder = :previous AND #until = :previousUntil";
        leaseValues.put(":previous", s(holder.get()));
        leaseValues.put(":previousUntil", n(until));
      }
      items.add(
          TransactWriteItem.builder()
              .update(
                  Update.builder()
                      .tableName(table)
                      .key(key(appPk(d.app()), leaseSk(d.environment())))
                      .updateExpression("SET #holder = :id, #until = :until REMOVE resumable")
                      .conditionExpression(leaseCondition)
                      .expressionAttributeNames(leaseNames)
                      .expressionAttributeValues(leaseValues)
                      .returnValuesOnConditionCheckFailure(
                          ReturnValuesOnConditionCheckFailure.ALL_OLD)
                      .build())
              .build());
      items.add(
          TransactWriteItem.builder()
              .put(
                  Put.builder()
                      .tableName(table)
                      .item(deploymentItem(provisioning))
                      .conditionExpression("#status = :status")
                      .expressionAttributeNames(Map.of("#status", "status"))
                      .expressionAttributeValues(Map.of(":status", s(d.status().wireName())))
                      .build())
              .build());
      tookOver.ifPresent(
          previous ->
              items.add(
                  TransactWriteItem.builder()
                      .update(
                          Update.builder()
                              .tableName(table)
                              .key(key(appPk(d.app()), deploymentSk(previous)))
                              .updateExpression(
                                  "SET #status = :failed, #reason = :reason, finishedAt = :at REMOVE "
                                      + GSI2PK
                                      + ", "
                                      + GSI2SK)
                              .conditionExpression("#status = :provisioning")
                              .expressionAttributeNames(
                                  Map.of("#status", "status", "#reason", "reason"))
                              .expressionAttributeValues(
                                  Map.of(
                                      ":failed", s(DeploymentStatus.FAILED.wireName()),
                                      ":provisioning", s(DeploymentStatus.PROVISIONING.wireName()),
                                      ":reason",
                                          s(
                                              "the provisioner stopped answering: its lease on the environment expired"),
                                      ":at", s(now.toString())))
                              .build())
                      .build()));
      try {
        dynamo.transactWriteItems(t -> t.transactItems(items));
        return new Claim.Claimed(provisioning, tookOver);
      } catch (TransactionCanceledException e) {
        if (failedAt(e, 1)) {
          return new Claim.NotRequested();
        }
        if (tookOver.isPresent() && failedAt(e, 2)) {
          // The old holder finished after all; its lease is free or moving: look again.
          continue;
        }
        // The lease is not as decided from (someone else changed it): decide again from the lease
        // the refusal returned, or read it when the refusal had none.
        known = failedAt(e, 0) ? itemAt(e, 0) : Optional.empty();
      }
    }
    throw new IllegalStateException(
        "the lease of "
            + d.app()
            + "/"
            + d.environment()
            + " kept changing; the deployment stays requested and will be tried again");
  }

  /**
   * Adds the deployment to the live lease's waiting list; false when the lease is free (or expired)
   * by now.
   */
  private boolean queue(Deployment d, Instant now) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(d.app()), leaseSk(d.environment())))
                  .updateExpression("ADD #waiting :id")
                  .conditionExpression(
                      "attribute_exists(#holder) AND #holder <> :me AND #until >= :now")
                  .expressionAttributeNames(
                      Map.of("#waiting", "waiting", "#holder", "holder", "#until", "leaseUntil"))
                  .expressionAttributeValues(
                      Map.of(
                          ":id", AttributeValue.fromSs(List.of(d.id())),
                          ":me", s(d.id()),
                          ":now", n(now.toEpochMilli()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private Map<String, AttributeValue> lease(String app, String environment) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                r ->
                    r.tableName(table)
                        .key(key(appPk(app), leaseSk(environment)))
                        .consistentRead(true))
            .item();
    return item == null ? Map.of() : item;
  }

  @Override
  public void setCallbackToken(String app, String id, String token) {
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(key(appPk(app), deploymentSk(id)))
                .updateExpression("SET callbackToken = :token")
                .conditionExpression("attribute_exists(" + PK + ")")
                .expressionAttributeValues(Map.of(":token", s(token))));
  }

  @Override
  public boolean extendLease(String app, String environment, String deploymentId, Instant until) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), leaseSk(environment)))
                  .updateExpression("SET #until = :until, resumable = :yes")
                  .conditionExpression("#holder = :id")
                  .expressionAttributeNames(Map.of("#holder", "holder", "#until", "leaseUntil"))
                  .expressionAttributeValues(
                      Map.of(
                          ":id",
                          s(deploymentId),
                          ":until",
                          n(until.toEpochMilli()),
                          ":yes",
                          AttributeValue.fromBool(true))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public boolean reclaimLease(
      String app, String environment, String deploymentId, Instant endingBefore) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(appPk(app), leaseSk(environment)))
                  .updateExpression("SET resumable = :yes")
                  .conditionExpression("#holder = :id AND #until < :before")
                  .expressionAttributeNames(Map.of("#holder", "holder", "#until", "leaseUntil"))
                  .expressionAttributeValues(
                      Map.of(
                          ":id",
                          s(deploymentId),
                          ":before",
                          n(endingBefore.toEpochMilli()),
                          ":yes",
                          AttributeValue.fromBool(true))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Most ends find nobody waiting on the lease: the first transaction frees it on condition that
   * nobody is, so the caller need not look. When someone is, that condition fails (returning the
   * lease as it is) and the end is written again without it.
   */
  @Override
  public Finished finish(Deployment finished, Optional<DeployedRelease> deployed) {
    try {
      dynamo.transactWriteItems(t -> t.transactItems(endItems(finished, deployed, true)));
      return new Finished(new WriteResult.Written(1), false);
    } catch (TransactionCanceledException e) {
      if (!othersWaiting(e, finished.id())) {
        return new Finished(notEnded(e), false);
      }
    }
    try {
      dynamo.transactWriteItems(t -> t.transactItems(endItems(finished, deployed, false)));
      return new Finished(new WriteResult.Written(1), true);
    } catch (TransactionCanceledException e) {
      return new Finished(notEnded(e), true);
    }
  }

  /**
   * Whether an end that freed the lease only if nobody waited on it failed for that alone: the
   * lease is still {@code holder}'s, with deployments waiting. True also when the refusal does not
   * return the lease (the end is then written again as it always was).
   */
  private static boolean othersWaiting(TransactionCanceledException e, String holder) {
    if (!failedAt(e, 1)) {
      return false;
    }
    return itemAt(e, 1)
        .map(
            lease ->
                lease.containsKey("waiting")
                    && lease.containsKey("holder")
                    && holder.equals(lease.get("holder").s()))
        .orElse(true);
  }

  /** What an end's failed transaction means. */
  private static WriteResult notEnded(TransactionCanceledException e) {
    if (failedAt(e, 0) || failedAt(e, 1)) {
      return new WriteResult.ChangedSinceRead();
    }
    return new WriteResult.Missing();
  }

  /**
   * The end's writes: the deployment, the lease freed ({@code ifNobodyWaits}: only if nobody waits
   * on it), and what the environment now runs or its removal.
   */
  private List<TransactWriteItem> endItems(
      Deployment finished, Optional<DeployedRelease> deployed, boolean ifNobodyWaits) {
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(putIfStatus(finished, DeploymentStatus.PROVISIONING));
    items.add(freeLease(finished, ifNobodyWaits));
    boolean destroyed =
        finished.action() == DeploymentAction.DESTROY
            && finished.status() == DeploymentStatus.SUCCEEDED;
    if (destroyed) {
      items.add(
          TransactWriteItem.builder()
              .delete(
                  d ->
                      d.tableName(table)
                          .key(key(appPk(finished.app()), environmentSk(finished.environment())))
                          .conditionExpression("attribute_exists(" + PK + ")"))
              .build());
      items.add(
          TransactWriteItem.builder()
              .update(
                  Update.builder()
                      .tableName(table)
                      .key(key(appPk(finished.app()), APP_SK))
                      .updateExpression("ADD #envs :minusOne")
                      .conditionExpression("attribute_exists(" + PK + ")")
                      .expressionAttributeNames(Map.of("#envs", ENVIRONMENT_COUNT))
                      .expressionAttributeValues(Map.of(":minusOne", n(-1)))
                      .build())
              .build());
    } else if (deployed.isPresent()) {
      DeployedRelease r = deployed.get();
      Map<String, AttributeValue> values = new HashMap<>();
      values.put(":version", s(r.version()));
      values.put(":digest", s(r.digest()));
      values.put(":by", s(r.deploymentId()));
      values.put(":order", s(r.order()));
      values.put(":at", s(r.deployedAt().toString()));
      values.put(":one", n(1));
      values.put(":outputs", ItemMapping.outputsValue(r.outputs()));
      values.put(":resources", ItemMapping.resourcesValue(r.resources()));
      values.put(":secretRotation", ItemMapping.secretRotationValue(r.secretRotation()));
      // What runs there now: its template revision, who asked, outputs and resources. Fields the
      // deployment does not know (one recorded before revisions) are removed, not left stale.
      StringBuilder update =
          new StringBuilder(
              "SET deployedVersion = :version, deployedDigest = :digest, deployedBy = :by,"
                  + " deployedOrder = :order, deployedAt = :at, #rev = #rev + :one,"
                  + " outputs = :outputs, resources = :resources,"
                  + " secretRotation = :secretRotation");
      List<String> removed = new ArrayList<>();
      if (r.templateRevision().isPresent()) {
        values.put(":revision", n(r.templateRevision().get()));
        update.append(", deployedTemplateRevision = :revision");
      } else {
        removed.add("deployedTemplateRevision");
      }
      if (r.requestedBy().isPresent()) {
        values.put(":requestedBy", s(r.requestedBy().get()));
        update.append(", deployedRequestedBy = :requestedBy");
      } else {
        removed.add("deployedRequestedBy");
      }
      if (!removed.isEmpty()) {
        update.append(" REMOVE ").append(String.join(", ", removed));
      }
      String expression = update.toString();
      items.add(
          TransactWriteItem.builder()
              .update(
                  Update.builder()
                      .tableName(table)
                      .key(key(appPk(finished.app()), environmentSk(finished.environment())))
                      // The revision moves too, so a PUT decided on the old read is refused instead
                      // of racing.
                      .updateExpression(expression)
                      .conditionExpression(
                          "attribute_exists("
                              + PK
                              + ") AND (attribute_not_exists(deployedOrder) OR deployedOrder < :order)")
                      .expressionAttributeNames(Map.of("#rev", REVISION))
                      .expressionAttributeValues(values)
                      .build())
              .build());
    }
    return items;
  }

  @Override
  public WriteResult requeue(Deployment retrying) {
    try {
      dynamo.transactWriteItems(
          t ->
              t.transactItems(
                  putIfStatus(retrying, DeploymentStatus.PROVISIONING),
                  freeLease(retrying, false)));
      return new WriteResult.Written(1);
    } catch (TransactionCanceledException e) {
      return new WriteResult.ChangedSinceRead();
    }
  }

  @Override
  public WriteResult close(Deployment closed) {
    try {
      dynamo.transactWriteItems(
          t -> t.transactItems(putIfStatus(closed, DeploymentStatus.REQUESTED)));
      return new WriteResult.Written(1);
    } catch (TransactionCanceledException e) {
      return new WriteResult.ChangedSinceRead();
    }
  }

  /**
   * One conditional write that takes the list: asked for after an end that found deployments
   * waiting ({@link Finished#othersWaiting()}), so it seldom finds none.
   */
  @Override
  public List<String> takeWaiting(String app, String environment) {
    Map<String, AttributeValue> old;
    try {
      old =
          dynamo
              .updateItem(
                  r ->
                      r.tableName(table)
                          .key(key(appPk(app), leaseSk(environment)))
                          .updateExpression("REMOVE #waiting")
                          .conditionExpression("attribute_exists(#waiting)")
                          .expressionAttributeNames(Map.of("#waiting", "waiting"))
                          .returnValues(ReturnValue.ALL_OLD))
              .attributes();
    } catch (ConditionalCheckFailedException e) {
      return List.of();
    }
    return DeploymentMapping.strings(old.get("waiting"));
  }

  @Override
  public List<Deployment> unfinished(Instant before, int limit) {
    QueryResponse response =
        dynamo.query(
            q ->
                q.tableName(table)
                    .indexName(GSI2)
                    .keyConditionExpression("#pk = :pk AND #sk < :before")
                    .expressionAttributeNames(Map.of("#pk", GSI2PK, "#sk", GSI2SK))
                    .expressionAttributeValues(
                        Map.of(":pk", s(UNFINISHED), ":before", s(orderTime(before))))
                    .limit(limit));
    List<Deployment> found = new ArrayList<>();
    for (Map<String, AttributeValue> item : response.items()) {
      // The index may lag: read the item itself before acting on it.
      findDeployment(item.get("app").s(), item.get("id").s())
          .filter(d -> !d.isTerminal())
          .ifPresent(found::add);
    }
    return found;
  }

  private static String orderTime(Instant at) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC)
        .format(at);
  }

  private TransactWriteItem putIfStatus(Deployment d, DeploymentStatus expected) {
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(deploymentItem(d))
                .conditionExpression("#status = :expected")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":expected", s(expected.wireName())))
                .build())
        .build();
  }

  /**
   * Frees the lease {@code d} holds; {@code ifNobodyWaits}: only if no deployment waits on it (a
   * refusal returns the lease).
   */
  private TransactWriteItem freeLease(Deployment d, boolean ifNobodyWaits) {
    Map<String, String> names = new HashMap<>(Map.of("#holder", "holder", "#until", "leaseUntil"));
    String condition = "#holder = :id";
    if (ifNobodyWaits) {
      names.put("#waiting", "waiting");
      condition += " AND attribute_not_exists(#waiting)";
    }
    return TransactWriteItem.builder()
        .update(
            Update.builder()
                .tableName(table)
                .key(key(appPk(d.app()), leaseSk(d.environment())))
                .updateExpression("REMOVE #holder, #until, resumable")
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":id", s(d.id())))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build())
        .build();
  }

  /** The item a transaction's failed condition at {@code index} returned, if it returned one. */
  private static Optional<Map<String, AttributeValue>> itemAt(
      TransactionCanceledException e, int index) {
    if (!e.hasCancellationReasons() || e.cancellationReasons().size() <= index) {
      return Optional.empty();
    }
    CancellationReason reason = e.cancellationReasons().get(index);
    return reason.hasItem() && !reason.item().isEmpty()
        ? Optional.of(reason.item())
        : Optional.empty();
  }

  private static boolean failedAt(TransactionCanceledException e, int index) {
    return e.hasCancellationReasons()
        && e.cancellationReasons().size() > index
        && "ConditionalCheckFailed".equals(e.cancellationReasons().get(index).code());
  }
}
