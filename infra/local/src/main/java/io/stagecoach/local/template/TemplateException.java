package io.stagecoach.local.template;

/** The template cannot be run locally: the message names the resource and the problem. */
public final class TemplateException extends RuntimeException {
  public TemplateException(String message) {
    super(message);
  }
}
