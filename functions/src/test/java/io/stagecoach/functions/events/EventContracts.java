package io.stagecoach.functions.events;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.stagecoach.functions.support.Json;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reading event details back field by field, and the schemas of {@code events/}: shared by the
 * contract tests.
 */
final class EventContracts {

  private EventContracts() {}

  static JsonNode required(JsonNode detail, String field, Predicate<JsonNode> type) {
    JsonNode value = detail.get(field);
    assertNotNull(value, field + " is in the detail");
    assertTrue(type.test(value), field + " has its type: " + value);
    return value;
  }

  static String text(JsonNode detail, String field) {
    return required(detail, field, JsonNode::isTextual).textValue();
  }

  static Optional<String> optionalText(JsonNode detail, String field) {
    return detail.has(field) ? Optional.of(text(detail, field)) : Optional.empty();
  }

  static <T> T wire(JsonNode detail, String field, Function<String, Optional<T>> fromWire) {
    String value = text(detail, field);
    return fromWire
        .apply(value)
        .orElseThrow(() -> new AssertionError(field + " " + value + " is not a wire name"));
  }

  static JsonNode resource(String path) throws Exception {
    try (InputStream in = EventContracts.class.getResourceAsStream(path)) {
      assertNotNull(in, path + " is packaged with the events module");
      return Json.MAPPER.readTree(in);
    }
  }

  /** {@code Deployment Failed} is described by {@code /schemas/deployment-failed.schema.json}. */
  static JsonSchema schemaOf(String detailType) throws Exception {
    JsonNode schema =
        resource(
            "/schemas/" + detailType.toLowerCase(Locale.ROOT).replace(' ', '-') + ".schema.json");
    assertEquals(detailType, schema.get("title").asText());
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
  }
}
