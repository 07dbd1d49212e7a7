package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.plan.BlastRadius;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PlanSummary;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.functions.support.Json;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The Slack messages Stagecoach posts about approvals, as Block Kit JSON
 * (https://docs.slack.dev/reference/block-kit/blocks).
 *
 * <p>Button convention: the request carries two buttons, {@value #APPROVE_ACTION} and {@value
 * #REJECT_ACTION} ({@code action_id}), both with the approval id as {@code value}. The decision
 * comes from the {@code action_id} only, the approval from the {@code value} only; {@link
 * SlackInteraction#read} reads them back into an {@link ApprovalClick}.
 */
public final class BlockKit {

  public static final String APPROVE_ACTION = "approval.approve";
  public static final String REJECT_ACTION = "approval.reject";

  // Slack refuses section text over 3000 characters; free text (reasons, comments) is clipped well
  // below.
  private static final int MAX_FREE_TEXT = 500;

  private BlockKit() {}

  /** What an approval is about, as the messages show it. */
  public record Approval(
      String approvalId,
      String app,
      String version,
      String environment,
      String requestedBy,
      Optional<String> reason) {}

  /** The plan an approval request shows, or why it has none. */
  public sealed interface PlanShown {
    record Shown(Plan plan) implements PlanShown {}

    record Unavailable(String reason) implements PlanShown {}
  }

  /** Resource lines a message lists before it says how many more there are. */
  static final int MAX_PLAN_LINES = 8;

  /**
   * The "Approval requested" message without a plan: what is to be promoted, by whom, and Approve /
   * Reject buttons.
   */
  public static ObjectNode approvalRequested(Approval approval) {
    return approvalRequested(approval, Optional.empty(), Optional.empty());
  }

  /**
   * The "Approval requested" message: what is to be promoted, by whom; the plan's summary (its
   * counts and first resources, with why each replacement happens), its blast radius level and
   * reasons, and the cost delta; a link to the full plan ({@code planUrl}) and the CLI command that
   * shows it; and Approve / Reject buttons.
   */
  public static ObjectNode approvalRequested(
      Approval approval, PlanShown plan, Optional<String> planUrl) {
    return approvalRequested(approval, Optional.of(plan), planUrl);
  }

  private static ObjectNode approvalRequested(
      Approval approval, Optional<PlanShown> plan, Optional<String> planUrl) {
    ObjectNode message = Json.object();
    message.put("text", "Approval requested: " + subject(approval));
    ArrayNode blocks = message.putArray("blocks");
    blocks.add(section("*Approval requested*\n" + promotion(approval)));
    if (plan.isPresent()) {
      switch (plan.get()) {
        case PlanShown.Shown shown -> planBlocks(blocks, shown.plan());
        case PlanShown.Unavailable none ->
            blocks.add(section("*Plan unavailable*: " + escape(clip(none.reason()))));
      }
      blocks.add(
          context(
              planUrl
                      .map(
                          url ->
                              "Full plan: <"
                                  + url
                                  + "|approval "
                                  + escape(approval.approvalId())
                                  + ">")
                      .orElse("Full plan")
                  + " · `stagecoach approvals get "
                  + escape(approval.approvalId())
                  + "`"));
    }
    blocks.add(
        context(
            "Requested by "
                + escape(approval.requestedBy())
                + approval.reason().map(r -> ": " + escape(clip(r))).orElse("")
                + " · approval "
                + escape(approval.approvalId())));
    ObjectNode actions = blocks.addObject().put("type", "actions");
    ArrayNode buttons = actions.putArray("elements");
    buttons.add(button(APPROVE_ACTION, "Approve", "primary", approval.approvalId()));
    buttons.add(button(REJECT_ACTION, "Reject", "danger", approval.approvalId()));
    return message;
  }

  /**
   * The request once decided, without buttons, saying who decided: the body to post to the click's
   * {@code response_url}, replacing the original message so nobody clicks twice.
   */
  public static ObjectNode approvalDecided(
      Approval approval,
      ApprovalClick.Decision decision,
      String slackUserId,
      Optional<String> comment) {
    String verdict = decision == ApprovalClick.Decision.APPROVE ? "Approved" : "Rejected";
    ObjectNode message = Json.object();
    message.put("replace_original", true);
    message.put("text", verdict + ": " + subject(approval));
    ArrayNode blocks = message.putArray("blocks");
    blocks.add(
        section("*" + verdict + "* by <@" + escape(slackUserId) + ">\n" + promotion(approval)));
    blocks.add(
        context(
            "Requested by "
                + escape(approval.requestedBy())
                + comment.map(c -> " · comment: " + escape(clip(c))).orElse("")
                + " · approval "
                + escape(approval.approvalId())));
    return message;
  }

  /** The plan's sections: what changes, the blast radius, the cost. */
  private static void planBlocks(ArrayNode blocks, Plan plan) {
    PlanSummary counts = plan.summary();
    StringBuilder changes =
        new StringBuilder("*Plan*: ")
            .append(counts.adds())
            .append(" to add, ")
            .append(counts.modifies())
            .append(" to change, ")
            .append(counts.replacements())
            .append(" to replace, ")
            .append(counts.removes())
            .append(" to remove");
    if (!plan.parameters().isEmpty()) {
      changes.append("; ").append(plan.parameters().size()).append(" parameters change");
    }
    int shown = 0;
    for (ResourceChange c : plan.changes()) {
      if (shown == MAX_PLAN_LINES) {
        changes.append("\n… and ").append(plan.changes().size() - shown).append(" more");
        break;
      }
      changes
          .append("\n• `")
          .append(sign(c.action()))
          .append("` *")
          .append(escape(c.logicalId()))
          .append("* ")
          .append(escape(c.type()));
      if (!c.properties().isEmpty() && c.action() == ResourceChange.Action.MODIFY) {
        changes.append(": ").append(escape(clip(paths(c))));
      }
      c.replacementReason().ifPresent(r -> changes.append(": ").append(escape(clip(r))));
      if (c.deletesCurrentResource() && BlastRadius.DATA_BEARING_TYPES.contains(c.type())) {
        changes.append(" · _data loss possible_");
      }
      shown++;
    }
    blocks.add(section(fit(changes.toString())));
    plan.blastRadius()
        .ifPresent(
            b -> {
              StringBuilder text =
                  new StringBuilder("*Blast radius: ")
                      .append(b.level().wireName().toUpperCase(java.util.Locale.ROOT))
                      .append("*");
              b.reasons().forEach(r -> text.append("\n• ").append(escape(clip(r))));
              blocks.add(section(fit(text.toString())));
            });
    plan.cost()
        .ifPresent(
            c -> {
              StringBuilder text =
                  new StringBuilder("*Cost*: ")
                      .append(c.currency())
                      .append(" ")
                      .append(c.monthlyBefore().toPlainString())
                      .append(" → ")
                      .append(c.monthlyAfter().toPlainString())
                      .append(" a month (")
                      .append(signed(c.delta()))
                      .append(")");
              if (!c.notEstimated().isEmpty()) {
                text.append("; ")
                    .append(c.notEstimated().size())
                    .append(c.notEstimated().size() == 1 ? " resource" : " resources")
                    .append(" not estimated");
              }
              text.append("\n_")
                  .append(escape(c.prices().source()))
                  .append(", ")
                  .append(escape(c.prices().date()))
                  .append("_");
              blocks.add(section(fit(text.toString())));
            });
  }

  /** {@code +}, {@code ~}, {@code -/+}, {@code -}: the plan's signs, as the CLI shows them. */
  static String sign(ResourceChange.Action action) {
    return switch (action) {
      case ADD -> "+";
      case MODIFY -> "~";
      case REPLACE -> "-/+";
      case REMOVE -> "-";
    };
  }

  private static String paths(ResourceChange c) {
    return String.join(", ", c.properties().stream().map(p -> p.path()).toList());
  }

  /** {@code +2.66}, {@code -1.00}, {@code 0.00}. */
  static String signed(BigDecimal delta) {
    return (delta.signum() > 0 ? "+" : "") + delta.toPlainString();
  }

  /** Slack refuses a section's text over 3000 characters. */
  private static String fit(String mrkdwn) {
    return mrkdwn.length() <= 2900 ? mrkdwn : mrkdwn.substring(0, 2899) + "…";
  }

  public static final String EXTEND_ACTION = "environment.extend";
  public static final String DESTROY_ACTION = "environment.destroy";

  /** The extension the Extend button asks for. */
  public static final java.time.Duration EXTEND_BY = java.time.Duration.ofHours(24);

  /** An ephemeral environment about to expire, as the warning shows it. */
  public record Expiring(
      String app,
      String environment,
      String owner,
      java.time.Instant expiresAt,
      java.time.Duration leadTime) {

    /** {@code app/environment}: the buttons' value. */
    public String target() {
      return app + "/" + environment;
    }
  }

  /**
   * The warning that an ephemeral environment expires soon, with "Extend 24 h" ({@value
   * #EXTEND_ACTION}) and "Destroy now" ({@value #DESTROY_ACTION}) buttons whose value is {@code
   * app/environment}; the clicks go through the same extend and destroy use cases as the API.
   */
  public static ObjectNode environmentExpiring(Expiring e) {
    ObjectNode message = Json.object();
    String subject = escape(e.app() + "/" + e.environment());
    message.put("text", "Environment " + subject + " expires at " + e.expiresAt());
    ArrayNode blocks = message.putArray("blocks");
    blocks.add(
        section(
            "*Environment expiring*\n*"
                + subject
                + "* expires at "
                + e.expiresAt()
                + " (within "
                + (e.leadTime().toMinutesPart() == 0
                    ? e.leadTime().toHours() + " h"
                    : e.leadTime().toMinutes() + " min")
                + "); the reaper destroys it then."));
    blocks.add(context("Owner " + escape(e.owner()) + " · extend it or destroy it now"));
    ObjectNode actions = blocks.addObject().put("type", "actions");
    ArrayNode buttons = actions.putArray("elements");
    buttons.add(button(EXTEND_ACTION, "Extend 24 h", "primary", e.target()));
    buttons.add(button(DESTROY_ACTION, "Destroy now", "danger", e.target()));
    return message;
  }

  /**
   * A break-glass, asked for or confirmed ({@code detail} as its event carries it): who, why, which
   * gates, and for a request how to confirm it and until when.
   */
  public static ObjectNode breakGlass(
      com.fasterxml.jackson.databind.JsonNode detail, boolean confirmed) {
    String id = detail.path("breakGlassId").asText();
    String subject =
        escape(detail.path("app").asText() + "/" + detail.path("environment").asText());
    String action = detail.path("action").asText();
    boolean promote = action.equals("promote");
    java.util.List<String> stages = new java.util.ArrayList<>();
    // A promotion's names each gate with its stage: the freeze of payments/staging and ...
    java.util.List<String> past = new java.util.ArrayList<>();
    if (promote) {
      for (com.fasterxml.jackson.databind.JsonNode st : detail.path("stages")) {
        String stage = escape(detail.path("app").asText() + "/" + st.path("environment").asText());
        stages.add(stage);
        st.path("gates").forEach(g -> past.add("the " + escape(g.asText()) + " of " + stage));
      }
    } else {
      java.util.List<String> gates = new java.util.ArrayList<>();
      detail.path("gates").forEach(g -> gates.add(escape(g.asText())));
      past.add("the " + String.join(" and ", gates));
    }
    String what =
        switch (action) {
          case "deploy" -> "deploy " + escape(detail.path("version").asText()) + " into " + subject;
          case "promote" ->
              "promote "
                  + escape(detail.path("version").asText())
                  + " through "
                  + String.join(", ", stages);
          default -> "destroy " + subject;
        };
    String made =
        promote
            ? "promotion " + escape(detail.path("promotionId").asText())
            : "deployment " + escape(detail.path("deploymentId").asText());
    String text =
        confirmed
            ? "Break-glass "
                + escape(id)
                + " confirmed by "
                + escape(detail.path("confirmedBy").asText())
                + ": "
                + what
                + " past "
                + String.join(" and ", past)
                + " (asked by "
                + escape(detail.path("requestedBy").asText())
                + ": "
                + escape(detail.path("reason").asText())
                + "; "
                + made
                + ")"
            : "Break-glass "
                + escape(id)
                + " asked by "
                + escape(detail.path("requestedBy").asText())
                + ": "
                + what
                + " past "
                + String.join(" and ", past)
                + " ("
                + escape(detail.path("reason").asText())
                + "). A second admin confirms it with POST /v1/break-glass/"
                + escape(id)
                + " before "
                + escape(detail.path("expiresAt").asText());
    ObjectNode message = Json.object();
    message.put("text", text);
    message.putArray("blocks").add(section("*Break-glass*\n" + text));
    return message;
  }

  /**
   * {@code Drift Detected} (which resources were deleted or changed, and how) or {@code Drift
   * Resolved}, for the app's channel.
   */
  public static ObjectNode drift(com.fasterxml.jackson.databind.JsonNode detail, boolean resolved) {
    String subject =
        escape(detail.path("app").asText() + "/" + detail.path("environment").asText());
    java.util.List<String> lines = new java.util.ArrayList<>();
    com.fasterxml.jackson.databind.JsonNode resources =
        resolved ? detail.path("previous").path("resources") : detail.path("resources");
    for (com.fasterxml.jackson.databind.JsonNode r : resources) {
      StringBuilder line =
          new StringBuilder("• ")
              .append(escape(r.path("logicalId").asText()))
              .append(" (")
              .append(escape(r.path("type").asText()))
              .append(") ")
              .append(escape(r.path("difference").asText()));
      for (com.fasterxml.jackson.databind.JsonNode p : r.path("properties")) {
        line.append("; ")
            .append(escape(p.path("path").asText()))
            .append(": ")
            .append(escape(p.path("expected").asText("(none)")))
            .append(" → ")
            .append(escape(p.path("actual").asText("(none)")));
      }
      lines.add(line.toString());
    }
    String text =
        resolved
            ? "Drift resolved: "
                + subject
                + " matches its last deployment again (checked at "
                + escape(detail.path("checkedAt").asText())
                + "); it had drifted in "
                + resources.size()
                + (resources.size() == 1 ? " resource" : " resources")
            : "Drift detected: "
                + subject
                + " no longer matches its last deployment (checked at "
                + escape(detail.path("checkedAt").asText())
                + "): "
                + resources.size()
                + (resources.size() == 1 ? " resource differs" : " resources differ")
                + ". Redeploying the release it runs repairs it.";
    ObjectNode message = Json.object();
    message.put("text", text);
    ArrayNode blocks = message.putArray("blocks");
    blocks.add(section(fit("*" + (resolved ? "Drift resolved" : "Drift detected") + "*\n" + text)));
    if (!lines.isEmpty()) {
      blocks.add(section(fit(String.join("\n", lines))));
    }
    return message;
  }

  /**
   * The warning once acted on, without buttons, saying who did what: the body to post to the
   * click's {@code response_url}, replacing the warning.
   */
  public static ObjectNode environmentActedOn(String slackUserId, String outcome) {
    ObjectNode message = Json.object();
    message.put("replace_original", true);
    message.put("text", outcome);
    message.putArray("blocks").add(section(escape(outcome) + " (<@" + escape(slackUserId) + ">)"));
    return message;
  }

  /**
   * {@code text} safe inside Slack mrkdwn: Slack reads {@code &}, {@code <} and {@code >} as markup
   * (https://docs.slack.dev/messaging/formatting-message-text#escaping).
   */
  public static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String subject(Approval approval) {
    return escape(approval.app() + " " + approval.version() + " to " + approval.environment());
  }

  private static String promotion(Approval approval) {
    return "Promote *"
        + escape(approval.app())
        + "* `"
        + escape(approval.version())
        + "` to *"
        + escape(approval.environment())
        + "*";
  }

  private static String clip(String text) {
    if (text.length() <= MAX_FREE_TEXT) {
      return text;
    }
    int end =
        Character.isHighSurrogate(text.charAt(MAX_FREE_TEXT - 1))
            ? MAX_FREE_TEXT - 1
            : MAX_FREE_TEXT;
    return text.substring(0, end) + "…";
  }

  private static ObjectNode section(String mrkdwn) {
    ObjectNode section = Json.object().put("type", "section");
    section.putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
    return section;
  }

  private static ObjectNode context(String mrkdwn) {
    ObjectNode context = Json.object().put("type", "context");
    context.putArray("elements").addObject().put("type", "mrkdwn").put("text", mrkdwn);
    return context;
  }

  private static ObjectNode button(String actionId, String label, String style, String value) {
    ObjectNode button = Json.object().put("type", "button").put("action_id", actionId);
    button.putObject("text").put("type", "plain_text").put("text", label);
    return button.put("style", style).put("value", value);
  }
}
