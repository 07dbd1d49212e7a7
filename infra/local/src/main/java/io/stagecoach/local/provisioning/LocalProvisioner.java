package io.stagecoach.local.provisioning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.deployment.StackParameters;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.drift.PropertyDifference;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.provisioning.secretsmanager.SecretDescriptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The provisioner of the local cloud: makes an environment's stack from the app's template on the
 * engines that run on one machine. {@code AWS::DynamoDB::Table} becomes a table {@code
 * {app}-{env}-{name}} in DynamoDB Local and {@code AWS::SSM::Parameter} an entry of a local
 * parameter store; every other resource type is listed in the plan as not supported here and made
 * nowhere. The stack's state (its resources, their resolved properties, its parameters and its
 * outputs) is kept in the table {@value #STACKS_TABLE}, and the plan is the difference between that
 * state and the template, property by property ({@link LocalPlans}).
 *
 * <p>Templates may use {@code Ref}, {@code Fn::GetAtt} (Arn, StreamArn of tables; Value of
 * parameters), {@code Fn::Sub}, {@code Fn::Join} and the pseudo parameters; parameters take their
 * values from {@link StackParameters} (environment config, release, names), then their {@code
 * Default}.
 */
public final class LocalProvisioner implements Provisioner {

  public static final String STACKS_TABLE = "stagecoach-local-stacks";
  public static final String PARAMETERS_TABLE = "stagecoach-local-parameters";
  static final String TABLE = "AWS::DynamoDB::Table";
  static final String PARAMETER = "AWS::SSM::Parameter";
  private static final Set<String> SUPPORTED = Set.of(TABLE, PARAMETER);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DynamoDbClient dynamo;
  private final Optional<SecretsManagerClient> secretsManager;

  /** A provisioner that reads no secrets' rotation (they are recorded as unknown). */
  public LocalProvisioner(DynamoDbClient dynamo) {
    this.dynamo = dynamo;
    this.secretsManager = Optional.empty();
  }

  /** A provisioner that describes secrets through {@code secretsManager} (the local cloud's). */
  public LocalProvisioner(DynamoDbClient dynamo, SecretsManagerClient secretsManager) {
    this.dynamo = dynamo;
    this.secretsManager = Optional.of(secretsManager);
  }

  /**
   * {@code DescribeSecret} at the local cloud's Secrets Manager, which holds the secrets of its own
   * account and region only: a reference to any other is not found there.
   */
  @Override
  public SecretRotation.Settings describeSecret(Environment environment, SecretReference secret) {
    if (secretsManager.isEmpty()) {
      return Provisioner.super.describeSecret(environment, secret);
    }
    return SecretDescriptions.rotationOf(secretsManager.get(), secret);
  }

  /**
   * A template that cannot be made here (malformed, an unresolvable reference): the deployment
   * fails with it.
   */
  static final class TemplateProblem extends Exception {
    TemplateProblem(String message) {
      super(message);
    }
  }

  /**
   * One resource as the template wants it: type, physical name and the hash of its resolved
   * properties.
   */
  record Desired(
      String type, String physicalId, String hash, boolean replaceOnChange, JsonNode properties) {}

  @Override
  public Plan plan(ProvisioningRequest request) {
    try {
      ObjectNode template = parse(request);
      Map<String, Desired> desired = desired(request, template);
      return LocalPlans.plan(
          desired,
          recorded(request.stackName()),
          recordedParameters(request.stackName()),
          parameters(request, template),
          SUPPORTED,
          request);
    } catch (TemplateProblem e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public ProvisioningResult apply(ProvisioningRequest request) {
    ObjectNode template;
    Map<String, Desired> desired;
    Map<String, String> parameters;
    try {
      template = parse(request);
      desired = desired(request, template);
      parameters = parameters(request, template);
    } catch (TemplateProblem e) {
      return new ProvisioningResult.Failed(e.getMessage(), Plan.NOTHING);
    }
    Map<String, Desired> current = recorded(request.stackName());
    Plan plan =
        LocalPlans.plan(
            desired,
            current,
            recordedParameters(request.stackName()),
            parameters,
            SUPPORTED,
            request);
    Map<String, String> outputs;
    try {
      outputs = outputs(request, template, desired);
    } catch (TemplateProblem e) {
      return new ProvisioningResult.Failed(e.getMessage(), plan);
    }
    for (ResourceChange change : plan.changes()) {
      if (!change.supported()) {
        continue;
      }
      Desired before = current.get(change.logicalId());
      Desired after = desired.get(change.logicalId());
      switch (change.action()) {
        case ADD -> make(after, request.environment());
        case REMOVE -> remove(before);
        case REPLACE -> {
          remove(before);
          make(after, request.environment());
        }
        case MODIFY -> {
          if (after.type().equals(PARAMETER)) {
            make(after, request.environment());
          }
          // A table's other properties (billing, throughput) have no effect on DynamoDB Local:
          // recorded only.
        }
      }
    }
    // What was deleted or changed by hand since the stack was made is made again, as the
    // deployment says it should be: redeploying a release repairs its environment's drift.
    ensureTable(PARAMETERS_TABLE, "name");
    for (Map.Entry<String, Desired> e : desired.entrySet()) {
      if (drift(e.getKey(), e.getValue()).isPresent()) {
        make(e.getValue(), request.environment());
      }
    }
    record(request.stackName(), desired, outputs, parameters);
    return new ProvisioningResult.Succeeded(plan, outputs, resources(desired));
  }

  /**
   * Compares what the stack's last deployment made (its record) with what the engines hold now: a
   * table or parameter deleted, a table's key schema or indexes changed, a parameter's value
   * changed. Types made nowhere here are not compared.
   */
  @Override
  public List<DriftedResource> detectDrift(ProvisioningRequest request) {
    List<DriftedResource> drifted = new ArrayList<>();
    ensureTable(PARAMETERS_TABLE, "name");
    recorded(request.stackName()).forEach((id, r) -> drift(id, r).ifPresent(drifted::add));
    return drifted;
  }

  /** How resource {@code id} as made ({@code made}) differs from what is there now, if it does. */
  private Optional<DriftedResource> drift(String id, Desired made) {
    return switch (made.type()) {
      case TABLE -> tableDrift(id, made);
      case PARAMETER -> parameterDrift(id, made);
      default -> Optional.empty();
    };
  }

  private Optional<DriftedResource> tableDrift(String id, Desired made) {
    TableDescription table;
    try {
      table = dynamo.describeTable(d -> d.tableName(made.physicalId())).table();
    } catch (ResourceNotFoundException gone) {
      return Optional.of(DriftedResource.deleted(id, made.type()));
    }
    List<PropertyDifference> differences = new ArrayList<>();
    String expectedKeys = keys(made.properties().path("KeySchema"));
    String actualKeys =
        String.join(
            ",",
            table.keySchema().stream()
                .map(k -> k.attributeName() + ":" + k.keyTypeAsString())
                .toList());
    if (!expectedKeys.equals(actualKeys)) {
      differences.add(PropertyDifference.of("/KeySchema", expectedKeys, actualKeys));
    }
    java.util.TreeSet<String> expectedIndexes = new java.util.TreeSet<>();
    made.properties()
        .path("GlobalSecondaryIndexes")
        .forEach(
            g ->
                expectedIndexes.add(
                    g.path("IndexName").asText() + "(" + keys(g.path("KeySchema")) + ")"));
    java.util.TreeSet<String> actualIndexes = new java.util.TreeSet<>();
    // An index being deleted is gone for the table's users already.
    table.globalSecondaryIndexes().stream()
        .filter(g -> g.indexStatus() != IndexStatus.DELETING)
        .forEach(
            g ->
                actualIndexes.add(
                    g.indexName()
                        + "("
                        + String.join(
                            ",",
                            g.keySchema().stream()
                                .map(k -> k.attributeName() + ":" + k.keyTypeAsString())
                                .toList())
                        + ")"));
    if (!expectedIndexes.equals(actualIndexes)) {
      differences.add(
          PropertyDifference.of(
              "/GlobalSecondaryIndexes",
              String.join(",", expectedIndexes),
              String.join(",", actualIndexes)));
    }
    return differences.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new DriftedResource(id, made.type(), DriftedResource.Difference.MODIFIED, differences));
  }

  /** {@code id:HASH,sort:RANGE}. */
  private static String keys(JsonNode schema) {
    List<String> keys = new ArrayList<>();
    schema.forEach(
        k -> keys.add(k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()));
    return String.join(",", keys);
  }

  /** A parameter as made against the parameter store (whose table the caller has made sure of). */
  private Optional<DriftedResource> parameterDrift(String id, Desired made) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                g ->
                    g.tableName(PARAMETERS_TABLE)
                        .key(Map.of("name", AttributeValue.fromS(made.physicalId())))
                        .consistentRead(true))
            .item();
    if (item == null || item.isEmpty()) {
      return Optional.of(DriftedResource.deleted(id, made.type()));
    }
    String expected = made.properties().path("Value").asText("");
    String actual = item.containsKey("value") ? item.get("value").s() : null;
    if (expected.equals(actual)) {
      return Optional.empty();
    }
    return Optional.of(
        new DriftedResource(
            id,
            made.type(),
            DriftedResource.Difference.MODIFIED,
            List.of(PropertyDifference.of("/Value", expected, actual))));
  }

  /**
   * The stack's resources as made here: a table's physical id is its table name, a parameter's its
   * name; a type not supported here is listed without one (nothing was made).
   */
  static List<StackResource> resources(Map<String, Desired> made) {
    List<StackResource> resources = new ArrayList<>();
    made.forEach(
        (id, r) ->
            resources.add(
                new StackResource(
                    id,
                    r.type(),
                    SUPPORTED.contains(r.type())
                        ? Optional.of(r.physicalId())
                        : Optional.empty())));
    return resources;
  }

  @Override
  public ProvisioningResult destroy(ProvisioningRequest request) {
    Map<String, Desired> current = recorded(request.stackName());
    Map<String, String> parameters = recordedParameters(request.stackName());
    List<ResourceChange> removals = new ArrayList<>();
    current.forEach(
        (id, r) -> {
          removals.add(
              new ResourceChange(
                  id, r.type(), ResourceChange.Action.REMOVE, false, SUPPORTED.contains(r.type())));
          remove(r);
        });
    ensureTable(STACKS_TABLE, "stack");
    dynamo.deleteItem(
        d ->
            d.tableName(STACKS_TABLE)
                .key(Map.of("stack", AttributeValue.fromS(request.stackName()))));
    return new ProvisioningResult.Succeeded(
        new Plan(
            removals,
            LocalPlans.parameterChanges(parameters, Map.of(), request),
            LocalPlans.inventory(current),
            List.of()),
        Map.of());
  }

  // ------------------------------------------------------------ template

  private static ObjectNode parse(ProvisioningRequest request) throws TemplateProblem {
    if (request.template().body().isEmpty()) {
      throw new TemplateProblem(
          "the local cloud reads inline templates only; this app's template is at "
              + request.template().url().orElse("?"));
    }
    JsonNode node;
    try {
      node = JSON.readTree(request.template().body().get());
    } catch (JsonProcessingException e) {
      throw new TemplateProblem(
          "the environment template is not valid JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode o) || !o.path("Resources").isObject()) {
      throw new TemplateProblem("the environment template has no Resources object");
    }
    return o;
  }

  private Map<String, Desired> desired(ProvisioningRequest request, ObjectNode template)
      throws TemplateProblem {
    // First the physical names (they may use parameters), then the properties (they may use the
    // names).
    Resolver names = resolver(request, template, Map.of());
    Map<String, Desired> named = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : template.path("Resources").properties()) {
      String id = e.getKey();
      String type = e.getValue().path("Type").asText("");
      if (type.isEmpty()) {
        throw new TemplateProblem("resource " + id + " has no Type");
      }
      JsonNode props = e.getValue().path("Properties");
      String physical =
          switch (type) {
            case TABLE ->
                tableName(
                    request.environment(),
                    id,
                    props.has("TableName")
                        ? names
                            .resolve(props.get("TableName"), "Resources." + id + ".TableName")
                            .asText()
                        : "");
            case PARAMETER ->
                props.has("Name")
                    ? names.resolve(props.get("Name"), "Resources." + id + ".Name").asText()
                    : "/"
                        + request.environment().app()
                        + "/"
                        + request.environment().name()
                        + "/"
                        + id;
            default -> id;
          };
      named.put(id, new Desired(type, physical, "", false, props));
    }
    Resolver resolver = resolver(request, template, named);
    Map<String, Desired> desired = new TreeMap<>();
    for (Map.Entry<String, Desired> e : named.entrySet()) {
      String id = e.getKey();
      Desired d = e.getValue();
      JsonNode properties = resolver.resolve(d.properties(), "Resources." + id);
      String keyHash =
          d.type().equals(TABLE)
              ? hash(properties.path("KeySchema").toString() + d.physicalId())
              : hash(d.physicalId());
      desired.put(
          id,
          new Desired(
              d.type(),
              d.physicalId(),
              hash(properties.toString()) + ":" + keyHash,
              d.type().equals(TABLE),
              properties));
    }
    return desired;
  }

  /**
   * {@code {app}-{env}-{name}}: environments never share a table, whatever the template names it.
   */
  static String tableName(Environment env, String logicalId, String declared) {
    String prefix = env.app() + "-" + env.name() + "-";
    String name = declared.isEmpty() ? logicalId.toLowerCase(java.util.Locale.ROOT) : declared;
    return name.startsWith(prefix)
        ? Naming.fit(name, 255)
        : Naming.resourceName(env.app(), env.name(), name, 255);
  }

  private Resolver resolver(
      ProvisioningRequest request, ObjectNode template, Map<String, Desired> resources)
      throws TemplateProblem {
    Environment env = request.environment();
    Map<String, String> pseudo =
        Map.of(
            "AWS::Region",
            env.region(),
            "AWS::AccountId",
            env.account(),
            "AWS::StackName",
            request.stackName(),
            "AWS::Partition",
            "aws",
            "AWS::URLSuffix",
            "amazonaws.com",
            "AWS::NoValue",
            "");
    return new Resolver(parameters(request, template), pseudo, resources, env);
  }

  /**
   * The template's parameters and their values: from {@link StackParameters} (environment config,
   * secrets as dynamic references, release, names), else their {@code Default}.
   */
  private static Map<String, String> parameters(ProvisioningRequest request, ObjectNode template)
      throws TemplateProblem {
    Map<String, String> parameters = new TreeMap<>();
    Map<String, String> available = StackParameters.available(request);
    for (Map.Entry<String, JsonNode> p : template.path("Parameters").properties()) {
      String value = available.get(p.getKey());
      if (value == null && p.getValue().has("Default")) {
        value = p.getValue().get("Default").asText();
      }
      if (value == null) {
        throw new TemplateProblem(
            "template parameter "
                + p.getKey()
                + " has no value: give the environment a config"
                + " entry "
                + p.getKey()
                + " or the parameter a Default");
      }
      parameters.put(p.getKey(), value);
    }
    return parameters;
  }

  private Map<String, String> outputs(
      ProvisioningRequest request, ObjectNode template, Map<String, Desired> desired)
      throws TemplateProblem {
    Resolver resolver = resolver(request, template, desired);
    Map<String, String> outputs = new TreeMap<>();
    for (Map.Entry<String, JsonNode> o : template.path("Outputs").properties()) {
      JsonNode value = resolver.resolve(o.getValue().path("Value"), "Outputs." + o.getKey());
      outputs.put(o.getKey(), value.isTextual() ? value.textValue() : value.toString());
    }
    return outputs;
  }

  // ------------------------------------------------------------ engines

  private void make(Desired r, Environment env) {
    switch (r.type()) {
      case TABLE -> createTable(r);
      case PARAMETER -> {
        ensureTable(PARAMETERS_TABLE, "name");
        dynamo.putItem(
            p ->
                p.tableName(PARAMETERS_TABLE)
                    .item(
                        Map.of(
                            "name", AttributeValue.fromS(r.physicalId()),
                            "value", AttributeValue.fromS(r.properties().path("Value").asText("")),
                            "environment", AttributeValue.fromS(env.app() + "/" + env.name()))));
      }
      default -> {}
    }
  }

  private void remove(Desired r) {
    if (r == null) {
      return;
    }
    switch (r.type()) {
      case TABLE -> {
        try {
          dynamo.deleteTable(d -> d.tableName(r.physicalId()));
        } catch (ResourceNotFoundException gone) {
          // Already removed: the goal is reached.
        }
      }
      case PARAMETER -> {
        ensureTable(PARAMETERS_TABLE, "name");
        dynamo.deleteItem(
            d ->
                d.tableName(PARAMETERS_TABLE)
                    .key(Map.of("name", AttributeValue.fromS(r.physicalId()))));
      }
      default -> {}
    }
  }

  private void createTable(Desired r) {
    JsonNode p = r.properties();
    List<KeySchemaElement> keys = new ArrayList<>();
    p.path("KeySchema")
        .forEach(
            k ->
                keys.add(
                    KeySchemaElement.builder()
                        .attributeName(k.path("AttributeName").asText())
                        .keyType(k.path("KeyType").asText())
                        .build()));
    List<AttributeDefinition> attributes = new ArrayList<>();
    p.path("AttributeDefinitions")
        .forEach(
            a ->
                attributes.add(
                    AttributeDefinition.builder()
                        .attributeName(a.path("AttributeName").asText())
                        .attributeType(a.path("AttributeType").asText())
                        .build()));
    List<GlobalSecondaryIndex> indexes = new ArrayList<>();
    p.path("GlobalSecondaryIndexes")
        .forEach(
            g -> {
              List<KeySchemaElement> gk = new ArrayList<>();
              g.path("KeySchema")
                  .forEach(
                      k ->
                          gk.add(
                              KeySchemaElement.builder()
                                  .attributeName(k.path("AttributeName").asText())
                                  .keyType(k.path("KeyType").asText())
                                  .build()));
              indexes.add(
                  GlobalSecondaryIndex.builder()
                      .indexName(g.path("IndexName").asText())
                      .keySchema(gk)
                      .projection(
                          Projection.builder()
                              .projectionType(
                                  g.path("Projection").path("ProjectionType").asText("ALL"))
                              .build())
                      .build());
            });
    CreateTableRequest.Builder create =
        CreateTableRequest.builder()
            .tableName(r.physicalId())
            .keySchema(keys)
            .attributeDefinitions(attributes)
            .billingMode(BillingMode.PAY_PER_REQUEST);
    if (!indexes.isEmpty()) {
      create.globalSecondaryIndexes(indexes);
    }
    try {
      dynamo.createTable(create.build());
    } catch (ResourceInUseException exists) {
      // Made by an earlier attempt of the same deployment: the goal is reached.
    }
  }

  private void ensureTable(String name, String key) {
    try {
      dynamo.describeTable(d -> d.tableName(name));
    } catch (ResourceNotFoundException e) {
      try {
        dynamo.createTable(
            c ->
                c.tableName(name)
                    .keySchema(
                        KeySchemaElement.builder().attributeName(key).keyType("HASH").build())
                    .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(key).attributeType("S").build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
      } catch (ResourceInUseException raced) {
        // Another run made it first.
      }
    }
  }

  private Map<String, Desired> recorded(String stack) {
    ensureTable(STACKS_TABLE, "stack");
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                g ->
                    g.tableName(STACKS_TABLE)
                        .key(Map.of("stack", AttributeValue.fromS(stack)))
                        .consistentRead(true))
            .item();
    Map<String, Desired> found = new TreeMap<>();
    if (item == null || item.isEmpty()) {
      return found;
    }
    try {
      JsonNode resources = JSON.readTree(item.get("resources").s());
      for (Map.Entry<String, JsonNode> e : resources.properties()) {
        JsonNode r = e.getValue();
        found.put(
            e.getKey(),
            new Desired(
                r.path("type").asText(),
                r.path("physicalId").asText(),
                r.path("hash").asText(),
                r.path("type").asText().equals(TABLE),
                r.path("properties")));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the local stack record of " + stack + " is damaged", e);
    }
    return found;
  }

  /**
   * The stack as made: its resources and outputs. Secrets are dynamic references here too, never
   * values.
   */
  private void record(
      String stack,
      Map<String, Desired> resources,
      Map<String, String> outputs,
      Map<String, String> parameters) {
    ObjectNode r = JSON.createObjectNode();
    resources.forEach(
        (id, d) ->
            r.putObject(id)
                .put("type", d.type())
                .put("physicalId", d.physicalId())
                .put("hash", d.hash())
                .set("properties", d.properties()));
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("stack", AttributeValue.fromS(stack));
    item.put("resources", AttributeValue.fromS(r.toString()));
    item.put("outputs", AttributeValue.fromS(JSON.valueToTree(outputs).toString()));
    item.put("parameters", AttributeValue.fromS(JSON.valueToTree(parameters).toString()));
    dynamo.putItem(p -> p.tableName(STACKS_TABLE).item(item));
  }

  /**
   * The parameters the stack was last made with (secrets as their dynamic references); none for a
   * stack not made yet, or recorded before parameters were kept.
   */
  private Map<String, String> recordedParameters(String stack) {
    ensureTable(STACKS_TABLE, "stack");
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                g ->
                    g.tableName(STACKS_TABLE)
                        .key(Map.of("stack", AttributeValue.fromS(stack)))
                        .consistentRead(true))
            .item();
    Map<String, String> parameters = new TreeMap<>();
    if (item == null || !item.containsKey("parameters")) {
      return parameters;
    }
    try {
      JSON.readTree(item.get("parameters").s())
          .properties()
          .forEach(e -> parameters.put(e.getKey(), e.getValue().asText()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the local stack record of " + stack + " is damaged", e);
    }
    return parameters;
  }

  /** What the local stack record says of a stack's outputs (for tests and the CLI). */
  public Optional<Map<String, String>> outputsOf(String stack) {
    ensureTable(STACKS_TABLE, "stack");
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                g ->
                    g.tableName(STACKS_TABLE)
                        .key(Map.of("stack", AttributeValue.fromS(stack)))
                        .consistentRead(true))
            .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> outputs = new TreeMap<>();
    try {
      JSON.readTree(item.get("outputs").s())
          .properties()
          .forEach(e -> outputs.put(e.getKey(), e.getValue().asText()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the local stack record of " + stack + " is damaged", e);
    }
    return Optional.of(outputs);
  }

  static String hash(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
