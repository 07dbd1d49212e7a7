package io.stagecoach.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.domain.parity.ResourceShape;
import io.stagecoach.domain.parity.TemplateShapes;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pinned JSON template's resources for a parity compare: each resource's {@code Type} and its
 * {@code Properties} flattened as plans flatten them ({@link ResourceProperties#flatten}). A body
 * that is not a JSON object with a {@code Resources} object (a YAML template) reads as empty.
 */
public final class TemplateResourceShapes implements TemplateShapes {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  public Optional<Map<String, ResourceShape>> resources(String templateBody) {
    JsonNode template;
    try {
      template = MAPPER.readTree(templateBody);
    } catch (JsonProcessingException notJson) {
      return Optional.empty();
    }
    if (template == null || !template.path("Resources").isObject()) {
      return Optional.empty();
    }
    Map<String, ResourceShape> shapes = new TreeMap<>();
    template
        .get("Resources")
        .properties()
        .forEach(
            e ->
                shapes.put(
                    e.getKey(),
                    new ResourceShape(
                        e.getValue().path("Type").asText(""),
                        ResourceProperties.flatten(e.getValue().path("Properties")))));
    return Optional.of(shapes);
  }
}
