package io.stagecoach.local.lambda;

import java.time.Clock;
import java.util.Map;

/**
 * How the local cloud builds a handler itself instead of through the handler's own constructors:
 * from the function's environment and the clock of the local cloud it runs in.
 */
@FunctionalInterface
public interface HandlerConstructor {

  Object construct(Map<String, String> environment, Clock clock);
}
