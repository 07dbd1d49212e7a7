package io.stagecoach.functions.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.functions.support.Json;
import java.util.List;
import java.util.Optional;

/**
 * What Slack posts to the interactivity URL when someone clicks a button: a form body whose one
 * field, {@code payload}, is JSON. Only the Approve and Reject buttons of {@link
 * BlockKit#approvalRequested} and Extend / Destroy of {@link BlockKit#environmentExpiring} are
 * understood; any other interaction is {@link Unsupported}, a body that is not a Slack interaction
 * {@link Malformed}. Reading never throws. See
 * https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
 */
public sealed interface SlackInteraction
    permits ApprovalClick,
        EnvironmentClick,
        SlackInteraction.Unsupported,
        SlackInteraction.Malformed {

  /**
   * A signed interaction Stagecoach has no use for (another payload type, another button). Answer
   * 200.
   */
  record Unsupported(String reason) implements SlackInteraction {}

  /** Not a Slack interaction payload. Answer 400. */
  record Malformed(String problem) implements SlackInteraction {}

  /** The raw form body of an interaction request (after its signature was verified). */
  static SlackInteraction read(String rawBody) {
    return switch (FormFields.decode(rawBody)) {
      case Outcome.Rejected<FormFields> r -> new Malformed(r.rejection().detail());
      case Outcome.Accepted<FormFields> a -> readPayload(a.value());
    };
  }

  private static SlackInteraction readPayload(FormFields form) {
    List<String> payloads = form.all("payload");
    if (payloads.size() != 1) {
      return new Malformed("the body must have exactly one payload field");
    }
    JsonNode payload;
    try {
      payload = Json.parse(payloads.get(0));
    } catch (JsonProcessingException e) {
      return new Malformed("payload is not JSON: " + e.getOriginalMessage());
    }
    if (!payload.isObject()) {
      return new Malformed("payload is not a JSON object");
    }
    String type = text(payload.path("type")).orElse("");
    if (type.isEmpty()) {
      return new Malformed("payload.type is missing");
    }
    if (!type.equals("block_actions")) {
      return new Unsupported("interaction type " + type);
    }
    return readClick(payload);
  }

  private static SlackInteraction readClick(JsonNode payload) {
    JsonNode actions = payload.path("actions");
    if (!actions.isArray() || actions.size() != 1) {
      return new Malformed("payload.actions must hold the one action clicked");
    }
    JsonNode action = actions.get(0);
    String actionId = text(action.path("action_id")).orElse("");
    if (actionId.equals(BlockKit.EXTEND_ACTION) || actionId.equals(BlockKit.DESTROY_ACTION)) {
      return readEnvironmentClick(payload, action, actionId);
    }
    Optional<ApprovalClick.Decision> decision =
        switch (actionId) {
          case BlockKit.APPROVE_ACTION -> Optional.of(ApprovalClick.Decision.APPROVE);
          case BlockKit.REJECT_ACTION -> Optional.of(ApprovalClick.Decision.REJECT);
          default -> Optional.empty();
        };
    if (decision.isEmpty()) {
      return new Unsupported("action " + (actionId.isEmpty() ? "without action_id" : actionId));
    }
    Optional<String> approvalId = text(action.path("value"));
    if (approvalId.isEmpty() || Naming.approvalIdProblem(approvalId.get()).isPresent()) {
      return new Malformed("the " + actionId + " button's value is not an approval id");
    }
    Optional<String> userId = text(payload.path("user").path("id"));
    if (userId.isEmpty()) {
      return new Malformed("payload.user.id is missing");
    }
    Optional<String> responseUrl = text(payload.path("response_url"));
    if (responseUrl.isEmpty() || !responseUrl.get().startsWith("https://")) {
      return new Malformed("payload.response_url is missing or not https");
    }
    return new ApprovalClick(
        approvalId.get(),
        decision.get(),
        userId.get(),
        text(payload.path("user").path("username")),
        text(payload.path("team").path("id")).or(() -> text(payload.path("user").path("team_id"))),
        text(payload.path("channel").path("id"))
            .or(() -> text(payload.path("container").path("channel_id"))),
        text(payload.path("container").path("message_ts")),
        responseUrl.get(),
        text(payload.path("trigger_id")));
  }

  /** A click on Extend 24 h or Destroy now of {@link BlockKit#environmentExpiring}. */
  private static SlackInteraction readEnvironmentClick(
      JsonNode payload, JsonNode action, String actionId) {
    String[] target = text(action.path("value")).orElse("").split("/", -1);
    if (target.length != 2
        || Naming.appNameProblem(target[0]).isPresent()
        || Naming.environmentNameProblem(target[1]).isPresent()) {
      return new Malformed("the " + actionId + " button's value is not app/environment");
    }
    Optional<String> userId = text(payload.path("user").path("id"));
    if (userId.isEmpty()) {
      return new Malformed("payload.user.id is missing");
    }
    Optional<String> responseUrl = text(payload.path("response_url"));
    if (responseUrl.isEmpty() || !responseUrl.get().startsWith("https://")) {
      return new Malformed("payload.response_url is missing or not https");
    }
    return new EnvironmentClick(
        target[0],
        target[1],
        actionId.equals(BlockKit.EXTEND_ACTION)
            ? EnvironmentClick.Choice.EXTEND
            : EnvironmentClick.Choice.DESTROY,
        userId.get(),
        text(payload.path("team").path("id")).or(() -> text(payload.path("user").path("team_id"))),
        responseUrl.get());
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty()
        ? Optional.of(node.asText())
        : Optional.empty();
  }
}
