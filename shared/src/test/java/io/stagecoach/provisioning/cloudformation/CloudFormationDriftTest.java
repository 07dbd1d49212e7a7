package io.stagecoach.provisioning.cloudformation;

import static io.stagecoach.provisioning.cloudformation.Requests.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.drift.PropertyDifference;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackDriftDetectionStatusRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackResourceDriftsRequest;
import software.amazon.awssdk.services.cloudformation.model.DetectStackDriftRequest;
import software.amazon.awssdk.services.cloudformation.model.DifferenceType;
import software.amazon.awssdk.services.cloudformation.model.StackResourceDrift;
import software.amazon.awssdk.services.cloudformation.model.StackResourceDriftStatus;

/**
 * Drift on AWS through CloudFormation's drift detection, against CloudFormation in memory (the real
 * one needs an account): the calls made, in order, through the environment's client (its deploy
 * role); what comes back in the core's words; and the limits (a stack gone, time running out).
 */
class CloudFormationDriftTest {

  private static final String TABLE = "AWS::DynamoDB::Table";
  private static final String PARAMETER = "AWS::SSM::Parameter";

  private final FakeCloudFormation cfn = new FakeCloudFormation();
  private final FakeTime time = new FakeTime(Duration.ofMinutes(15));
  private final CloudFormationProvisioner provisioner =
      new CloudFormationProvisioner(
          environment -> cfn,
          environment -> {
            throw new AssertionError("a drift check describes no secret");
          },
          time,
          time,
          time);

  private static StackResourceDrift drift(
      String id, String type, StackResourceDriftStatus status, PropertyDiff... properties) {
    return StackResourceDrift.builder()
        .stackId("stack-id")
        .logicalResourceId(id)
        .resourceType(type)
        .stackResourceDriftStatus(status)
        .propertyDifferences(
            java.util.Arrays.stream(properties)
                .map(
                    p ->
                        software.amazon.awssdk.services.cloudformation.model.PropertyDifference
                            .builder()
                            .propertyPath(p.path())
                            .expectedValue(p.expected())
                            .actualValue(p.actual())
                            .differenceType(DifferenceType.NOT_EQUAL)
                            .build())
                .toList())
        .build();
  }

  private record PropertyDiff(String path, String expected, String actual) {}

  @Test
  void detectDrift_detectsPollsUntilDone_andReadsEveryPageOfTheResourcesThatDiffer() {
    cfn.hasStack(STACK, "UPDATE_COMPLETE", Map.of("Table", TABLE, "Level", PARAMETER), Map.of())
        .drifts(
            3,
            drift("Table", TABLE, StackResourceDriftStatus.DELETED),
            drift("Queue", "AWS::SQS::Queue", StackResourceDriftStatus.IN_SYNC),
            drift(
                "Level",
                PARAMETER,
                StackResourceDriftStatus.MODIFIED,
                new PropertyDiff("/Value", "info", "debug")));

    List<DriftedResource> found = provisioner.detectDrift(deploy("k-1"));

    assertEquals(
        List.of(
            DriftedResource.deleted("Table", TABLE),
            new DriftedResource(
                "Level",
                PARAMETER,
                DriftedResource.Difference.MODIFIED,
                List.of(PropertyDifference.of("/Value", "info", "debug")))),
        found);
    assertEquals(STACK, cfn.calls(DetectStackDriftRequest.class).getFirst().stackName());
    assertEquals(3, cfn.calls(DescribeStackDriftDetectionStatusRequest.class).size());
    List<DescribeStackResourceDriftsRequest> pages =
        cfn.calls(DescribeStackResourceDriftsRequest.class);
    assertEquals(2, pages.size(), "one page per resource that differs");
    assertEquals(
        List.of(StackResourceDriftStatus.DELETED, StackResourceDriftStatus.MODIFIED),
        pages.getFirst().stackResourceDriftStatusFilters());
    assertEquals(
        List.of(Duration.ofSeconds(2), Duration.ofSeconds(4)),
        time.sleeps(),
        "waited, longer each time");
  }

  @Test
  void detectDrift_ofAStackInSync_findsNothing() {
    cfn.hasStack(STACK, "UPDATE_COMPLETE", Map.of("Table", TABLE), Map.of())
        .drifts(1, drift("Table", TABLE, StackResourceDriftStatus.IN_SYNC));
    assertEquals(List.of(), provisioner.detectDrift(deploy("k-1")));
  }

  @Test
  void detectDrift_ofAStackDeletedByHand_findsEveryRecordedResourceDeleted_withoutDetecting() {
    Environment deployed =
        new Environment(
            "payments",
            "staging",
            staging(false).kind(),
            staging(false).tier(),
            ACCOUNT,
            "eu-west-1",
            Map.of(),
            Map.of(),
            false,
            "team-payments",
            Optional.empty(),
            Optional.of(
                new DeployedRelease(
                    "1.4.0",
                    Fixtures.DIGEST,
                    "d-1",
                    "o",
                    Fixtures.NOW,
                    Optional.of(1),
                    Optional.of("ci-bot"),
                    Map.of(),
                    List.of(new StackResource("Table", TABLE, Optional.of("payments-staging-t"))))),
            Optional.empty(),
            Optional.empty(),
            Fixtures.NOW,
            "alice@example.com",
            Fixtures.NOW,
            2);
    assertEquals(
        List.of(DriftedResource.deleted("Table", TABLE)),
        provisioner.detectDrift(deploy("k-1", deployed, TEMPLATE)));
    assertEquals(List.of(), cfn.calls(DetectStackDriftRequest.class));
  }

  @Test
  void detectDrift_thatOutlastsTheTimeLeft_isATechnicalError_triedAgainLater() {
    cfn.hasStack(STACK, "UPDATE_COMPLETE", Map.of("Table", TABLE), Map.of())
        .drifts(1_000, drift("Table", TABLE, StackResourceDriftStatus.DELETED));
    IllegalStateException running =
        assertThrows(IllegalStateException.class, () -> provisioner.detectDrift(deploy("k-1")));
    assertTrue(running.getMessage().contains("still running"), running.getMessage());
    assertTrue(time.get().compareTo(CloudFormationProvisioner.MARGIN) >= 0, "kept its margin");
  }
}
