package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.chat.SlackChannel;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.chat.SlackUser;
import io.stagecoach.domain.chat.SlackUserSpec;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.testing.LocalDynamoDb;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SlackDirectoryOnDynamoDbTest {

  private DynamoDbSlackDirectory directory;
  private SlackDirectoryService slack;
  private RegistryService registry;

  @BeforeEach
  void freshTable() {
    String table = LocalDynamoDb.newRegistryTable();
    DynamoDbRegistry store = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    registry = new RegistryService(store);
    directory = new DynamoDbSlackDirectory(LocalDynamoDb.client(), table);
    slack = new SlackDirectoryService(directory, store);
  }

  private static <T> T accepted(Outcome<T> outcome) {
    if (outcome instanceof Outcome.Accepted<T> a) {
      return a.value();
    }
    fail("expected acceptance, got " + outcome);
    return null;
  }

  private static Rejection rejected(Outcome<?> outcome) {
    if (outcome instanceof Outcome.Rejected<?> r) {
      return r.rejection();
    }
    fail("expected a rejection, got " + outcome);
    return null;
  }

  @Test
  void linkedSlackUser_actsAsItsPrincipal_withItsRolesAndGroups() {
    Saved<SlackUser> saved =
        accepted(
            slack.linkUser(
                ADMIN,
                "T01STAGE",
                "U04BOB",
                new SlackUserSpec(
                    "bob@example.com", List.of("deployer"), List.of("staff", "client")),
                NOW));

    assertTrue(saved.created());
    assertEquals(
        Optional.of(
            new Principal("bob@example.com", Set.of(Role.DEPLOYER), Set.of("staff", "client"))),
        slack.principalOf("T01STAGE", "U04BOB"));
    SlackUser read = accepted(slack.user("T01STAGE", "U04BOB"));
    assertEquals(ADMIN.name(), read.updatedBy());
    assertEquals(NOW, read.updatedAt());
  }

  @Test
  void relinking_replacesTheMapping_andSaysItWasNotCreated() {
    accepted(
        slack.linkUser(
            ADMIN,
            "T01STAGE",
            "U04BOB",
            new SlackUserSpec("bob", List.of("viewer"), List.of()),
            NOW));
    Saved<SlackUser> again =
        accepted(
            slack.linkUser(
                ADMIN,
                "T01STAGE",
                "U04BOB",
                new SlackUserSpec("robert", List.of("admin"), List.of("ops")),
                NOW.plusSeconds(5)));

    assertFalse(again.created());
    assertEquals("robert", slack.principalOf("T01STAGE", "U04BOB").orElseThrow().name());
    assertEquals(Set.of(Role.ADMIN), slack.principalOf("T01STAGE", "U04BOB").orElseThrow().roles());
  }

  @Test
  void theSameMemberIdInAnotherWorkspace_isSomeoneElse() {
    accepted(
        slack.linkUser(
            ADMIN,
            "T01STAGE",
            "U04BOB",
            new SlackUserSpec("bob", List.of("viewer"), List.of()),
            NOW));

    assertEquals(Optional.empty(), slack.principalOf("T02OTHER", "U04BOB"));
  }

  @Test
  void unlinkedOrMalformedSlackIds_actAsNobody() {
    assertEquals(Optional.empty(), slack.principalOf("T01STAGE", "U04NOBODY"));
    assertEquals(Optional.empty(), slack.principalOf("t01stage", "U04BOB"));
    assertEquals(Optional.empty(), slack.principalOf("T01STAGE", "U04#BOB"));
  }

  @Test
  void link_isRefused_namingEveryBadField() {
    Rejection r =
        rejected(
            slack.linkUser(
                ADMIN,
                "team-1",
                "bob",
                new SlackUserSpec("", List.of("root"), List.of("Staff")),
                NOW));

    assertEquals(Rejection.Code.VALIDATION_FAILED, r.code());
    Set<String> fields = new HashSet<>();
    r.errors().forEach(e -> fields.add(e.field()));
    assertEquals(Set.of("team", "user", "principal", "roles[0]", "groups[0]"), fields);
  }

  @Test
  void linkedUsers_areListedPageByPage_andUnlinkingRemovesOne() {
    for (String user : List.of("U01A", "U02B", "U03C")) {
      accepted(
          slack.linkUser(
              ADMIN,
              "T01STAGE",
              user,
              new SlackUserSpec("p-" + user, List.of("viewer"), List.of()),
              NOW));
    }
    Page<SlackUser> first = accepted(slack.users(new PageRequest(Optional.empty(), 2)));
    assertEquals(List.of("U01A", "U02B"), first.items().stream().map(SlackUser::userId).toList());
    Page<SlackUser> second = accepted(slack.users(new PageRequest(first.nextCursor(), 2)));
    assertEquals(List.of("U03C"), second.items().stream().map(SlackUser::userId).toList());

    accepted(slack.unlinkUser("T01STAGE", "U02B"));
    assertEquals(Rejection.Code.NOT_FOUND, rejected(slack.unlinkUser("T01STAGE", "U02B")).code());
    assertEquals(2, accepted(slack.users(PageRequest.first())).items().size());
  }

  @Test
  void appChannel_isSetReadAndUnset_onlyForAnExistingApp() {
    assertEquals(
        Rejection.Code.NOT_FOUND,
        rejected(slack.setChannel(ADMIN, "payments", "C02RELEASES", NOW)).code());
    accepted(registry.createApp(ADMIN, app("payments"), NOW));

    assertTrue(accepted(slack.setChannel(ADMIN, "payments", "C02RELEASES", NOW)).created());
    assertEquals(
        new SlackChannel("payments", "C02RELEASES", NOW, ADMIN.name()),
        accepted(slack.channel("payments")));
    assertFalse(accepted(slack.setChannel(ADMIN, "payments", "G03PRIVATE", NOW)).created());
    assertEquals("G03PRIVATE", accepted(slack.channel("payments")).channelId());

    accepted(slack.unsetChannel("payments"));
    assertEquals(
        "app 'payments' has no Slack channel", rejected(slack.channel("payments")).detail());
  }

  @Test
  void appChannel_mustBeAChannelId_notAChannelName() {
    accepted(registry.createApp(ADMIN, app("payments"), NOW));

    assertEquals(
        "channel",
        rejected(slack.setChannel(ADMIN, "payments", "#releases", NOW)).errors().get(0).field());
  }

  @Test
  void appChannel_goesWithItsApp() {
    accepted(registry.createApp(ADMIN, app("payments"), NOW));
    accepted(slack.setChannel(ADMIN, "payments", "C02RELEASES", NOW));

    accepted(registry.deleteApp("payments", Optional.empty()));
    accepted(registry.createApp(ADMIN, app("payments"), NOW));

    assertEquals(Rejection.Code.NOT_FOUND, rejected(slack.channel("payments")).code());
  }

  @Test
  void anApprovalNotice_isClaimedOnce_untilTheClaimIsReleased() {
    assertTrue(
        directory.claimApprovalNotice("payments", "payments:a1", NOW.plus(Duration.ofDays(30))));
    assertFalse(
        directory.claimApprovalNotice("payments", "payments:a1", NOW.plus(Duration.ofDays(30))));
    assertTrue(
        directory.claimApprovalNotice("payments", "payments:a2", NOW.plus(Duration.ofDays(30))));

    directory.releaseApprovalNotice("payments", "payments:a1");

    assertTrue(
        directory.claimApprovalNotice("payments", "payments:a1", NOW.plus(Duration.ofDays(30))));
  }
}
