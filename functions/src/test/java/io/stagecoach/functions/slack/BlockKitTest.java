package io.stagecoach.functions.slack;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.functions.slack.ApprovalClick.Decision;
import io.stagecoach.functions.support.Json;
import io.stagecoach.testing.Plans;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlockKitTest {

  static final BlockKit.Approval APPROVAL =
      new BlockKit.Approval(
          "apr-01JD5K8Z3Q",
          "payments",
          "1.4.2",
          "prod",
          "alice@example.com",
          Optional.of("fixes the refund bug"));

  private static List<String> types(JsonNode blocks) {
    List<String> types = new ArrayList<>();
    blocks.forEach(b -> types.add(b.get("type").asText()));
    return types;
  }

  @Test
  void approvalRequested_isASectionAContextAndTwoButtonsCarryingTheApprovalId() throws Exception {
    ObjectNode message = BlockKit.approvalRequested(APPROVAL);

    assertEquals("Approval requested: payments 1.4.2 to prod", message.get("text").asText());
    JsonNode blocks = message.get("blocks");
    assertEquals(List.of("section", "context", "actions"), types(blocks));
    assertEquals("mrkdwn", blocks.get(0).get("text").get("type").asText());
    assertEquals(
        "*Approval requested*\nPromote *payments* `1.4.2` to *prod*",
        blocks.get(0).get("text").get("text").asText());
    assertEquals(
        "Requested by alice@example.com: fixes the refund bug · approval apr-01JD5K8Z3Q",
        blocks.get(1).get("elements").get(0).get("text").asText());

    JsonNode approve = blocks.get(2).get("elements").get(0);
    JsonNode reject = blocks.get(2).get("elements").get(1);
    assertEquals(2, blocks.get(2).get("elements").size());
    assertEquals(
        Json.parse(
            "{\"type\":\"button\",\"action_id\":\"approval.approve\","
                + "\"text\":{\"type\":\"plain_text\",\"text\":\"Approve\"},\"style\":\"primary\",\"value\":\"apr-01JD5K8Z3Q\"}"),
        approve);
    assertEquals(
        Json.parse(
            "{\"type\":\"button\",\"action_id\":\"approval.reject\","
                + "\"text\":{\"type\":\"plain_text\",\"text\":\"Reject\"},\"style\":\"danger\",\"value\":\"apr-01JD5K8Z3Q\"}"),
        reject);
  }

  @Test
  void approvalRequested_withAPlan_showsItsChanges_blastRadius_andCost_beforeTheButtons() {
    Plan plan = Plans.ledgerReplaced("[]");

    JsonNode blocks =
        BlockKit.approvalRequested(
                APPROVAL,
                new BlockKit.PlanShown.Shown(plan),
                Optional.of("http://127.0.0.1:4566/v1/approvals/apr-01JD5K8Z3Q"))
            .get("blocks");

    assertEquals(
        List.of("section", "section", "section", "section", "context", "context", "actions"),
        types(blocks));
    assertEquals(
        "*Plan*: 1 to add, 0 to change, 1 to replace, 0 to remove; 1 parameters change\n"
            + "• `-/+` *Ledger* AWS::DynamoDB::Table: TableName requires recreation"
            + " · _data loss possible_\n"
            + "• `+` *Queue* AWS::SQS::Queue",
        blocks.get(1).at("/text/text").asText());
    String radius = blocks.get(2).at("/text/text").asText();
    assertTrue(radius.startsWith("*Blast radius: HIGH*\n• Ledger (AWS::DynamoDB::Table)"), radius);
    String cost = blocks.get(3).at("/text/text").asText();
    assertTrue(cost.startsWith("*Cost*: USD 0.44 → 0.56 a month (+0.12)"), cost);
    assertTrue(cost.contains(plan.cost().orElseThrow().prices().date()), cost);
    assertEquals(
        "Full plan: <http://127.0.0.1:4566/v1/approvals/apr-01JD5K8Z3Q|approval apr-01JD5K8Z3Q>"
            + " · `stagecoach approvals get apr-01JD5K8Z3Q`",
        blocks.get(4).at("/elements/0/text").asText());
  }

  @Test
  void aLongPlan_listsItsFirstResources_andHowManyMore() {
    List<ResourceChange> many = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      many.add(
          new ResourceChange(
              "Fn" + i, "AWS::Lambda::Function", ResourceChange.Action.ADD, false, true));
    }

    String text =
        BlockKit.approvalRequested(
                APPROVAL, new BlockKit.PlanShown.Shown(new Plan(many)), Optional.empty())
            .get("blocks")
            .get(1)
            .at("/text/text")
            .asText();

    assertEquals(BlockKit.MAX_PLAN_LINES, text.split("\n• ").length - 1, text);
    assertTrue(text.endsWith("… and 4 more"), text);
  }

  @Test
  void approvalRequested_leavesOutTheReason_whenThereIsNone() {
    ObjectNode message =
        BlockKit.approvalRequested(
            new BlockKit.Approval(
                "apr-1", "payments", "1.4.2", "prod", "alice@example.com", Optional.empty()));
    assertEquals(
        "Requested by alice@example.com · approval apr-1",
        message.get("blocks").get(1).get("elements").get(0).get("text").asText());
  }

  @Test
  void approvalDecided_replacesTheRequestWithoutButtons_sayingWhoDecided() {
    ObjectNode approved =
        BlockKit.approvalDecided(APPROVAL, Decision.APPROVE, "U04APPROVER", Optional.of("go"));
    assertTrue(approved.get("replace_original").asBoolean());
    assertEquals("Approved: payments 1.4.2 to prod", approved.get("text").asText());
    assertEquals(List.of("section", "context"), types(approved.get("blocks")));
    assertEquals(
        "*Approved* by <@U04APPROVER>\nPromote *payments* `1.4.2` to *prod*",
        approved.get("blocks").get(0).get("text").get("text").asText());
    assertEquals(
        "Requested by alice@example.com · comment: go · approval apr-01JD5K8Z3Q",
        approved.get("blocks").get(1).get("elements").get(0).get("text").asText());
    assertFalse(
        Json.write(approved).contains(BlockKit.APPROVE_ACTION), "no button is left to click");

    ObjectNode rejected =
        BlockKit.approvalDecided(APPROVAL, Decision.REJECT, "U04APPROVER", Optional.empty());
    assertEquals("Rejected: payments 1.4.2 to prod", rejected.get("text").asText());
    assertTrue(
        rejected
            .get("blocks")
            .get(0)
            .get("text")
            .get("text")
            .asText()
            .startsWith("*Rejected* by <@U04APPROVER>"));
  }

  @Test
  void freeText_isEscaped_soItCannotMentionChannelsOrForgeLinks() {
    BlockKit.Approval sneaky =
        new BlockKit.Approval(
            "apr-1",
            "payments",
            "1.4.2",
            "prod",
            "<!channel> & co",
            Optional.of("see <https://evil.example|docs>"));
    String context =
        BlockKit.approvalRequested(sneaky)
            .get("blocks")
            .get(1)
            .get("elements")
            .get(0)
            .get("text")
            .asText();
    assertEquals(
        "Requested by &lt;!channel&gt; &amp; co: see &lt;https://evil.example|docs&gt; · approval apr-1",
        context);
    String decided =
        Json.write(
            BlockKit.approvalDecided(sneaky, Decision.REJECT, "U1>", Optional.of("<!here>")));
    assertFalse(
        decided.contains("<!here>") || decided.contains("<!channel>") || decided.contains("U1>"),
        decided);
  }

  @Test
  void longFreeText_isClipped_farBelowSlacksSectionLimit() {
    String comment = "x".repeat(5000);
    String context =
        BlockKit.approvalDecided(APPROVAL, Decision.APPROVE, "U1", Optional.of(comment))
            .get("blocks")
            .get(1)
            .get("elements")
            .get(0)
            .get("text")
            .asText();
    assertTrue(context.length() < 3000, "length " + context.length());
    assertTrue(context.contains("x".repeat(500) + "…"));
    assertFalse(context.contains("x".repeat(501)));
  }
}
