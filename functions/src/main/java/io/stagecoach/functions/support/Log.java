package io.stagecoach.functions.support;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.logging.log4j.CloseableThreadContext;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LifeCycle;
import org.apache.logging.log4j.core.LoggerContext;
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

  /**
   * Log4j2's configuration (its plugins, {@code log4j2.xml}, the JSON template layout) takes about
   * as long in a fresh JVM as the SDK clients a function builds: half a second each at Lambda's
   * C1-only JIT. {@link #configureAside} runs it on a thread of its own, beside the clients'
   * construction, and a logger's first line waits for it; so no line is written before the
   * configuration is in place, and none goes to Log4j2's default configuration.
   */
  private static final CompletableFuture<Void> CONFIGURED = new CompletableFuture<>();

  private static final AtomicBoolean CONFIGURING = new AtomicBoolean();

  private final Class<?> owner;

  private volatile Logger logger;

  private Log(Class<?> owner) {
    this.owner = owner;
  }

  public static Log of(Class<?> owner) {
    return new Log(owner);
  }

  /**
   * Starts configuring Log4j2 on a daemon thread, once per JVM; every function's init calls it
   * first (through {@link Settings#fromEnvironment}), and a logger's first line calls it if nothing
   * did. A configuration that fails is reported by Log4j2's own status logger, and the loggers use
   * what Log4j2 fell back to, as they would have without this thread.
   */
  public static void configureAside() {
    if (CONFIGURING.compareAndSet(false, true)) {
      Thread.ofPlatform()
          .daemon()
          .name("stagecoach-log-configuration")
          .start(
              () -> {
                try {
                  settle(LogManager.getContext(Log.class.getClassLoader(), false));
                } finally {
                  // Waiters go on either way; what was thrown reaches the thread's handler.
                  CONFIGURED.complete(null);
                }
              });
    }
  }

  /**
   * Returns once the context is started. Log4j2 configures a context on the first thread that asks
   * for it and hands it, unconfigured, to any other thread that asks meanwhile (in the local cloud,
   * DynamoDB Local's start logs through Log4j2 on a thread of its own); so this thread may have to
   * wait for that one. Bounded: after 10 s the loggers use whatever Log4j2 has.
   */
  private static void settle(org.apache.logging.log4j.spi.LoggerContext context) {
    if (context instanceof LoggerContext core) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (core.getState() == LifeCycle.State.STARTING && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    }
  }

  /**
   * Waits until Log4j2 is configured (starting it if nothing did): for a caller that measures or
   * ends an init phase, which a configuration still running on its own thread would leave
   * unfinished.
   */
  public static void awaitConfiguration() {
    configureAside();
    CONFIGURED.join();
  }

  private Logger logger() {
    Logger resolved = logger;
    if (resolved == null) {
      awaitConfiguration();
      resolved = LogManager.getLogger(owner);
      logger = resolved;
    }
    return resolved;
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
    Logger logger = logger();
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
    Logger logger = logger();
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
