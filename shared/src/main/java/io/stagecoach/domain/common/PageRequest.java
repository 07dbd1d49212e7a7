package io.stagecoach.domain.common;

import java.util.Optional;

/** Which page of a listing to read: an opaque cursor from the previous page, and a page size. */
public record PageRequest(Optional<String> cursor, int limit) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 100;

  public static PageRequest first() {
    return new PageRequest(Optional.empty(), DEFAULT_LIMIT);
  }
}
