package io.stagecoach.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.eventbridge.LocalEventBridge;
import io.stagecoach.local.eventbridge.PutEventsEntry;
import io.stagecoach.local.eventbridge.PutEventsResult;
import io.stagecoach.local.stepfunctions.StepFunctionsService;
import io.stagecoach.local.stepfunctions.asl.InvalidDefinition;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.local.template.TemplateException;
import java.util.ArrayList;
import java.util.List;

/** The template's state machines, created in the local Step Functions; and its PutEvents bridge. */
final class StateMachines {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StateMachines() {}

  /**
   * Creates (or, after a restart, finds) every {@code AWS::StepFunctions::StateMachine} under the
   * ARN CloudFormation would give it; an invalid definition stops the local cloud naming the
   * resource.
   */
  static List<String> create(CloudTemplate template, StepFunctionsService stepFunctions) {
    List<String> arns = new ArrayList<>();
    for (CloudTemplate.Resource sm : template.ofType("AWS::StepFunctions::StateMachine")) {
      JsonNode definition = template.property(sm, "DefinitionString");
      String text;
      if (definition.isTextual()) {
        text = definition.asText();
      } else if (template.property(sm, "Definition").isObject()) {
        text = template.property(sm, "Definition").toString();
      } else {
        throw new TemplateException(
            "state machine " + sm.logicalId() + " has no Definition or DefinitionString");
      }
      String arn = template.stateMachineArn(sm);
      String name = arn.substring(arn.lastIndexOf(':') + 1);
      try {
        stepFunctions.createOrUpdateStateMachine(
            name, text, template.text(sm, "RoleArn", "arn:aws:iam::000000000000:role/local"));
      } catch (InvalidDefinition e) {
        throw new TemplateException("state machine " + sm.logicalId() + ": " + e.getMessage());
      }
      arns.add(arn);
    }
    return arns;
  }

  /**
   * {@code events:putEvents} from a state machine, answered by the local EventBridge in PutEvents'
   * shape.
   */
  static JsonNode putEvents(LocalEventBridge bus, JsonNode entries) {
    List<PutEventsEntry> list = new ArrayList<>();
    for (JsonNode e : entries) {
      List<String> resources = new ArrayList<>();
      e.path("Resources").forEach(r -> resources.add(r.asText()));
      list.add(
          new PutEventsEntry(
              text(e, "Source"),
              text(e, "DetailType"),
              text(e, "Detail"),
              text(e, "EventBusName"),
              resources,
              null));
    }
    PutEventsResult result = bus.putEvents(list);
    ObjectNode out = MAPPER.createObjectNode();
    out.put("FailedEntryCount", result.failedEntryCount());
    ArrayNode answers = out.putArray("Entries");
    for (PutEventsResult.Entry entry : result.entries()) {
      ObjectNode a = answers.addObject();
      if (entry.failed()) {
        a.put("ErrorCode", entry.errorCode()).put("ErrorMessage", entry.errorMessage());
      } else {
        a.put("EventId", entry.eventId());
      }
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
