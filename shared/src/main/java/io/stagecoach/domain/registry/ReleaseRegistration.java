package io.stagecoach.domain.registry;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.events.EventPublisher;
import java.time.Instant;

/**
 * Registers a release and announces it ({@code Release Registered}), so the release intake checks
 * every release the same way, whether it came from the API, a push or chat.
 *
 * <p>At least once: registering the same release again finds it and announces it again, so a failed
 * announcement is mended by repeating the request.
 */
public final class ReleaseRegistration {

  private final RegistryService registry;
  private final EventPublisher events;

  public ReleaseRegistration(RegistryService registry, EventPublisher events) {
    this.registry = registry;
    this.events = events;
  }

  /**
   * @throws EventPublisher.EventNotPublishedException when the release is recorded but could not be
   *     announced; the caller asks for the request to be repeated
   */
  public Outcome<Saved<Release>> register(
      Principal caller, String app, ReleaseSpec spec, Instant now) {
    Outcome<Saved<Release>> registered = registry.registerRelease(caller, app, spec, now);
    if (registered instanceof Outcome.Accepted<Saved<Release>> a) {
      events.publish(new ReleaseRegistered(a.value().value()));
    }
    return registered;
  }
}
