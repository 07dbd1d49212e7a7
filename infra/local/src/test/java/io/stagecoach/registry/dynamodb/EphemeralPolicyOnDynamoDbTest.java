package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.ADMIN;
import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.EphemeralPolicy;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An app's ephemeral policy on DynamoDB Local: it is stored and read back, bounds are refused field
 * by field, a new ephemeral environment without an expiry gets the default TTL, extensions stop at
 * the app's maximum lifetime, and deploys renew the expiry when the app says so. Time is passed in.
 */
class EphemeralPolicyOnDynamoDbTest {

  private static final Principal OWNER = new Principal("pat@example.com", Set.of(Role.DEPLOYER));

  private DynamoDbRegistry registry;
  private DeploymentService deployments;
  private RegistryService rules;
  private String app;
  private final AtomicInteger ids = new AtomicInteger();

  @BeforeEach
  void freshRegistry() {
    String table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deployments =
        new DeploymentService(
            registry,
            new DynamoDbDeployments(LocalDynamoDb.client(), table),
            new RecordingEventPublisher());
    rules = new RegistryService(registry);
    app = "app" + Long.toString(System.nanoTime(), 36).substring(4);
  }

  private static AppSpec withPolicy(String name, EphemeralPolicy policy) {
    AppSpec usual = Fixtures.app(name);
    return new AppSpec(
        usual.name(),
        usual.description(),
        usual.pipeline(),
        usual.allowedEnvironments(),
        usual.template(),
        usual.concurrency(),
        usual.repository(),
        policy);
  }

  private void createApp(EphemeralPolicy policy) {
    assertInstanceOf(Outcome.Accepted.class, rules.createApp(ADMIN, withPolicy(app, policy), NOW));
    assertInstanceOf(
        Outcome.Accepted.class, rules.registerRelease(ADMIN, app, Fixtures.release("1.0.0"), NOW));
  }

  private static EnvironmentSpec ephemeral(Optional<Instant> expiresAt) {
    return new EnvironmentSpec(
        Optional.of("ephemeral"),
        Optional.empty(),
        Optional.of("123456789012"),
        Optional.of("eu-west-1"),
        Map.of(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        expiresAt);
  }

  private Environment put(String name, Optional<Instant> expiresAt, Instant at) {
    return accepted(
            rules.putEnvironment(OWNER, app, name, ephemeral(expiresAt), Optional.empty(), at))
        .value();
  }

  @SuppressWarnings("unchecked")
  private static <T> T accepted(Outcome<T> outcome) {
    return ((Outcome.Accepted<T>)
            assertInstanceOf(Outcome.Accepted.class, outcome, outcome.toString()))
        .value();
  }

  private Environment read(String name) {
    return registry.findEnvironment(app, name).orElseThrow();
  }

  private Outcome<Saved<Deployment>> deploy(String env, Instant at) {
    return deployments.request(
        OWNER,
        app,
        new DeploymentSpec(env, "1.0.0"),
        Optional.empty(),
        "h-" + env + at,
        "d-" + ids.incrementAndGet(),
        DeploymentService.Origin.API,
        at);
  }

  private static List<String> fields(Outcome<?> outcome) {
    Rejection rejection = assertInstanceOf(Outcome.Rejected.class, outcome).rejection();
    assertEquals(Rejection.Code.VALIDATION_FAILED, rejection.code(), rejection.detail());
    return rejection.errors().stream().map(FieldError::field).toList();
  }

  @Test
  void anAppsEphemeralPolicy_isStoredAndReadBack_andAnAppWithoutOneHasTheDefault() {
    EphemeralPolicy policy = new EphemeralPolicy(14, 48, true, Optional.of("platform-team"));
    createApp(policy);
    App read = registry.findApp(app).orElseThrow();
    assertEquals(policy, read.ephemeral());

    String other = app + "b";
    assertInstanceOf(Outcome.Accepted.class, rules.createApp(ADMIN, Fixtures.app(other), NOW));
    assertEquals(EphemeralPolicy.DEFAULT, registry.findApp(other).orElseThrow().ephemeral());
    assertEquals(new EphemeralPolicy(30, 72, false), EphemeralPolicy.DEFAULT);
  }

  @Test
  void anEphemeralPolicyOutOfBounds_isRefusedNamingTheField_andNothingIsStored() {
    assertEquals(
        List.of("ephemeral.maxLifetimeDays"),
        fields(rules.createApp(ADMIN, withPolicy(app, new EphemeralPolicy(31, 72, true)), NOW)));
    assertEquals(
        List.of("ephemeral.maxLifetimeDays", "ephemeral.defaultTtlHours"),
        fields(rules.createApp(ADMIN, withPolicy(app, new EphemeralPolicy(0, 0, true)), NOW)));
    // The default TTL cannot outlive the environment.
    assertEquals(
        List.of("ephemeral.defaultTtlHours"),
        fields(rules.createApp(ADMIN, withPolicy(app, new EphemeralPolicy(2, 49, false)), NOW)));
    // A default owner is a principal's name, as an environment's owner is.
    assertEquals(
        List.of("ephemeral.defaultOwner"),
        fields(
            rules.createApp(
                ADMIN,
                withPolicy(app, new EphemeralPolicy(2, 48, false, Optional.of("the team!"))),
                NOW)));
    assertEquals(
        List.of("ephemeral.defaultOwner"),
        fields(
            rules.createApp(
                ADMIN, withPolicy(app, new EphemeralPolicy(2, 48, false, Optional.of(""))), NOW)));
    assertTrue(registry.findApp(app).isEmpty());
    createApp(new EphemeralPolicy(2, 48, false));
  }

  @Test
  void
      anEphemeralEnvironmentCreatedWithoutAnExpiry_livesTheAppsDefaultTtl_andKeepsItOnAnotherPut() {
    createApp(new EphemeralPolicy(14, 6, false));

    Environment created = put("pr-1", Optional.empty(), NOW);

    assertEquals(Optional.of(NOW.plus(Duration.ofHours(6))), created.expiresAt());
    assertEquals(created.expiresAt(), read("pr-1").expiresAt());
    Environment again = put("pr-1", Optional.empty(), NOW.plus(Duration.ofHours(1)));
    assertEquals(Optional.of(NOW.plus(Duration.ofHours(6))), again.expiresAt());
  }

  @Test
  void anExpiryPastTheAppsMaximumLifetime_isRefused_atCreationAndWhenExtended() {
    createApp(new EphemeralPolicy(3, 24, false));
    assertEquals(
        List.of("expiresAt"),
        fields(
            rules.putEnvironment(
                OWNER,
                app,
                "pr-2",
                ephemeral(Optional.of(NOW.plus(Duration.ofDays(4)))),
                Optional.empty(),
                NOW)));
    put("pr-2", Optional.empty(), NOW);

    // Twelve hours later, 24 h more is fine; another 48 h would pass the third day.
    Instant later = NOW.plus(Duration.ofHours(12));
    Environment extended =
        accepted(
            rules.extendEnvironment(
                OWNER, app, "pr-2", Optional.empty(), Optional.of(Duration.ofHours(24)), later));
    assertEquals(Optional.of(NOW.plus(Duration.ofDays(2))), extended.expiresAt());
    Outcome<Environment> tooFar =
        rules.extendEnvironment(
            OWNER, app, "pr-2", Optional.empty(), Optional.of(Duration.ofHours(48)), later);
    assertEquals(List.of("by"), fields(tooFar));
    Rejection refusal = ((Outcome.Rejected<Environment>) tooFar).rejection();
    assertTrue(
        refusal.errors().get(0).message().contains("at most 3 days"), refusal.errors().toString());
    assertTrue(
        refusal.errors().get(0).message().contains(NOW.plus(Duration.ofDays(3)).toString()),
        refusal.errors().toString());
    assertEquals(Optional.of(NOW.plus(Duration.ofDays(2))), read("pr-2").expiresAt());
  }

  @Test
  void aDeploy_renewsTheExpiry_whenTheAppRenewsOnDeploy_neverEarlier_andNeverPastItsLifetime() {
    createApp(new EphemeralPolicy(2, 24, true));
    put("pr-3", Optional.of(NOW.plus(Duration.ofHours(1))), NOW);

    assertInstanceOf(Outcome.Accepted.class, deploy("pr-3", NOW.plus(Duration.ofMinutes(30))));
    assertEquals(
        Optional.of(NOW.plus(Duration.ofMinutes(30)).plus(Duration.ofHours(24))),
        read("pr-3").expiresAt());

    // Extended further by its owner: a deploy does not bring the expiry back.
    Instant extendedTo = NOW.plus(Duration.ofHours(40));
    assertInstanceOf(
        Outcome.Accepted.class,
        rules.extendEnvironment(
            OWNER,
            app,
            "pr-3",
            Optional.of(extendedTo),
            Optional.empty(),
            NOW.plus(Duration.ofHours(1))));
    assertInstanceOf(Outcome.Accepted.class, deploy("pr-3", NOW.plus(Duration.ofHours(2))));
    assertEquals(Optional.of(extendedTo), read("pr-3").expiresAt());

    // Near the end of its two days, a deploy renews it only up to the end.
    assertInstanceOf(Outcome.Accepted.class, deploy("pr-3", NOW.plus(Duration.ofHours(39))));
    assertEquals(Optional.of(NOW.plus(Duration.ofDays(2))), read("pr-3").expiresAt());
  }

  @Test
  void aDeploy_leavesTheExpiryAlone_whenTheAppDoesNotRenewOnDeploy() {
    createApp(new EphemeralPolicy(2, 24, false));
    put("pr-4", Optional.of(NOW.plus(Duration.ofHours(1))), NOW);

    assertInstanceOf(Outcome.Accepted.class, deploy("pr-4", NOW.plus(Duration.ofMinutes(30))));

    assertEquals(Optional.of(NOW.plus(Duration.ofHours(1))), read("pr-4").expiresAt());
  }
}
