package io.stagecoach.domain.plan;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.plan.PropertyChange.Recreation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplacementRulesTest {

  private static final String TABLE = "AWS::DynamoDB::Table";

  private static Map<String, String> table(String keyType) {
    return Map.of(
        "AttributeDefinitions.0.AttributeName", "id",
        "AttributeDefinitions.0.AttributeType", keyType,
        "AttributeDefinitions.1.AttributeName", "customer",
        "AttributeDefinitions.1.AttributeType", "S",
        "KeySchema.0.AttributeName", "id",
        "KeySchema.0.KeyType", "HASH");
  }

  @Test
  void namesAndKeys_recreateTheirResource_otherPropertiesDoNot() {
    assertEquals(
        Recreation.ALWAYS, ReplacementRules.recreation(TABLE, "TableName", Map.of(), Map.of()));
    assertEquals(
        Recreation.ALWAYS, ReplacementRules.recreation(TABLE, "KeySchema", Map.of(), Map.of()));
    assertEquals(
        Recreation.ALWAYS,
        ReplacementRules.recreation("AWS::S3::Bucket", "BucketName", Map.of(), Map.of()));
    assertEquals(
        Recreation.ALWAYS,
        ReplacementRules.recreation("AWS::SQS::Queue", "FifoQueue", Map.of(), Map.of()));
    assertEquals(
        Recreation.NEVER, ReplacementRules.recreation(TABLE, "BillingMode", Map.of(), Map.of()));
    assertEquals(
        Recreation.NEVER,
        ReplacementRules.recreation("AWS::SQS::Queue", "VisibilityTimeout", Map.of(), Map.of()));
    assertEquals(
        Recreation.NEVER, ReplacementRules.recreation("AWS::Foo::Bar", "Name", Map.of(), Map.of()));
  }

  @Test
  void attributeDefinitions_recreateATable_onlyWhenAKeyAttributesTypeChanges() {
    assertEquals(
        Recreation.ALWAYS,
        ReplacementRules.recreation(TABLE, "AttributeDefinitions", table("S"), table("N")));
    Map<String, String> withIndexAttribute = new java.util.HashMap<>(table("S"));
    withIndexAttribute.put("AttributeDefinitions.1.AttributeType", "N");
    assertEquals(
        Recreation.NEVER,
        ReplacementRules.recreation(TABLE, "AttributeDefinitions", table("S"), withIndexAttribute));
  }

  @Test
  void reason_namesThePropertiesThatRequireRecreation() {
    assertEquals(
        Optional.of("TableName, KeySchema require recreation"),
        ReplacementRules.reason(
            List.of(
                new PropertyChange(
                    "TableName", Optional.of("a"), Optional.of("b"), Recreation.ALWAYS),
                new PropertyChange(
                    "KeySchema", Optional.of("x"), Optional.of("y"), Recreation.ALWAYS),
                new PropertyChange(
                    "BillingMode", Optional.empty(), Optional.of("z"), Recreation.NEVER))));
    assertEquals(
        Optional.of("Name may require recreation"),
        ReplacementRules.reason(
            List.of(
                new PropertyChange(
                    "Name", Optional.empty(), Optional.of("b"), Recreation.CONDITIONALLY))));
    assertEquals(
        Optional.empty(),
        ReplacementRules.reason(
            List.of(
                new PropertyChange("Tags", Optional.empty(), Optional.of("b"), Recreation.NEVER))));
  }

  @Test
  void longValues_areCut_withAnEllipsis() {
    PropertyChange c =
        new PropertyChange(
            "Policy", Optional.of("x".repeat(5000)), Optional.of("short"), Recreation.NEVER);
    assertEquals(PropertyChange.MAX_VALUE, c.before().orElseThrow().length());
    assertTrue(c.before().orElseThrow().endsWith("…"));
    assertEquals(Optional.of("short"), c.after());
  }
}
