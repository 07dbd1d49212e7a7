package io.stagecoach.functions.events;

import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.functions.support.Json;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Publishes Stagecoach events on its EventBridge bus; a rejected entry is a failure, not a shrug.
 */
public final class EventBridgePublisher implements EventPublisher {

  private final EventBridgeClient events;
  private final String busName;

  public EventBridgePublisher(EventBridgeClient events, String busName) {
    this.events = events;
    this.busName = busName;
  }

  @Override
  public void publish(StagecoachEvent event) {
    PutEventsRequestEntry entry =
        PutEventsRequestEntry.builder()
            .eventBusName(busName)
            .source(EventDetails.SOURCE)
            .detailType(event.detailType())
            .detail(Json.write(EventDetails.detail(event)))
            .build();
    PutEventsResponse response;
    try {
      response = events.putEvents(r -> r.entries(entry));
    } catch (SdkException e) {
      throw new EventNotPublishedException(event.detailType() + " could not be published", e);
    }
    if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
      var failed = response.entries().get(0);
      throw new EventNotPublishedException(
          event.detailType()
              + " was refused by the bus: "
              + failed.errorCode()
              + " "
              + failed.errorMessage(),
          null);
    }
  }
}
