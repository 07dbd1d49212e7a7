package io.stagecoach.functions.slack;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.slack.ApprovalClick.Decision;
import io.stagecoach.functions.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlackInteractionTest {

  private static ObjectNode clickPayload() throws IOException {
    try (InputStream in =
        SlackInteractionTest.class.getResourceAsStream("/slack/block-actions-approve.json")) {
      return (ObjectNode) Json.MAPPER.readTree(in);
    }
  }

  /** The body Slack posts: the payload JSON as the one form field, form-encoded. */
  private static String body(JsonNode payload) {
    return "payload=" + URLEncoder.encode(Json.write(payload), StandardCharsets.UTF_8);
  }

  private static ObjectNode action(ObjectNode payload) {
    return (ObjectNode) payload.get("actions").get(0);
  }

  @Test
  void read_givesTheApprovalClick_withWhoClickedAndWhereToAnswer() throws IOException {
    SlackInteraction interaction = SlackInteraction.read(body(clickPayload()));
    assertEquals(
        new ApprovalClick(
            "apr-01JD5K8Z3Q",
            Decision.APPROVE,
            "U04APPROVER",
            Optional.of("bob"),
            Optional.of("T01STAGE"),
            Optional.of("C02RELEASES"),
            Optional.of("1732269600.000200"),
            "https://hooks.slack.com/actions/T01STAGE/7065743211234/Zp3Xq9ExAmPlE",
            Optional.of("7065743211234.1234567890.abcdef0123456789abcdef0123456789")),
        interaction);
  }

  @Test
  void read_givesAReject_forTheRejectButton() throws IOException {
    ObjectNode payload = clickPayload();
    action(payload).put("action_id", BlockKit.REJECT_ACTION).put("style", "danger");
    ApprovalClick click =
        assertInstanceOf(ApprovalClick.class, SlackInteraction.read(body(payload)));
    assertEquals(Decision.REJECT, click.decision());
    assertEquals("apr-01JD5K8Z3Q", click.approvalId());
  }

  @Test
  void read_understandsTheButtonsBlockKitPuts_inTheApprovalRequest() throws IOException {
    JsonNode buttons =
        BlockKit.approvalRequested(BlockKitTest.APPROVAL).get("blocks").get(2).get("elements");
    assertEquals(2, buttons.size());
    Decision[] expected = {Decision.APPROVE, Decision.REJECT};
    for (int i = 0; i < buttons.size(); i++) {
      ObjectNode payload = clickPayload();
      payload.putArray("actions").add(buttons.get(i).deepCopy());
      ApprovalClick click =
          assertInstanceOf(ApprovalClick.class, SlackInteraction.read(body(payload)));
      assertEquals(expected[i], click.decision());
      assertEquals(BlockKitTest.APPROVAL.approvalId(), click.approvalId());
    }
  }

  @Test
  void read_takesTheTeamAndChannelFromTheUserAndContainer_whenSlackLeavesTheTopLevelOnesOut()
      throws IOException {
    ObjectNode payload = clickPayload();
    payload.remove("team");
    payload.remove("channel");
    ApprovalClick click =
        assertInstanceOf(ApprovalClick.class, SlackInteraction.read(body(payload)));
    assertEquals(Optional.of("T01STAGE"), click.teamId());
    assertEquals(Optional.of("C02RELEASES"), click.channelId());
  }

  @Test
  void read_givesUnsupported_forOtherInteractionTypesAndOtherButtons() throws IOException {
    ObjectNode submission = clickPayload().put("type", "view_submission");
    assertEquals(
        new SlackInteraction.Unsupported("interaction type view_submission"),
        SlackInteraction.read(body(submission)));
    ObjectNode otherButton = clickPayload();
    action(otherButton).put("action_id", "rollback.confirm");
    assertEquals(
        new SlackInteraction.Unsupported("action rollback.confirm"),
        SlackInteraction.read(body(otherButton)));
  }

  @Test
  void read_givesMalformed_forABodyWithoutExactlyOnePayload() throws IOException {
    assertInstanceOf(SlackInteraction.Malformed.class, SlackInteraction.read(""));
    assertInstanceOf(SlackInteraction.Malformed.class, SlackInteraction.read("text=hello"));
    assertInstanceOf(
        SlackInteraction.Malformed.class,
        SlackInteraction.read(body(clickPayload()) + "&" + body(clickPayload())));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "payload=%7B%22type",
        "payload=not+json",
        "payload=%5B%5D",
        "payload=%7B%7D",
        "payload=50%",
        "payload=%7B%22type%22%3A1%7D"
      })
  void read_givesMalformed_forAPayloadThatIsNoInteraction(String rawBody) {
    assertInstanceOf(SlackInteraction.Malformed.class, SlackInteraction.read(rawBody), rawBody);
  }

  @Test
  void read_givesMalformed_namingWhatAClickLacks() throws IOException {
    ObjectNode noActions = clickPayload();
    noActions.putArray("actions");
    assertEquals("payload.actions must hold the one action clicked", problem(noActions));

    ObjectNode twoActions = clickPayload();
    ((com.fasterxml.jackson.databind.node.ArrayNode) twoActions.get("actions"))
        .add(action(clickPayload()));
    assertEquals("payload.actions must hold the one action clicked", problem(twoActions));

    ObjectNode noValue = clickPayload();
    action(noValue).remove("value");
    assertEquals("the approval.approve button's value is not an approval id", problem(noValue));

    ObjectNode badValue = clickPayload();
    action(badValue).put("value", "<@U1> ../x");
    assertEquals("the approval.approve button's value is not an approval id", problem(badValue));

    ObjectNode noUser = clickPayload();
    noUser.remove("user");
    assertEquals("payload.user.id is missing", problem(noUser));

    ObjectNode plainHttp = clickPayload().put("response_url", "http://hooks.slack.com/actions/x");
    assertEquals("payload.response_url is missing or not https", problem(plainHttp));
  }

  private static String problem(JsonNode payload) {
    return assertInstanceOf(SlackInteraction.Malformed.class, SlackInteraction.read(body(payload)))
        .problem();
  }
}
