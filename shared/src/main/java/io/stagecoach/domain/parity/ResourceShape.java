package io.stagecoach.domain.parity;

import java.util.Map;
import java.util.TreeMap;

/**
 * A resource as a template declares it: its type and its properties flattened to paths ({@code
 * KeySchema.0.AttributeName}), each value as text (an intrinsic function such as {@code {"Ref":
 * ...}} kept whole, unresolved).
 */
public record ResourceShape(String type, Map<String, String> properties) {

  public ResourceShape {
    properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
  }
}
