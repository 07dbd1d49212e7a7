package io.stagecoach.domain.plan;

import io.stagecoach.domain.plan.PropertyChange.Recreation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which property changes recreate a resource, for planners that are not told (the local
 * provisioner; CloudFormation says it itself in a change set's {@code RequiresRecreation}). Each
 * entry follows the "Update requires: Replacement" of the property in the CloudFormation resource
 * reference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html).
 * One rule is not a plain property: a table's {@code AttributeDefinitions} recreate it only when
 * the definition of an attribute of its key schema changes (a key attribute's type cannot change in
 * place).
 *
 * <table>
 *   <caption>Properties whose change recreates the resource</caption>
 *   <tr><th>type</th><th>properties</th></tr>
 *   <tr><td>AWS::DynamoDB::Table</td><td>TableName, KeySchema, LocalSecondaryIndexes;
 *       AttributeDefinitions of key attributes</td></tr>
 *   <tr><td>AWS::S3::Bucket</td><td>BucketName</td></tr>
 *   <tr><td>AWS::SQS::Queue</td><td>QueueName, FifoQueue</td></tr>
 *   <tr><td>AWS::SNS::Topic</td><td>TopicName, FifoTopic</td></tr>
 *   <tr><td>AWS::SSM::Parameter</td><td>Name</td></tr>
 *   <tr><td>AWS::Lambda::Function</td><td>FunctionName, PackageType</td></tr>
 *   <tr><td>AWS::Logs::LogGroup</td><td>LogGroupName</td></tr>
 *   <tr><td>AWS::StepFunctions::StateMachine</td><td>StateMachineName, StateMachineType</td></tr>
 *   <tr><td>AWS::Events::EventBus</td><td>Name</td></tr>
 *   <tr><td>AWS::Events::Rule</td><td>Name</td></tr>
 *   <tr><td>AWS::Kinesis::Stream</td><td>Name</td></tr>
 *   <tr><td>AWS::SecretsManager::Secret</td><td>Name</td></tr>
 *   <tr><td>AWS::IAM::Role</td><td>RoleName, Path</td></tr>
 * </table>
 */
public final class ReplacementRules {

  private ReplacementRules() {}

  static final Map<String, Set<String>> RECREATING =
      Map.ofEntries(
          Map.entry(
              "AWS::DynamoDB::Table", Set.of("TableName", "KeySchema", "LocalSecondaryIndexes")),
          Map.entry("AWS::S3::Bucket", Set.of("BucketName")),
          Map.entry("AWS::SQS::Queue", Set.of("QueueName", "FifoQueue")),
          Map.entry("AWS::SNS::Topic", Set.of("TopicName", "FifoTopic")),
          Map.entry("AWS::SSM::Parameter", Set.of("Name")),
          Map.entry("AWS::Lambda::Function", Set.of("FunctionName", "PackageType")),
          Map.entry("AWS::Logs::LogGroup", Set.of("LogGroupName")),
          Map.entry(
              "AWS::StepFunctions::StateMachine", Set.of("StateMachineName", "StateMachineType")),
          Map.entry("AWS::Events::EventBus", Set.of("Name")),
          Map.entry("AWS::Events::Rule", Set.of("Name")),
          Map.entry("AWS::Kinesis::Stream", Set.of("Name")),
          Map.entry("AWS::SecretsManager::Secret", Set.of("Name")),
          Map.entry("AWS::IAM::Role", Set.of("RoleName", "Path")));

  /**
   * Whether changing top-level {@code property} of a resource of {@code type} recreates it; {@code
   * before} and {@code after} are the resource's flattened properties ({@code KeySchema.0
   * .AttributeName}), for the rules that depend on them.
   */
  public static Recreation recreation(
      String type, String property, Map<String, String> before, Map<String, String> after) {
    if (RECREATING.getOrDefault(type, Set.of()).contains(property)) {
      return Recreation.ALWAYS;
    }
    if (type.equals("AWS::DynamoDB::Table") && property.equals("AttributeDefinitions")) {
      return keyAttributeTypes(before).equals(keyAttributeTypes(after))
          ? Recreation.NEVER
          : Recreation.ALWAYS;
    }
    return Recreation.NEVER;
  }

  /** The key attributes of a table and their declared types: {@code id -> S}. */
  private static Map<String, String> keyAttributeTypes(Map<String, String> properties) {
    Map<String, String> types = new TreeMap<>();
    for (int i = 0; properties.containsKey("AttributeDefinitions." + i + ".AttributeName"); i++) {
      types.put(
          properties.get("AttributeDefinitions." + i + ".AttributeName"),
          properties.getOrDefault("AttributeDefinitions." + i + ".AttributeType", ""));
    }
    Map<String, String> keys = new TreeMap<>();
    for (int i = 0; properties.containsKey("KeySchema." + i + ".AttributeName"); i++) {
      String name = properties.get("KeySchema." + i + ".AttributeName");
      keys.put(name, types.getOrDefault(name, ""));
    }
    return keys;
  }

  /**
   * Why a resource with these property changes is replaced: {@code "KeySchema requires
   * recreation"}; empty when none of them requires it.
   */
  public static Optional<String> reason(List<PropertyChange> changes) {
    List<String> always = new ArrayList<>();
    List<String> maybe = new ArrayList<>();
    for (PropertyChange c : changes) {
      switch (c.recreation()) {
        case ALWAYS -> always.add(c.path());
        case CONDITIONALLY -> maybe.add(c.path());
        case NEVER -> {}
      }
    }
    List<String> parts = new ArrayList<>();
    if (!always.isEmpty()) {
      parts.add(
          String.join(", ", always)
              + (always.size() == 1 ? " requires" : " require")
              + " recreation");
    }
    if (!maybe.isEmpty()) {
      parts.add(String.join(", ", maybe) + " may require" + " recreation");
    }
    return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
  }
}
