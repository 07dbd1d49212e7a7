package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.SynthesizedTemplate.cloudAssembly;
import static io.stagecoach.infra.aws.SynthesizedTemplate.json;
import static io.stagecoach.infra.aws.SynthesizedTemplate.readJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * cdk-nag AwsSolutions ran at synth; what it found was either fixed or acknowledged with a reason.
 */
class AcknowledgedFindingsTemplateTest {

  @Test
  @SuppressWarnings("unchecked")
  void validationReport_hasNoOpenViolation() {
    // A plugin that passes with nothing to report is left out of the report, so an empty list is a
    // pass;
    // that AwsSolutions ran at all shows in the cdk_nag metadata checked below.
    Map<String, Object> report = readJson(cloudAssembly().resolve("validation-report.json"));

    for (Map<String, Object> plugin : (List<Map<String, Object>>) report.get("pluginReports")) {
      assertEquals("success", plugin.get("conclusion"), String.valueOf(plugin));
      assertEquals(List.of(), plugin.get("violations"), String.valueOf(plugin));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAcknowledgedFinding_statesItsReason_onTheResourceItConcerns() {
    Set<String> acknowledged = new TreeSet<>();
    ((Map<String, Object>) json().get("Resources"))
        .forEach(
            (id, resource) -> {
              Map<String, Object> metadata =
                  (Map<String, Object>) ((Map<String, Object>) resource).get("Metadata");
              if (metadata == null || !metadata.containsKey("cdk_nag")) {
                return;
              }
              List<Map<String, Object>> rules =
                  (List<Map<String, Object>>)
                      ((Map<String, Object>) metadata.get("cdk_nag")).get("rules_to_suppress");
              for (Map<String, Object> rule : rules) {
                assertTrue(
                    rule.get("reason") instanceof String reason && reason.length() >= 20,
                    id + ": " + rule);
                acknowledged.add(String.valueOf(rule.get("id")).replaceAll("\\[.*", ""));
              }
            });

    // A new acknowledgment is a decision: add it here on purpose, with its reason in the stack.
    assertEquals(
        Set.of(
            "AwsSolutions-APIG2",
            "AwsSolutions-APIG3",
            "AwsSolutions-APIG4",
            "AwsSolutions-APIG6",
            "AwsSolutions-COG4",
            "AwsSolutions-IAM4",
            "AwsSolutions-IAM5",
            "AwsSolutions-L1",
            "AwsSolutions-SF1",
            "AwsSolutions-SF2",
            "AwsSolutions-SMG4",
            "AwsSolutions-SQS3"),
        acknowledged);
  }

  @Test
  @SuppressWarnings("unchecked")
  void noFinding_isAcknowledgedForTheWholeStack() {
    Map<String, Object> metadata = (Map<String, Object>) json().getOrDefault("Metadata", Map.of());

    assertFalse(metadata.containsKey("cdk_nag"), String.valueOf(metadata));
  }
}
