package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentCallbacks;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.deployment.TierProvisioning;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.ReleaseSpec;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every path that makes or plans an environment for a release is given the release's template
 * revision, never the app's current template: deploys, rollbacks, plans, destroys, and deployments
 * recorded before revisions existed. The provisioner here records what it is asked (a real one
 * needs AWS or the local cloud); the registry is DynamoDB Local.
 */
class PinnedTemplatesOnDynamoDbTest {

  private static final String ORDERS_V2 = ORDERS_TEMPLATE.replace("\"orders\"", "\"orders-v2\"");

  /** Remembers each request and answers success with one resource named after the template. */
  private static final class RecordingProvisioner implements Provisioner {
    final List<ProvisioningRequest> asked = new ArrayList<>();

    @Override
    public Plan plan(ProvisioningRequest request) {
      asked.add(request);
      return Plan.NOTHING;
    }

    @Override
    public ProvisioningResult apply(ProvisioningRequest request) {
      asked.add(request);
      String table = request.template().body().orElseThrow().contains("orders-v2") ? "v2" : "v1";
      return new ProvisioningResult.Succeeded(
          Plan.NOTHING,
          Map.of("OrdersTable", table),
          List.of(new StackResource("Orders", "AWS::DynamoDB::Table", Optional.of(table))));
    }

    @Override
    public ProvisioningResult destroy(ProvisioningRequest request) {
      asked.add(request);
      return new ProvisioningResult.Succeeded(Plan.NOTHING, Map.of());
    }

    ProvisioningRequest last() {
      return asked.get(asked.size() - 1);
    }
  }

  private DynamoDbRegistry registry;
  private DynamoDbDeployments deployments;
  private RegistryService rules;
  private DeploymentService service;
  private final RecordingProvisioner provisioner = new RecordingProvisioner();
  private ProvisioningRun run;

  @BeforeEach
  void appWithTwoRevisions_andAReleaseOnEach() {
    String table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deployments = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    RecordingEventPublisher events = new RecordingEventPublisher();
    rules = new RegistryService(registry);
    service = new DeploymentService(registry, deployments, events);
    run = new ProvisioningRun(registry, deployments, provisioner, events, () -> NOW);
    accepted(rules.createApp(ADMIN, app("payments"), NOW));
    accepted(
        rules.putEnvironment(
            ADMIN, "payments", "dev", pipelineEnvironment("dev"), Optional.empty(), NOW));
    accepted(rules.registerRelease(ADMIN, "payments", release("1.0"), NOW));
    AppSpec usual = app("payments");
    accepted(
        rules.putApp(
            ADMIN,
            new AppSpec(
                "payments",
                usual.description(),
                usual.pipeline(),
                usual.allowedEnvironments(),
                Optional.of(EnvironmentTemplate.inline(ORDERS_V2)),
                usual.concurrency()),
            Optional.empty(),
            NOW));
    accepted(rules.registerRelease(ADMIN, "payments", release("2.0"), NOW));
  }

  private static <T> T accepted(Outcome<T> outcome) {
    if (outcome instanceof Outcome.Accepted<T> a) {
      return a.value();
    }
    fail("expected acceptance, got " + outcome);
    return null;
  }

  private static ReleaseSpec release(String version) {
    return new ReleaseSpec(version, "s3://artifacts/" + version + ".zip", DIGEST, Optional.empty());
  }

  private Deployment deploy(String version, String id) {
    Saved<Deployment> saved =
        accepted(
            service.request(
                DEPLOYER,
                "payments",
                new DeploymentSpec("dev", version),
                Optional.empty(),
                version,
                id,
                DeploymentService.Origin.API,
                NOW.plusMillis(id.hashCode() & 0xffff)));
    run.run("payments", saved.value().id(), () -> Duration.ofMinutes(15));
    return deployments.findDeployment("payments", saved.value().id()).orElseThrow();
  }

  private String templateTable(ProvisioningRequest request) {
    return request.template().body().orElseThrow().contains("orders-v2") ? "v2" : "v1";
  }

  @Test
  void deploysAndRollbacks_areMadeFromTheReleasesRevision_andTheEnvironmentRecordsIt() {
    Deployment one = deploy("1.0", "d-000000000001");
    assertEquals(DeploymentStatus.SUCCEEDED, one.status(), one.toString());
    assertEquals(Optional.of(1), one.templateRevision());
    assertEquals(Optional.of(1), provisioner.last().templateRevision());
    assertEquals("v1", templateTable(provisioner.last()), "1.0 with revision 1, not the current 2");

    Deployment two = deploy("2.0", "d-000000000002");
    assertEquals(Optional.of(2), two.templateRevision());
    assertEquals("v2", templateTable(provisioner.last()));

    Saved<Deployment> rollback =
        accepted(
            service.rollback(
                DEPLOYER,
                "payments",
                "dev",
                Optional.empty(),
                Deployment.ORIGIN_ROLLBACK,
                "d-000000000003",
                NOW.plusSeconds(100)));
    assertEquals("1.0", rollback.value().version().orElseThrow());
    assertEquals(Optional.of(1), rollback.value().templateRevision());
    run.run("payments", rollback.value().id(), () -> Duration.ofMinutes(15));
    assertEquals("v1", templateTable(provisioner.last()), "the rollback brings revision 1 back");

    Environment dev = registry.findEnvironment("payments", "dev").orElseThrow();
    assertEquals("1.0", dev.deployedVersion().orElseThrow());
    assertEquals(Optional.of(1), dev.deployed().orElseThrow().templateRevision());
    assertEquals(Optional.of(DEPLOYER.name()), dev.deployed().orElseThrow().requestedBy());
    assertEquals(Map.of("OrdersTable", "v1"), dev.deployed().orElseThrow().outputs());
    assertEquals(
        List.of(new StackResource("Orders", "AWS::DynamoDB::Table", Optional.of("v1"))),
        dev.deployed().orElseThrow().resources());
  }

  @Test
  void aPlan_usesTheReleasesRevision_andADestroyTheOneTheEnvironmentRuns() {
    TierProvisioning tier =
        new TierProvisioning(
            "dev",
            registry,
            deployments,
            provisioner,
            new RecordingEventPublisher(),
            () -> NOW,
            DeploymentCallbacks.NONE);
    assertInstanceOf(TierPlanner.Answer.Planned.class, tier.plan("payments", "dev", "1.0"));
    assertEquals(Optional.of(1), provisioner.last().templateRevision());
    assertEquals("v1", templateTable(provisioner.last()));
    assertInstanceOf(TierPlanner.Answer.Planned.class, tier.plan("payments", "dev", "2.0"));
    assertEquals("v2", templateTable(provisioner.last()));

    deploy("1.0", "d-000000000001");
    Saved<Deployment> destroy =
        accepted(
            service.destroy(
                ADMIN,
                "payments",
                "dev",
                Optional.of("dev"),
                "d-000000000009",
                NOW.plusSeconds(200)));
    run.run("payments", destroy.value().id(), () -> Duration.ofMinutes(15));
    assertEquals(DeploymentAction.DESTROY, destroy.value().action());
    assertEquals(Optional.empty(), destroy.value().templateRevision(), "a destroy is no release");
    assertEquals(
        Optional.of(1), provisioner.last().templateRevision(), "what the environment runs");
    assertTrue(registry.findEnvironment("payments", "dev").isEmpty());
  }

  @Test
  void aDeploymentRecordedBeforeRevisions_isMadeFromItsReleasesRevision_andRecordsIt() {
    // As an earlier Stagecoach recorded it: no template revision on the deployment.
    Release one = registry.findRelease("payments", "1.0").orElseThrow();
    Deployment legacy =
        new Deployment(
            "d-00000000000a",
            "payments",
            "dev",
            Tier.DEV,
            DeploymentAction.DEPLOY,
            Optional.of("1.0"),
            Optional.of(one.digest()),
            DeploymentStatus.REQUESTED,
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            "ci-bot",
            Deployment.ORIGIN_API,
            "legacy",
            0,
            NOW,
            Optional.empty(),
            Optional.empty());
    deployments.createDeployment(legacy);

    run.run("payments", legacy.id(), () -> Duration.ofMinutes(15));

    assertEquals("v1", templateTable(provisioner.last()));
    assertEquals(
        Optional.of(1),
        deployments.findDeployment("payments", legacy.id()).orElseThrow().templateRevision());
  }
}
