package io.stagecoach.domain.common;

import java.util.List;
import java.util.Optional;

/** One page of a listing; {@code nextCursor} is absent on the last page. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
  public Page {
    items = List.copyOf(items);
  }
}
