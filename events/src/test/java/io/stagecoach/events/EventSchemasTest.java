package io.stagecoach.events;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each sample event satisfies its schema, and the schema refuses a detail with a field dropped or renamed. */
class EventSchemasTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static JsonSchema schema(String name) throws Exception {
    try (InputStream in = EventSchemasTest.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
      assertNotNull(in, name + " schema is packaged");
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(MAPPER.readTree(in));
    }
  }

  static JsonNode sample(String name) throws Exception {
    try (InputStream in = EventSchemasTest.class.getResourceAsStream("/events/stagecoach/" + name + ".json")) {
      return MAPPER.readTree(in);
    }
  }

  @Test
  void releaseRegisteredSample_satisfiesItsSchema() throws Exception {
    JsonNode event = sample("release-registered");
    assertEquals("Release Registered", event.get("detail-type").asText());
    assertEquals(Set.of(), schema("release-registered").validate(event.get("detail")));
  }

  @Test
  void releaseRegisteredSchema_refusesADroppedOrRenamedField() throws Exception {
    JsonSchema schema = schema("release-registered");
    ObjectNode dropped = (ObjectNode) sample("release-registered").get("detail").deepCopy();
    dropped.remove("digest");
    Set<ValidationMessage> missing = schema.validate(dropped);
    assertFalse(missing.isEmpty());
    ObjectNode renamed = (ObjectNode) sample("release-registered").get("detail").deepCopy();
    renamed.set("sha", renamed.remove("digest"));
    assertFalse(schema.validate(renamed).isEmpty());
  }
}
