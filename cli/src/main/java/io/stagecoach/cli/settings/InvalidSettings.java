package io.stagecoach.cli.settings;

/** A connection setting that cannot be used as given: the CLI was misused (exit code 2). */
public final class InvalidSettings extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidSettings(String message) {
    super(message);
  }

  public InvalidSettings(String message, Throwable cause) {
    super(message, cause);
  }
}
