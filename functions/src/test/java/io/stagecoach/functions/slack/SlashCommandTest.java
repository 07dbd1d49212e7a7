package io.stagecoach.functions.slack;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.domain.chat.ChatCommand;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.testing.Conformance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SlashCommandTest {

  private static final String BODY =
      "team_id=T0001&team_domain=example&channel_id=C2147483705&channel_name=test"
          + "&user_id=U2147483697&user_name=Steve&command=%2Fstagecoach&text=deploy+payments+1.4.2+to+staging"
          + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=13345224609.738474920.8088930838d88f008e0";

  static Stream<Arguments> recordedPayloads() throws Exception {
    JsonNode payloads =
        new ObjectMapper()
            .readTree(Conformance.folder("slack").resolve("slash-command-payloads.json").toFile())
            .get("payloads");
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode p : payloads) {
      cases.add(Arguments.of(p.get("name").asText(), p));
    }
    assertEquals(2, cases.size());
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordedPayloads")
  void formDecoding_givesExactlyTheRecordedFields(String name, JsonNode payload) {
    FormFields form =
        switch (FormFields.decode(payload.get("body").asText())) {
          case Outcome.Accepted<FormFields> a -> a.value();
          case Outcome.Rejected<FormFields> r -> fail("refused: " + r.rejection());
        };
    Map<String, JsonNode> expected = new java.util.LinkedHashMap<>();
    payload.get("decodedFields").properties().forEach(e -> expected.put(e.getKey(), e.getValue()));
    assertEquals(expected.keySet(), form.values().keySet(), name);
    expected.forEach(
        (field, value) ->
            assertEquals(List.of(value.asText()), form.all(field), name + " " + field));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordedPayloads")
  void parse_readsEveryRecordedPayloadIntoACommand(String name, JsonNode payload) {
    JsonNode fields = payload.get("decodedFields");
    SlashCommand command = accepted(SlashCommand.parse(payload.get("body").asText()));
    assertEquals(fields.get("team_id").asText(), command.teamId());
    assertEquals(fields.get("channel_id").asText(), command.channelId());
    assertEquals(fields.get("user_id").asText(), command.userId());
    assertEquals(Optional.of(fields.get("user_name").asText()), command.userName());
    assertEquals(fields.get("command").asText(), command.command());
    assertEquals(fields.get("text").asText(), command.text());
    assertEquals(fields.get("response_url").asText(), command.responseUrl());
    assertEquals(fields.get("trigger_id").asText(), command.triggerId());
    assertEquals(
        Optional.ofNullable(fields.get("enterprise_id")).map(JsonNode::asText),
        command.enterpriseId());
    assertEquals(
        Optional.ofNullable(fields.get("api_app_id")).map(JsonNode::asText), command.apiAppId());
  }

  @Test
  void parse_givesTheChatCommandInItsText() {
    SlashCommand command = accepted(SlashCommand.parse(BODY));
    assertEquals("/stagecoach", command.command());
    assertEquals(new ChatCommand.Deploy("payments", "staging", "1.4.2"), command.chatCommand());
  }

  @Test
  void parse_givesHelp_whenTheTextIsEmptyOrAbsent() {
    assertEquals(
        new ChatCommand.Help(),
        accepted(SlashCommand.parse(BODY.replace("deploy+payments+1.4.2+to+staging", "")))
            .chatCommand());
    assertEquals(
        "",
        accepted(SlashCommand.parse(BODY.replace("&text=deploy+payments+1.4.2+to+staging", "")))
            .text());
  }

  @Test
  void parse_refusesABodyWithoutTheFieldsEveryCommandHas_namingEach() {
    Rejection rejection = rejected(SlashCommand.parse("text=help&user_id=&command=%2Fstagecoach"));
    List<String> fields = rejection.errors().stream().map(FieldError::field).toList();
    assertEquals(List.of("team_id", "channel_id", "user_id", "response_url", "trigger_id"), fields);
  }

  @Test
  void parse_refusesARepeatedField_ratherThanGuessWhichToBelieve() {
    Rejection rejection = rejected(SlashCommand.parse(BODY + "&user_id=U0ATTACKER"));
    assertEquals(List.of(new FieldError("user_id", "must appear once")), rejection.errors());
  }

  @Test
  void parse_refusesAResponseUrlThatIsNotHttps() {
    Rejection rejection = rejected(SlashCommand.parse(BODY.replace("https%3A", "http%3A")));
    assertEquals("response_url", rejection.errors().get(0).field());
  }

  @Test
  void parse_refusesMalformedPercentEncoding_asAValue() {
    Rejection rejection = rejected(SlashCommand.parse(BODY + "&text2=50%"));
    assertEquals("body", rejection.errors().get(0).field());
  }

  private static SlashCommand accepted(Outcome<SlashCommand> outcome) {
    return switch (outcome) {
      case Outcome.Accepted<SlashCommand> a -> a.value();
      case Outcome.Rejected<SlashCommand> r -> fail("refused: " + r.rejection());
    };
  }

  private static Rejection rejected(Outcome<SlashCommand> outcome) {
    return switch (outcome) {
      case Outcome.Accepted<SlashCommand> a -> fail("accepted: " + a.value());
      case Outcome.Rejected<SlashCommand> r -> r.rejection();
    };
  }
}
