package io.stagecoach.local.eventbridge;

import java.time.Instant;
import java.util.List;

/**
 * One entry of {@code PutEvents}, as the API takes it: {@code detail} is the JSON text of an
 * object; {@code eventBusName} is a name or an ARN (null for {@code default}); {@code time} null
 * means now.
 */
public record PutEventsEntry(
    String source,
    String detailType,
    String detail,
    String eventBusName,
    List<String> resources,
    Instant time) {

  public PutEventsEntry {
    resources = resources == null ? List.of() : List.copyOf(resources);
  }

  public static PutEventsEntry of(String source, String detailType, String detail) {
    return new PutEventsEntry(source, detailType, detail, null, List.of(), null);
  }

  public PutEventsEntry onBus(String bus) {
    return new PutEventsEntry(source, detailType, detail, bus, resources, time);
  }
}
