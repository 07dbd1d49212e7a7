package io.stagecoach.local.eventbridge;

import java.util.List;

/** {@code PutEvents}' answer: one result per entry, in order, each an event id or an error. */
public record PutEventsResult(int failedEntryCount, List<Entry> entries) {

  public PutEventsResult {
    entries = List.copyOf(entries);
  }

  public record Entry(String eventId, String errorCode, String errorMessage) {
    public boolean failed() {
      return errorCode != null;
    }
  }
}
