package io.stagecoach.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Target input as the EventBridge user guide's input-transformer examples describe it. */
class TargetInputTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String EVENT =
      """
      {"version":"0","id":"7bf73129","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2",\
      "account":"000000000000","time":"2026-11-22T12:00:00Z","region":"us-east-1","resources":["arn:a"],\
      "detail":{"instance-id":"i-0123","state":"running","tags":{"env":"dev"},"count":2,"quote":"say \\"hi\\""}}""";
  private static final TargetInput.Rule RULE =
      new TargetInput.Rule("on-ec2", "arn:aws:events:us-east-1:000000000000:rule/on-ec2");

  private static String render(TargetInput input) throws Exception {
    JsonNode event = MAPPER.readTree(EVENT);
    return input.render(event, EVENT, RULE);
  }

  private static TargetInput.Transformer transformer(String template) {
    Map<String, JsonPath> paths = new LinkedHashMap<>();
    paths.put("instance", JsonPath.parse("$.detail.instance-id"));
    paths.put("state", JsonPath.parse("$.detail.state"));
    paths.put("tags", JsonPath.parse("$.detail.tags"));
    paths.put("count", JsonPath.parse("$.detail.count"));
    paths.put("quote", JsonPath.parse("$.detail.quote"));
    paths.put("missing", JsonPath.parse("$.detail.nope"));
    paths.put("firstResource", JsonPath.parse("$.resources[0]"));
    return new TargetInput.Transformer(paths, template);
  }

  @Test
  void byDefault_theTargetGetsTheWholeEvent() throws Exception {
    assertEquals(EVENT, render(new TargetInput.WholeEvent()));
  }

  @Test
  void constantInput_replacesTheEvent() throws Exception {
    assertEquals("{\"reap\":true}", render(new TargetInput.Constant("{\"reap\":true}")));
  }

  @Test
  void inputPath_givesThePartOfTheEventItSelects() throws Exception {
    assertEquals(
        "{\"env\":\"dev\"}", render(new TargetInput.Path(JsonPath.parse("$.detail.tags"))));
    assertEquals("\"running\"", render(new TargetInput.Path(JsonPath.parse("$.detail['state']"))));
    assertEquals("\"arn:a\"", render(new TargetInput.Path(JsonPath.parse("$.resources[0]"))));
  }

  @Test
  void transformer_putsValuesAsText_insideAQuotedTemplate() throws Exception {
    assertEquals(
        "\"i-0123 is in state running\"",
        render(transformer("\"<instance> is in state <state>\"")));
  }

  @Test
  void transformer_putsValuesAsJson_outsideStrings_andAsEscapedText_insideThem() throws Exception {
    String out =
        render(
            transformer(
                "{\"instance\": <instance>, \"state\": [9, <state>, true], \"text\": \"state <state> x<count>\", "
                    + "\"tags\": <tags>, \"count\": <count>, \"q\": \"<quote>\", \"m\": <missing>, \"r\": <firstResource>}"));
    JsonNode json = MAPPER.readTree(out);
    assertEquals("i-0123", json.get("instance").asText());
    assertEquals("[9,\"running\",true]", json.get("state").toString());
    assertEquals("state running x2", json.get("text").asText());
    assertEquals("{\"env\":\"dev\"}", json.get("tags").toString());
    assertEquals(2, json.get("count").asInt());
    assertEquals("say \"hi\"", json.get("q").asText());
    assertEquals(true, json.get("m").isNull());
    assertEquals("arn:a", json.get("r").asText());
  }

  @Test
  void transformer_knowsThePredefinedVariables() throws Exception {
    JsonNode json =
        MAPPER.readTree(
            render(
                transformer(
                    "{\"rule\": <aws.events.rule-name>, \"arn\": \"<aws.events.rule-arn>\", \"at\": <aws.events.event.ingestion-time>,"
                        + " \"original\": <aws.events.event>}")));
    assertEquals("on-ec2", json.get("rule").asText());
    assertEquals(RULE.arn(), json.get("arn").asText());
    assertEquals("2026-11-22T12:00:00Z", json.get("at").asText());
    assertEquals(MAPPER.readTree(EVENT), json.get("original"));
  }

  @Test
  void transformer_refusesReservedVariableNames_andUnsupportedPaths() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TargetInput.Transformer(
                Map.of("aws.events.mine", JsonPath.parse("$.id")), "<aws.events.mine>"));
    assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("$.detail[*]"));
    assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("detail.id"));
    assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("$..id"));
  }
}
