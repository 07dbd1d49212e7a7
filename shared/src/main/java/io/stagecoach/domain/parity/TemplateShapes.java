package io.stagecoach.domain.parity;

import java.util.Map;
import java.util.Optional;

/**
 * Reads a pinned template's resources (the core takes no JSON library; an adapter reads it). Empty
 * when the body is not a JSON template (a YAML one): its resources are then compared by what the
 * environments recorded, without properties.
 */
public interface TemplateShapes {

  Optional<Map<String, ResourceShape>> resources(String templateBody);
}
