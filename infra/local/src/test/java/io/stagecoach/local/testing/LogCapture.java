package io.stagecoach.local.testing;

import io.stagecoach.functions.support.Log;
import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;

/**
 * Every line logged through Log4j2 while open, at every level, as the functions' JSON layout writes
 * it (message, fields, thread context, exception and stack trace).
 */
public final class LogCapture implements AutoCloseable {

  private final StringWriter written = new StringWriter();
  private final WriterAppender appender;
  private final Level rootLevel;

  public LogCapture() {
    // Not while Log4j2 is still being configured aside: that would replace this configuration.
    Log.awaitConfiguration();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender =
        WriterAppender.newBuilder()
            .setName("LogCapture-" + System.identityHashCode(this))
            .setTarget(written)
            .setLayout(
                JsonTemplateLayout.newBuilder()
                    .setConfiguration(config)
                    .setEventTemplateUri("classpath:StagecoachLogLayout.json")
                    .build())
            .build();
    appender.start();
    LoggerConfig root = config.getRootLogger();
    rootLevel = root.getLevel();
    root.addAppender(appender, Level.ALL, null);
    root.setLevel(Level.ALL);
    context.updateLoggers();
  }

  /** All that was written so far. */
  public synchronized String text() {
    return written.toString();
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    LoggerConfig root = context.getConfiguration().getRootLogger();
    root.removeAppender(appender.getName());
    root.setLevel(rootLevel);
    context.updateLoggers();
    appender.stop();
  }
}
