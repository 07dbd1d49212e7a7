package io.stagecoach.domain.chat;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.chat.ChatCommand.*;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatCommandTest {

  @Test
  void parse_readsEveryCommandWithItsArguments() {
    assertEquals(new Help(), ChatCommand.parse("help"));
    assertEquals(new Envs("payments"), ChatCommand.parse("envs payments"));
    assertEquals(new Status("payments"), ChatCommand.parse("status payments"));
    assertEquals(
        new Deploy("payments", "qa", "1.4.2"), ChatCommand.parse("deploy payments 1.4.2 to qa"));
    assertEquals(
        new Promote("payments", "1.4.2", Optional.empty()),
        ChatCommand.parse("promote payments 1.4.2"));
    assertEquals(
        new Promote("payments", "1.4.2", Optional.of("prod")),
        ChatCommand.parse("promote payments 1.4.2 to prod"));
    assertEquals(new Approve("apr-01J9", Optional.empty()), ChatCommand.parse("approve apr-01J9"));
    assertEquals(
        new Reject("apr-01J9", Optional.of("tests are red")),
        ChatCommand.parse("reject apr-01J9 tests are red"));
    assertEquals(new Rollback("payments", "prod"), ChatCommand.parse("rollback payments prod"));
    assertEquals(
        new Freeze("payments", "prod", Optional.of("black friday")),
        ChatCommand.parse("freeze payments prod black friday"));
    assertEquals(
        new Freeze("payments", "prod", Optional.empty()),
        ChatCommand.parse("freeze payments prod"));
    assertEquals(new Unfreeze("payments", "prod"), ChatCommand.parse("unfreeze payments prod"));
    assertEquals(
        new Diff("payments", "staging", "1.5.0"), ChatCommand.parse("diff payments staging 1.5.0"));
    assertEquals(
        new Extend("payments", "feature-login", Duration.ofDays(3)),
        ChatCommand.parse("extend payments feature-login 3d"));
    assertEquals(new ChatCommand.Drift("payments", "dev"), ChatCommand.parse("drift payments dev"));
    assertEquals(
        Optional.of(io.stagecoach.domain.access.Action.CHECK_DRIFT),
        ChatCommand.parse("drift payments dev").action());
    assertTrue(ChatCommand.helpText().contains("/stagecoach drift APP ENV"));
    assertEquals(
        new Why("payments", "1.4.2", Optional.empty()), ChatCommand.parse("why payments 1.4.2"));
    assertEquals(
        new Why("payments", "1.4.2", Optional.of("prod")),
        ChatCommand.parse("why payments 1.4.2 to prod"));
    assertInstanceOf(Invalid.class, ChatCommand.parse("why payments"));
    assertInstanceOf(Invalid.class, ChatCommand.parse("why payments 1.4.2 prod"));
  }

  @Test
  void parse_givesHelp_forEmptyOrBlankText() {
    assertEquals(new Help(), ChatCommand.parse(""));
    assertEquals(new Help(), ChatCommand.parse("   "));
    assertEquals(new Help(), ChatCommand.parse(null));
  }

  @Test
  void parse_toleratesExtraSpacesAndAnyCaseInTheCommandWord() {
    assertEquals(
        new Deploy("payments", "qa", "1.4.2"),
        ChatCommand.parse("  Deploy   payments\t1.4.2  TO qa "));
  }

  @Test
  void parse_keepsTheCommentsSpacing_andUndoesSlacksEntityEscaping() {
    assertEquals(
        new Approve("apr-1", Optional.of("ok  for <prod> & staging")),
        ChatCommand.parse("approve apr-1 ok  for &lt;prod&gt; &amp; staging"));
  }

  @Test
  void parse_givesUnknown_forAWordThatIsNoCommand() {
    ChatCommand command = ChatCommand.parse("shipit payments");
    Unknown unknown = assertInstanceOf(Unknown.class, command);
    assertTrue(
        unknown.replyText().startsWith("Stagecoach has no command 'shipit'."), unknown.replyText());
    assertTrue(unknown.replyText().endsWith(ChatCommand.helpText()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "envs",
        "envs payments extra",
        "status",
        "deploy payments 1.4.2",
        "deploy payments 1.4.2 qa",
        "deploy payments 1.4.2 into qa",
        "promote payments",
        "promote payments 1.4.2 prod",
        "approve",
        "reject",
        "rollback payments",
        "rollback payments prod now",
        "freeze payments",
        "unfreeze payments",
        "diff payments staging",
        "extend payments feature-login",
        "extend payments feature-login 3 days",
        "drift payments",
        "drift payments dev now"
      })
  void parse_givesInvalid_withTheUsageLine_whenArgumentsAreMissingOrExtra(String text) {
    Invalid invalid = assertInstanceOf(Invalid.class, ChatCommand.parse(text), text);
    String verb = text.split(" ")[0];
    assertTrue(invalid.usage().startsWith("/stagecoach " + verb + " "), invalid.usage());
    assertTrue(invalid.replyText().contains("Usage: " + invalid.usage()), invalid.replyText());
  }

  @Test
  void parse_givesInvalid_forNamesThatBreakTheNamingRules() {
    Invalid app = assertInstanceOf(Invalid.class, ChatCommand.parse("envs Payments"));
    assertEquals(
        "'Payments' is not an app name: it must be lowercase letters, digits and '-', start with a letter"
            + " and not end with '-'.",
        app.message());
    Invalid env =
        assertInstanceOf(
            Invalid.class, ChatCommand.parse("rollback payments a-very-long-environment"));
    assertEquals(
        "'a-very-long-environment' is not an environment name: it must be at most 16 characters.",
        env.message());
    assertInstanceOf(Invalid.class, ChatCommand.parse("deploy payments 1.4.2 to Prod"));
    assertInstanceOf(Invalid.class, ChatCommand.parse("promote payments 1.4.2 to -prod"));
  }

  @Test
  void parse_givesInvalid_forAVersionOrApprovalIdWithForbiddenCharacters() {
    assertInstanceOf(Invalid.class, ChatCommand.parse("deploy payments ../1.4 to qa"));
    assertInstanceOf(Invalid.class, ChatCommand.parse("diff payments qa v1/2"));
    assertInstanceOf(Invalid.class, ChatCommand.parse("approve <@U123>"));
  }

  @Test
  void parse_readsDurationsInMinutesHoursAndDays() {
    assertEquals(Duration.ofMinutes(30), extendBy("30m"));
    assertEquals(Duration.ofHours(12), extendBy("12H"));
    assertEquals(Duration.ofDays(30), extendBy("30d"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0h", "31d", "721h", "3w", "-1d", "1.5d", "d", "99999999999d"})
  void parse_givesInvalid_forADurationThatIsNotPositiveOrPastThirtyDays(String duration) {
    assertInstanceOf(
        Invalid.class, ChatCommand.parse("extend payments feature-login " + duration), duration);
  }

  @Test
  void parse_givesInvalid_forACommentLongerThanTheLimit() {
    assertInstanceOf(
        Invalid.class,
        ChatCommand.parse("reject apr-1 " + "x".repeat(ChatCommand.MAX_COMMENT + 1)));
    assertInstanceOf(
        Approve.class, ChatCommand.parse("approve apr-1 " + "x".repeat(ChatCommand.MAX_COMMENT)));
  }

  @Test
  void helpText_listsEveryCommandWithItsSyntax() {
    String help = ChatCommand.helpText();
    for (String verb :
        new String[] {
          "help",
          "envs",
          "status",
          "deploy",
          "promote",
          "approve",
          "reject",
          "rollback",
          "freeze",
          "unfreeze",
          "diff",
          "extend",
          "why"
        }) {
      assertTrue(help.contains("/stagecoach " + verb), verb);
    }
    assertTrue(help.contains("/stagecoach deploy APP VERSION to ENV"));
  }

  @Test
  void replies_containNoCharacterSlackReadsAsMarkup() {
    String pattern = ".*[&<>].*";
    assertFalse(ChatCommand.helpText().matches("(?s)" + pattern));
    Unknown unknown = assertInstanceOf(Unknown.class, ChatCommand.parse("<!channel> &amp;"));
    assertFalse(unknown.replyText().matches("(?s)" + pattern), unknown.replyText());
    Invalid invalid = assertInstanceOf(Invalid.class, ChatCommand.parse("envs <@U1>"));
    assertFalse(invalid.replyText().matches("(?s)" + pattern), invalid.replyText());
  }

  private static Duration extendBy(String duration) {
    return assertInstanceOf(
            Extend.class, ChatCommand.parse("extend payments feature-login " + duration))
        .by();
  }
}
