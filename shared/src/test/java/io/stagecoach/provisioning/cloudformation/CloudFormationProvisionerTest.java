package io.stagecoach.provisioning.cloudformation;

import static io.stagecoach.provisioning.cloudformation.FakeCloudFormation.add;
import static io.stagecoach.provisioning.cloudformation.FakeCloudFormation.change;
import static io.stagecoach.provisioning.cloudformation.Requests.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.deployment.ProvisioningResult.Failed;
import io.stagecoach.domain.deployment.ProvisioningResult.InProgress;
import io.stagecoach.domain.deployment.ProvisioningResult.Succeeded;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PlanSummary;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.plan.ResourceChange.Action;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeAction;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.ExecuteChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.GetTemplateSummaryRequest;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Replacement;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.cloudformation.model.UpdateTerminationProtectionRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.RotationRulesType;

class CloudFormationProvisionerTest {

  private static final Duration A_LAMBDAS_TIME = Duration.ofMinutes(15);
  private static final String TABLE = "AWS::DynamoDB::Table";
  private static final String QUEUE = "AWS::SQS::Queue";
  private static final String FUNCTION = "AWS::Lambda::Function";

  private final FakeCloudFormation cfn = new FakeCloudFormation().declares("ReleaseVersion");
  private final FakeTime time = new FakeTime(A_LAMBDAS_TIME);
  private final FakeSecretsManager secretsManager = new FakeSecretsManager();
  private final CloudFormationProvisioner provisioner =
      new CloudFormationProvisioner(
          environment -> cfn, environment -> secretsManager, time, time, time);

  private static <T extends ProvisioningResult> T expect(Class<T> type, ProvisioningResult result) {
    assertInstanceOf(type, result, () -> "expected " + type.getSimpleName() + ", got " + result);
    return type.cast(result);
  }

  private void hasDeployedStack() {
    cfn.hasStack(
        STACK,
        "UPDATE_COMPLETE",
        Map.of("Table", TABLE, "Api", FUNCTION),
        Map.of("TableName", "old-table"));
  }

  // ------------------------------------------------------------ apply

  @Test
  void apply_createsTheStackFromAChangeSet_andRecordsItsOutputs() {
    cfn.proposes(add("Table", TABLE), add("Queue", QUEUE))
        .outputsAfterDeployment(Map.of("TableName", "payments-t"));

    Succeeded done = expect(Succeeded.class, provisioner.apply(deploy("d-1")));

    assertEquals(
        List.of(
            new ResourceChange("Table", TABLE, Action.ADD, false, true),
            new ResourceChange("Queue", QUEUE, Action.ADD, false, true)),
        done.plan().changes());
    assertEquals(Map.of("TableName", "payments-t"), done.outputs());
    CreateChangeSetRequest created = cfn.calls(CreateChangeSetRequest.class).getFirst();
    assertEquals(ChangeSetType.CREATE, created.changeSetType());
    assertEquals("stagecoach-d-1", created.changeSetName());
    assertEquals(STACK, created.stackName());
    assertEquals(Requests.TEMPLATE.body().orElseThrow(), created.templateBody());
    assertEquals(1, cfn.calls(ExecuteChangeSetRequest.class).size());
    assertEquals(Optional.of("CREATE_COMPLETE"), cfn.statusOf(STACK));
    assertEquals(Map.of("Table", TABLE, "Queue", QUEUE), cfn.resourcesOf(STACK));
    // What runs there, as ListStackResources says once the stack is deployed.
    assertEquals(
        List.of(
            new StackResource("Table", TABLE, Optional.of(STACK + "-table")),
            new StackResource("Queue", QUEUE, Optional.of(STACK + "-queue"))),
        done.resources());
  }

  @Test
  void apply_updatesAnExistingStack_throughAnUpdateChangeSet() {
    hasDeployedStack();
    cfn.proposes(change(ChangeAction.MODIFY, "Api", FUNCTION, Replacement.FALSE))
        .outputsAfterDeployment(Map.of("TableName", "old-table", "ApiUrl", "https://api"));

    Succeeded done = expect(Succeeded.class, provisioner.apply(deploy("d-2")));

    assertEquals(
        List.of(new ResourceChange("Api", FUNCTION, Action.MODIFY, false, true)),
        done.plan().changes());
    assertEquals(Map.of("TableName", "old-table", "ApiUrl", "https://api"), done.outputs());
    assertEquals(
        ChangeSetType.UPDATE, cfn.calls(CreateChangeSetRequest.class).getFirst().changeSetType());
    assertEquals(Optional.of("UPDATE_COMPLETE"), cfn.statusOf(STACK));
  }

  @Test
  void apply_withNothingToChange_succeedsWithAnEmptyPlan_andTheStacksCurrentOutputs() {
    hasDeployedStack();
    cfn.proposes();

    Succeeded done = expect(Succeeded.class, provisioner.apply(deploy("d-3")));

    assertTrue(done.plan().isEmpty(), done.plan().toString());
    assertEquals(List.of(), done.plan().parameters());
    assertEquals(Map.of("TableName", "old-table"), done.outputs());
    assertEquals(
        java.util.Set.of("Table", "Api"),
        done.resources().stream()
            .map(StackResource::logicalId)
            .collect(java.util.stream.Collectors.toSet()),
        "a redeploy that changes nothing still says what runs there");
    assertTrue(cfn.calls(ExecuteChangeSetRequest.class).isEmpty());
  }

  @Test
  void apply_answersFailed_withTheReasonOfTheFirstResourceThatFailedInThisDeployment() {
    hasDeployedStack();
    cfn.proposes(add("Bucket", "AWS::S3::Bucket"), add("Neighbour", QUEUE))
        .failsDeploying(
            new FakeCloudFormation.ResourceFailure(
                "Bucket", "AWS::S3::Bucket", "payments-bucket already exists"));

    Failed failed = expect(Failed.class, provisioner.apply(deploy("d-4")));

    assertEquals("Bucket (AWS::S3::Bucket): payments-bucket already exists", failed.reason());
    assertEquals(2, failed.plan().summary().adds());
    assertEquals(Optional.of("UPDATE_ROLLBACK_COMPLETE"), cfn.statusOf(STACK));
  }

  @Test
  void apply_answersFailed_whenANewStackRollsBack() {
    cfn.proposes(add("Table", TABLE))
        .failsDeploying(
            new FakeCloudFormation.ResourceFailure("Table", TABLE, "Invalid KeySchema"));

    Failed failed = expect(Failed.class, provisioner.apply(deploy("d-5")));

    assertTrue(failed.reason().contains("Invalid KeySchema"), failed.reason());
    assertEquals(Optional.of("ROLLBACK_COMPLETE"), cfn.statusOf(STACK));
  }

  @Test
  void apply_countsReplacements_andShowsDynamicChangesAsModifications() {
    hasDeployedStack();
    cfn.proposes(
        change(ChangeAction.MODIFY, "Table", TABLE, Replacement.TRUE),
        change(ChangeAction.MODIFY, "Api", FUNCTION, Replacement.CONDITIONAL),
        change(ChangeAction.MODIFY, "Queue", QUEUE, Replacement.FALSE),
        change(ChangeAction.DYNAMIC, "Topic", "AWS::SNS::Topic", null),
        change(ChangeAction.REMOVE, "Old", QUEUE, null));

    Succeeded done = expect(Succeeded.class, provisioner.apply(deploy("d-6")));

    // Modify with Replacement True or Conditional is a replacement; Dynamic is shown as a modify.
    assertEquals(new PlanSummary(0, 2, 1, 2, 0), done.plan().summary());
  }

  @Test
  void apply_passesOnlyTheParametersTheTemplateDeclares_andSecretsOnlyAsDynamicReferences() {
    cfn.declares(
            "StagecoachApp",
            "StagecoachTier",
            "ReleaseVersion",
            "ArtifactDigest",
            "LOG_LEVEL",
            "DB_PASSWORD",
            "DeclaredWithoutValue")
        .proposes(add("Table", TABLE));

    expect(Succeeded.class, provisioner.apply(deploy("d-7")));

    Map<String, String> passed =
        cfn.calls(CreateChangeSetRequest.class).getFirst().parameters().stream()
            .collect(
                Collectors.toMap(
                    Parameter::parameterKey, Parameter::parameterValue, (a, b) -> a, TreeMap::new));
    String reference = "{{resolve:secretsmanager:" + DB_PASSWORD_ARN + "}}";
    assertEquals(
        Map.of(
            "StagecoachApp", "payments",
            "StagecoachTier", "staging",
            "ReleaseVersion", "1.4.0",
            "ArtifactDigest", Fixtures.DIGEST,
            "LOG_LEVEL", "info",
            "DB_PASSWORD", reference),
        passed);
    // The secret's location reaches CloudFormation only inside the reference it resolves itself.
    String everythingSent = cfn.calls().toString();
    assertTrue(everythingSent.contains(reference));
    assertFalse(everythingSent.replace(reference, "").contains(DB_PASSWORD_ARN), everythingSent);
    assertFalse(
        everythingSent.contains("FEATURE_FLAGS"),
        "config the template does not declare is not passed");
  }

  @Test
  void apply_tagsTheStack_withItsAppEnvironmentAndRelease_andGrantsTheIamCapabilities() {
    cfn.proposes(add("Table", TABLE));

    expect(Succeeded.class, provisioner.apply(deploy("d-8")));

    CreateChangeSetRequest created = cfn.calls(CreateChangeSetRequest.class).getFirst();
    assertEquals(
        Set.of(
            Tag.builder().key("stagecoach:app").value("payments").build(),
            Tag.builder().key("stagecoach:env").value("staging").build(),
            Tag.builder().key("stagecoach:release").value("1.4.0").build()),
        Set.copyOf(cfn.tagsOf(STACK)));
    assertEquals(
        List.of(
            Capability.CAPABILITY_IAM,
            Capability.CAPABILITY_NAMED_IAM,
            Capability.CAPABILITY_AUTO_EXPAND),
        created.capabilities());
  }

  @Test
  void apply_turnsTerminationProtectionOn_forAProtectedEnvironment() {
    cfn.proposes(add("Table", TABLE));

    expect(Succeeded.class, provisioner.apply(deploy("d-9", staging(true), TEMPLATE)));

    assertTrue(cfn.isTerminationProtected(STACK));
  }

  @Test
  void apply_turnsTerminationProtectionOff_forAnEnvironmentNoLongerProtected() {
    hasDeployedStack();
    cfn.protects(STACK).proposes(change(ChangeAction.MODIFY, "Api", FUNCTION, Replacement.FALSE));

    expect(Succeeded.class, provisioner.apply(deploy("d-10", staging(false), TEMPLATE)));

    assertFalse(cfn.isTerminationProtected(STACK));
  }

  @Test
  void
      apply_answersInProgress_whenTimeRunsShort_andARepeatedApplyCollectsTheResultWithoutExecutingAgain() {
    cfn.pollsPerOperation(12)
        .proposes(add("Table", TABLE))
        .outputsAfterDeployment(Map.of("TableName", "t"));
    // Enough for the change set to be made and executed, not for the stack to be created.
    time.budget(Duration.ofSeconds(200));

    InProgress waiting = expect(InProgress.class, provisioner.apply(deploy("d-11")));

    assertTrue(waiting.status().contains("CREATE_IN_PROGRESS"), waiting.status());
    assertTrue(
        time.get().compareTo(CloudFormationProvisioner.MARGIN) >= 0,
        "the margin is kept to answer in");
    time.budget(A_LAMBDAS_TIME);
    Succeeded done = expect(Succeeded.class, provisioner.apply(deploy("d-11")));

    assertEquals(Map.of("TableName", "t"), done.outputs());
    assertEquals(1, done.plan().summary().adds());
    assertEquals(1, cfn.calls(CreateChangeSetRequest.class).size());
    assertEquals(1, cfn.calls(ExecuteChangeSetRequest.class).size());
  }

  @Test
  void apply_answersInProgress_whileTheChangeSetIsStillBeingMade_andCarriesOnLater() {
    cfn.pollsPerOperation(40).proposes(add("Table", TABLE));
    time.budget(Duration.ofSeconds(30));

    InProgress waiting = expect(InProgress.class, provisioner.apply(deploy("d-12")));

    assertTrue(waiting.status().contains("stagecoach-d-12"), waiting.status());
    time.budget(Duration.ofHours(2));
    expect(Succeeded.class, provisioner.apply(deploy("d-12")));
    assertEquals(1, cfn.calls(CreateChangeSetRequest.class).size());
  }

  @Test
  void apply_pollsLessOftenAsItWaits_neverMoreThanFifteenSecondsApart() {
    cfn.pollsPerOperation(8).proposes(add("Table", TABLE));

    expect(Succeeded.class, provisioner.apply(deploy("d-13")));

    List<Duration> sleeps = time.sleeps();
    assertEquals(
        Duration.ofSeconds(2), sleeps.getFirst(), "a change set is usually made within seconds");
    assertTrue(sleeps.contains(Duration.ofSeconds(15)), sleeps.toString());
    assertTrue(
        sleeps.stream().allMatch(d -> d.compareTo(Duration.ofSeconds(15)) <= 0), sleeps.toString());
  }

  @Test
  void apply_repeatedAfterItSucceeded_answersTheSameResult_andExecutesNothing() {
    cfn.proposes(add("Table", TABLE)).outputsAfterDeployment(Map.of("TableName", "t"));
    Succeeded first = expect(Succeeded.class, provisioner.apply(deploy("d-14")));

    Succeeded again = expect(Succeeded.class, provisioner.apply(deploy("d-14")));

    // The same changes and outputs; the parameters it changed are read from the stack before the
    // change set runs, so a call after it ran no longer sees them change.
    assertEquals(first.plan().changes(), again.plan().changes());
    assertEquals(first.outputs(), again.outputs());
    assertEquals(1, cfn.calls(ExecuteChangeSetRequest.class).size());
  }

  @Test
  void apply_waits_whileAnotherOperationRunsOnTheStack() {
    cfn.hasStack(STACK, "UPDATE_IN_PROGRESS", Map.of("Table", TABLE), Map.of());

    InProgress waiting = expect(InProgress.class, provisioner.apply(deploy("d-15")));

    assertTrue(waiting.status().contains("UPDATE_IN_PROGRESS"), waiting.status());
    assertTrue(cfn.calls(CreateChangeSetRequest.class).isEmpty());
  }

  @Test
  void apply_answersFailed_whenCloudFormationRejectsTheTemplate() {
    cfn.rejectsTemplates("Template format error: Unrecognized resource types: [AWS::Nope::Thing]");

    Failed failed = expect(Failed.class, provisioner.apply(deploy("d-16")));

    assertTrue(failed.reason().contains("Unrecognized resource types"), failed.reason());
    assertTrue(cfn.calls(CreateChangeSetRequest.class).isEmpty());
  }

  @Test
  void apply_readsATemplateKeptInS3_throughItsHttpsUrlInTheEnvironmentsRegion() {
    cfn.proposes(add("Table", TABLE));
    EnvironmentTemplate inS3 =
        EnvironmentTemplate.at("s3://stagecoach-templates/payments/env.json");

    expect(Succeeded.class, provisioner.apply(deploy("d-17", staging(false), inS3)));

    String url = "https://stagecoach-templates.s3.eu-west-1.amazonaws.com/payments/env.json";
    assertEquals(url, cfn.calls(GetTemplateSummaryRequest.class).getFirst().templateURL());
    assertEquals(url, cfn.calls(CreateChangeSetRequest.class).getFirst().templateURL());
  }

  @Test
  void apply_refusesAnAccountStagecoachMayNotDeployTo() {
    CloudFormationProvisioner guarded =
        CloudFormationProvisioner.assumingDeployRoles(
            Region.EU_WEST_1,
            AnonymousCredentialsProvider.create(),
            "stagecoach-deploy-",
            Set.of("210987654321"),
            time,
            time);

    Failed failed = expect(Failed.class, guarded.apply(deploy("d-18")));

    assertTrue(
        failed.reason().contains(ACCOUNT)
            && failed.reason().contains("not one Stagecoach may deploy to"),
        failed.reason());
    assertThrows(RefusedRequestException.class, () -> guarded.plan(deploy("d-18")));
  }

  // ------------------------------------------------------------ plan

  @Test
  void plan_readsTheChanges_changesNothing_andLeavesNoChangeSetBehind() {
    hasDeployedStack();
    cfn.proposes(
        change(ChangeAction.MODIFY, "Table", TABLE, Replacement.TRUE), add("Queue", QUEUE));

    Plan plan = provisioner.plan(deploy("d-19"));

    assertEquals(new PlanSummary(1, 0, 0, 1, 0), plan.summary());
    assertEquals(Set.of(), cfn.changeSetsOf(STACK));
    assertEquals(Optional.of("UPDATE_COMPLETE"), cfn.statusOf(STACK));
    assertTrue(cfn.calls(ExecuteChangeSetRequest.class).isEmpty());
    assertTrue(
        cfn.calls(CreateChangeSetRequest.class)
            .getFirst()
            .changeSetName()
            .startsWith("stagecoach-plan-"));
  }

  @Test
  void plan_andApply_readTheChangeSetWithPropertyValues() {
    hasDeployedStack();
    cfn.proposes(change(ChangeAction.MODIFY, "Table", TABLE, Replacement.TRUE));

    provisioner.plan(deploy("d-23"));
    expect(Succeeded.class, provisioner.apply(deploy("d-24")));

    List<DescribeChangeSetRequest> describes = cfn.calls(DescribeChangeSetRequest.class);
    assertFalse(describes.isEmpty());
    // Apply also looks for its change set (to continue a deployment); every read of changes asks
    // for property values.
    assertTrue(
        describes.stream()
            .filter(r -> !r.changeSetName().equals(ChangeSetNames.forDeployment("d-24")))
            .allMatch(r -> Boolean.TRUE.equals(r.includePropertyValues())),
        describes.toString());
    assertTrue(
        describes.stream()
            .anyMatch(
                r ->
                    Boolean.TRUE.equals(r.includePropertyValues())
                        && r.changeSetName().equals(ChangeSetNames.forDeployment("d-24"))));
  }

  @Test
  void plan_ofANewEnvironment_leavesNoReviewInProgressStackBehind() {
    cfn.proposes(add("Table", TABLE));

    Plan plan = provisioner.plan(deploy("d-20"));

    assertEquals(
        List.of(new ResourceChange("Table", TABLE, Action.ADD, false, true)), plan.changes());
    assertEquals(Set.of(), cfn.stackNames());
  }

  @Test
  void plan_withNothingToChange_isEmpty() {
    hasDeployedStack();
    cfn.proposes();

    Plan plan = provisioner.plan(deploy("d-21"));
    assertTrue(plan.isEmpty(), plan.toString());
    assertEquals(List.of(), plan.parameters());
    assertEquals(Set.of(), cfn.changeSetsOf(STACK));
  }

  @Test
  void plan_refusesATemplateCloudFormationRejects() {
    cfn.rejectsTemplates("Template format error: JSON not well-formed.");

    RefusedRequestException refused =
        assertThrows(RefusedRequestException.class, () -> provisioner.plan(deploy("d-22")));

    assertTrue(refused.getMessage().contains("JSON not well-formed"));
    assertEquals(Set.of(), cfn.stackNames());
  }

  // ------------------------------------------------------------ destroy

  @Test
  void destroy_ofAStackThatDoesNotExist_succeedsWithNothingToRemove() {
    Succeeded done = expect(Succeeded.class, provisioner.destroy(destroy("x-1", staging(false))));

    assertEquals(new Succeeded(Plan.NOTHING, Map.of()), done);
    assertTrue(cfn.calls(DeleteStackRequest.class).isEmpty());
  }

  @Test
  void destroy_refusesAProtectedEnvironment() {
    hasDeployedStack();

    Failed failed = expect(Failed.class, provisioner.destroy(destroy("x-2", staging(true))));

    assertTrue(failed.reason().contains("is protected"), failed.reason());
    assertTrue(cfn.calls(DeleteStackRequest.class).isEmpty());
    assertEquals(Optional.of("UPDATE_COMPLETE"), cfn.statusOf(STACK));
  }

  @Test
  void destroy_liftsTerminationProtection_deletesTheStack_andListsWhatItRemoved() {
    hasDeployedStack();
    cfn.protects(STACK);

    Succeeded done = expect(Succeeded.class, provisioner.destroy(destroy("x-3", staging(false))));

    assertEquals(
        Set.of(
            new ResourceChange("Table", TABLE, Action.REMOVE, false, true),
            new ResourceChange("Api", FUNCTION, Action.REMOVE, false, true)),
        Set.copyOf(done.plan().changes()));
    assertEquals(Map.of(), done.outputs());
    assertEquals(Set.of(), cfn.stackNames());
    assertFalse(
        cfn.calls(UpdateTerminationProtectionRequest.class)
            .getFirst()
            .enableTerminationProtection());
  }

  @Test
  void destroy_answersFailed_withTheResourceCloudFormationCouldNotDelete() {
    hasDeployedStack();
    cfn.failsDeleting(
        new FakeCloudFormation.ResourceFailure("Table", TABLE, "Table is in use by a backup"));

    Failed failed = expect(Failed.class, provisioner.destroy(destroy("x-4", staging(false))));

    assertEquals("Table (AWS::DynamoDB::Table): Table is in use by a backup", failed.reason());
    assertEquals(2, failed.plan().summary().removes());
    assertEquals(Optional.of("DELETE_FAILED"), cfn.statusOf(STACK));
  }

  @Test
  void destroy_answersInProgress_whenTimeRunsShort_andARepeatedDestroyCollectsTheResult() {
    hasDeployedStack();
    cfn.pollsPerOperation(10);
    time.budget(Duration.ofSeconds(45));

    expect(InProgress.class, provisioner.destroy(destroy("x-5", staging(false))));
    time.budget(A_LAMBDAS_TIME);
    Succeeded done = expect(Succeeded.class, provisioner.destroy(destroy("x-5", staging(false))));

    assertEquals(2, done.plan().summary().removes());
    assertEquals(1, cfn.calls(DeleteStackRequest.class).size());
    assertEquals(Set.of(), cfn.stackNames());
  }

  @Test
  void destroy_ofAStackOnlyEverReviewed_removesIt() {
    cfn.hasStack(STACK, "REVIEW_IN_PROGRESS", Map.of(), Map.of());

    Succeeded done = expect(Succeeded.class, provisioner.destroy(destroy("x-6", staging(false))));

    assertEquals(Plan.NOTHING, done.plan());
    assertEquals(Set.of(), cfn.stackNames());
  }

  @Test
  void destroy_refusesAnAccountStagecoachMayNotDeployTo() {
    ProvisioningRequest elsewhere = destroy("x-7", environment("999999999999", "eu-west-1", false));
    CloudFormationProvisioner guarded =
        new CloudFormationProvisioner(
            environment -> {
              throw new RefusedRequestException(
                  "account 999999999999 is not one Stagecoach may deploy to");
            },
            environment -> secretsManager,
            time,
            time,
            time);

    Failed failed = expect(Failed.class, guarded.destroy(elsewhere));

    assertTrue(failed.reason().contains("999999999999"));
  }

  // ------------------------------------------------------------ secrets

  @Test
  void describeSecret_readsRotationSettingsAndDates_throughDescribeSecretOnly() {
    Instant last = Instant.parse("2026-11-01T03:00:00Z");
    Instant next = Instant.parse("2026-12-01T03:00:00Z");
    secretsManager.has(
        DB_PASSWORD_ARN,
        DescribeSecretResponse.builder()
            .arn(DB_PASSWORD_ARN)
            .rotationEnabled(true)
            .rotationRules(RotationRulesType.builder().automaticallyAfterDays(30L).build())
            .lastRotatedDate(last)
            .nextRotationDate(next)
            .build());

    SecretRotation.Settings settings =
        provisioner.describeSecret(staging(false), new SecretReference(DB_PASSWORD_ARN));

    assertEquals(
        new SecretRotation.Settings(true, Optional.of(30), Optional.of(last), Optional.of(next)),
        settings);
    assertEquals(List.of(DB_PASSWORD_ARN), secretsManager.described());
  }

  @Test
  void describeSecret_ofASecretWithoutRotation_saysDisabled_withNoDays() {
    secretsManager.has(
        DB_PASSWORD_ARN, DescribeSecretResponse.builder().arn(DB_PASSWORD_ARN).build());

    assertEquals(
        new SecretRotation.Settings(false, Optional.empty(), Optional.empty(), Optional.empty()),
        provisioner.describeSecret(staging(false), new SecretReference(DB_PASSWORD_ARN)));
  }

  @Test
  void describeSecret_ofAMissingOrForbiddenSecret_isNotDescribed_withTheReason() {
    Provisioner.SecretNotDescribed missing =
        assertThrows(
            Provisioner.SecretNotDescribed.class,
            () -> provisioner.describeSecret(staging(false), new SecretReference(DB_PASSWORD_ARN)));
    assertEquals("Secrets Manager has no such secret", missing.getMessage());

    secretsManager.refuses(DB_PASSWORD_ARN, "AccessDeniedException");
    Provisioner.SecretNotDescribed denied =
        assertThrows(
            Provisioner.SecretNotDescribed.class,
            () -> provisioner.describeSecret(staging(false), new SecretReference(DB_PASSWORD_ARN)));
    assertTrue(denied.getMessage().contains("AccessDeniedException"), denied.getMessage());
  }

  @Test
  void describeSecret_inAnAccountStagecoachMayNotDeployTo_isNotDescribed() {
    CloudFormationProvisioner guarded =
        new CloudFormationProvisioner(
            environment -> cfn,
            environment -> {
              throw new RefusedRequestException(
                  "account 999999999999 is not one Stagecoach may deploy to");
            },
            time,
            time,
            time);

    Provisioner.SecretNotDescribed refused =
        assertThrows(
            Provisioner.SecretNotDescribed.class,
            () ->
                guarded.describeSecret(
                    environment("999999999999", "eu-west-1", false),
                    new SecretReference(DB_PASSWORD_ARN)));
    assertTrue(refused.getMessage().contains("999999999999"), refused.getMessage());
  }
}
