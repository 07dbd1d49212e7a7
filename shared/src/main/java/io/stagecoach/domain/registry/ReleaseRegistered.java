package io.stagecoach.domain.registry;

import io.stagecoach.domain.events.StagecoachEvent;

/**
 * A release was registered (or registered again with the same artifact): it may now be checked and
 * promoted.
 */
public record ReleaseRegistered(Release release) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Release Registered";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return release.app();
  }
}
