package io.stagecoach.infra.aws;

import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;

/**
 * A cdk-nag finding that Stagecoach accepts on purpose, with the reason. Acknowledged on the
 * narrowest construct it concerns (it then covers that construct's children), so that the same
 * finding elsewhere still fails the synth. The build writes every acknowledgment and its reason
 * into the template's {@code cdk_nag} metadata.
 *
 * @param ruleId the rule, e.g. {@code AwsSolutions-APIG2}, or one finding of a granular rule, e.g.
 *     {@code AwsSolutions-IAM5[Resource::<Table.Arn>/index/*]}
 * @param reason why the finding is acceptable here
 */
public record AcknowledgedFinding(String ruleId, String reason) {

  public AcknowledgedFinding {
    if (ruleId == null || !ruleId.startsWith("AwsSolutions-")) {
      throw new IllegalArgumentException(
          "only AwsSolutions rules are checked, got '" + ruleId + "'");
    }
    if (reason == null || reason.isBlank() || reason.length() < 20) {
      throw new IllegalArgumentException(
          "acknowledging " + ruleId + " needs a reason of a sentence or more");
    }
  }

  public void on(final IConstruct construct) {
    Objects.requireNonNull(construct, "construct");
    if (ruleId.split("::", -1).length > 2) {
      // Validations.acknowledge() refuses ids with more than one "::" (it reads one as a prefix
      // separator), yet granular findings that name a pseudo parameter contain several, e.g.
      // "Policy::arn:<AWS::Partition>:iam::aws:policy/...". Record the same metadata it would.
      construct
          .getNode()
          .addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, Map.of(ruleId, reason));
    } else {
      Validations.of(construct)
          .acknowledge(Acknowledgment.builder().id(ruleId).reason(reason).build());
    }
  }
}
