package io.stagecoach.functions.support;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.apache.logging.log4j.CloseableThreadContext;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.message.StringMapMessage;

/**
 * The one logger of every function and of the local cloud (STYLE practice 16): a line is a message
 * and key/value fields, rendered as one JSON object by Log4j2's JSON template layout behind
 * Lambda's appender (see {@code log4j2.xml}). Nothing builds JSON by hand, so a value with quotes
 * or line breaks stays one valid line.
 *
 * <p>Fields are given as pairs: {@code log.warn("deployment refused", "app", app, "deploymentId",
 * id)}. Never pass a secret, a token, a response URL or a request body: a log line is readable by
 * everyone who can read the log group.
 */
public final class Log {

  /**
   * The key under which the request id of the invocation sits in the thread context. The Lambda
   * Java runtime fills it for every invocation; {@link #invocation} fills it where nothing else
   * does (the local cloud).
   */
  public static final String REQUEST_ID = "AWSRequestId";

  /** Keys the layout writes itself; a field of the same name would make a duplicate member. */
  static final Set<String> RESERVED =
      Set.of(
          "timestamp",
          "level",
          "message",
          "logger",
          "errorType",
          "errorMessage",
          "stackTrace",
          REQUEST_ID);

  private final Logger logger;

  private Log(Logger logger) {
    this.logger = logger;
  }

  public static Log of(Class<?> owner) {
    return new Log(LogManager.getLogger(owner));
  }

  public void info(String message, String... fields) {
    write(Level.INFO, message, null, fields);
  }

  public void warn(String message, String... fields) {
    write(Level.WARN, message, null, fields);
  }

  public void error(String message, String... fields) {
    write(Level.ERROR, message, null, fields);
  }

  /** An error line with the exception's class, message and stack trace. */
  public void error(Throwable error, String message, String... fields) {
    write(Level.ERROR, message, error, fields);
  }

  /**
   * A line from a report object that says its own {@code level} (INFO, WARN or ERROR): its other
   * scalar members become the fields.
   */
  public void report(String message, JsonNode report) {
    Level level = Level.toLevel(report.path("level").asText("INFO"), Level.INFO);
    if (!logger.isEnabled(level)) {
      return;
    }
    Line line = new Line(message);
    report
        .properties()
        .forEach(
            member -> {
              if (member.getValue().isValueNode()
                  && !member.getValue().isNull()
                  && !RESERVED.contains(member.getKey())) {
                line.with(member.getKey(), member.getValue().asText());
              }
            });
    logger.log(level, line);
  }

  /**
   * Puts the invocation's request id into the thread context until closed, as the Lambda runtime
   * does on AWS; for a runner of handlers that is not the Lambda runtime.
   */
  public static CloseableThreadContext.Instance invocation(Context context) {
    return CloseableThreadContext.put(REQUEST_ID, context.getAwsRequestId());
  }

  private void write(Level level, String message, Throwable error, String... fields) {
    if (logger.isEnabled(level)) {
      logger.log(level, line(message, fields), error);
    }
  }

  /** The message a line is made of; visible to the layout's test. */
  static Line line(String message, String... fields) {
    if (fields.length % 2 != 0) {
      throw new IllegalArgumentException("fields come in key/value pairs: " + fields.length);
    }
    Line line = new Line(message);
    for (int i = 0; i < fields.length; i += 2) {
      if (RESERVED.contains(fields[i])) {
        throw new IllegalArgumentException("'" + fields[i] + "' is written by the layout itself");
      }
      if (fields[i + 1] != null) {
        line.with(fields[i], fields[i + 1]);
      }
    }
    return line;
  }

  /**
   * A map message that also has a text: the layout writes the text as {@code message} and the map
   * as top-level fields, and a pattern layout ({@code %m}) shows the text.
   */
  static final class Line extends StringMapMessage {

    private static final long serialVersionUID = 1L;

    private final String text;

    Line(String text) {
      this.text = String.valueOf(text);
    }

    @Override
    public String getFormattedMessage() {
      return text;
    }

    @Override
    public void formatTo(StringBuilder buffer) {
      buffer.append(text);
    }

    @Override
    public String getFormat() {
      return text;
    }

    @Override
    public Line newInstance(java.util.Map<String, String> map) {
      Line copy = new Line(text);
      copy.putAll(map);
      return copy;
    }
  }
}
