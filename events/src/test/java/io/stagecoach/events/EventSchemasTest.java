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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each sample event satisfies its schema, and the schema refuses a detail with a field dropped or
 * renamed.
 */
class EventSchemasTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> ENVELOPE =
      List.of(
          "version",
          "id",
          "detail-type",
          "source",
          "account",
          "time",
          "region",
          "resources",
          "detail");

  static JsonSchema schema(String name) throws Exception {
    try (InputStream in =
        EventSchemasTest.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
      assertNotNull(in, name + " schema is packaged");
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(MAPPER.readTree(in));
    }
  }

  static JsonNode schemaDocument(String name) throws Exception {
    try (InputStream in =
        EventSchemasTest.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
      assertNotNull(in, name + " schema is packaged");
      return MAPPER.readTree(in);
    }
  }

  static JsonNode sample(String name) throws Exception {
    try (InputStream in =
        EventSchemasTest.class.getResourceAsStream("/events/stagecoach/" + name + ".json")) {
      assertNotNull(in, name + " sample is packaged");
      return MAPPER.readTree(in);
    }
  }

  /**
   * The schema of a detail-type: {@code Deployment Failed} is {@code
   * deployment-failed.schema.json}.
   */
  static String schemaNameOf(String detailType) {
    return detailType.toLowerCase(Locale.ROOT).replace(' ', '-');
  }

  /**
   * Every sample of a Stagecoach event, by file name without {@code .json}; tests run from the
   * classes folder.
   */
  static Stream<String> samples() throws Exception {
    Path folder = Path.of(EventSchemasTest.class.getResource("/events/stagecoach").toURI());
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  static Stream<String> schemaNames() throws Exception {
    Path folder = Path.of(EventSchemasTest.class.getResource("/schemas").toURI());
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".schema.json"))
          .map(n -> n.substring(0, n.length() - ".schema.json".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everySample_isAStagecoachEnvelope_whoseDetailSatisfiesTheSchemaOfItsDetailType(String name)
      throws Exception {
    JsonNode event = sample(name);
    List<String> fields = new ArrayList<>();
    event.fieldNames().forEachRemaining(fields::add);
    assertEquals(ENVELOPE, fields, "EventBridge envelope fields, in order");
    assertEquals("stagecoach", event.get("source").asText());
    String detailType = event.get("detail-type").asText();
    assertTrue(
        name.startsWith(schemaNameOf(detailType)),
        name + " is named after its detail-type " + detailType);
    String schema = schemaNameOf(detailType);
    assertEquals(detailType, schemaDocument(schema).get("title").asText());
    assertEquals(Set.of(), schema(schema).validate(event.get("detail")));
  }

  @ParameterizedTest
  @MethodSource("schemaNames")
  void everySchema_hasASampleEvent_andDescribesAClosedObject(String schema) throws Exception {
    assertTrue(
        samples().anyMatch(s -> s.equals(schema) || s.startsWith(schema + "-")),
        schema + " has a sample");
    JsonNode document = schemaDocument(schema);
    assertEquals("https://json-schema.org/draft/2020-12/schema", document.get("$schema").asText());
    assertEquals("urn:stagecoach:events:" + schema, document.get("$id").asText());
    assertFalse(
        document.get("additionalProperties").asBoolean(true), schema + " refuses unknown fields");
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

  @Test
  void approvalRequestedSchema_refusesADroppedOrRenamedField_theNotifierReads() throws Exception {
    JsonSchema schema = schema("approval-requested");
    for (String field : List.of("approvalId", "app", "environment", "version")) {
      ObjectNode dropped = (ObjectNode) sample("approval-requested").get("detail").deepCopy();
      dropped.remove(field);
      assertFalse(schema.validate(dropped).isEmpty(), field);
      ObjectNode renamed = (ObjectNode) sample("approval-requested").get("detail").deepCopy();
      renamed.set(field + "Name", renamed.remove(field));
      assertFalse(schema.validate(renamed).isEmpty(), field);
    }
  }
}
