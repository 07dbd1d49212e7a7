package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Hands a slow command to a later invocation, so that Slack gets its answer within three seconds:
 * in Lambda nothing runs after a function has answered, so the work has to start elsewhere
 * (docs/decisions.md).
 */
public interface CommandDeferral {

  /**
   * Starts the work on {@code proxyEvent} (the signed request as API Gateway delivered it) without
   * waiting; {@code false} when it could not be started. {@code functionArn} is the invoked
   * function, alias included.
   */
  boolean defer(String functionArn, JsonNode proxyEvent);
}
