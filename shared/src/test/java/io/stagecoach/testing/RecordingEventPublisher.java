package io.stagecoach.testing;

import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.events.StagecoachEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory stand-in for the bus in handler tests; it can be told to fail like an unreachable
 * bus.
 */
public final class RecordingEventPublisher implements EventPublisher {

  private final List<StagecoachEvent> published = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  @Override
  public void publish(StagecoachEvent event) {
    if (failing) {
      throw new EventNotPublishedException("the bus is unreachable (test)", null);
    }
    published.add(event);
  }

  public List<StagecoachEvent> published() {
    return List.copyOf(published);
  }

  public void failFromNowOn(boolean fail) {
    this.failing = fail;
  }
}
