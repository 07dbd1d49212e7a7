package io.stagecoach.local;

import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.functions.events.EventDetails;
import io.stagecoach.functions.support.Json;
import io.stagecoach.local.eventbridge.LocalEventBridge;
import io.stagecoach.local.eventbridge.PutEventsEntry;
import io.stagecoach.local.eventbridge.PutEventsResult;
import java.util.List;

/**
 * Puts Stagecoach events on the local bus from inside the local cloud, in the shape the functions'
 * publisher sends them over the wire.
 */
final class LocalBusPublisher implements EventPublisher {

  private final LocalEventBridge bus;
  private final String busName;

  LocalBusPublisher(LocalEventBridge bus, String busName) {
    this.bus = bus;
    this.busName = busName;
  }

  @Override
  public void publish(StagecoachEvent event) {
    PutEventsResult result =
        bus.putEvents(
            List.of(
                new PutEventsEntry(
                    EventDetails.SOURCE,
                    event.detailType(),
                    Json.write(EventDetails.detail(event)),
                    busName,
                    List.of(),
                    null)));
    if (result.failedEntryCount() > 0) {
      PutEventsResult.Entry failed = result.entries().get(0);
      throw new EventNotPublishedException(
          event.detailType()
              + " was refused by the local bus: "
              + failed.errorCode()
              + " "
              + failed.errorMessage(),
          null);
    }
  }
}
