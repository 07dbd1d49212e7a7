package io.stagecoach.cli.client;

/** No answer came back: the endpoint refused the connection, timed out or broke it off. */
public final class ApiUnreachable extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ApiUnreachable(String message, Throwable cause) {
    super(message, cause);
  }
}
