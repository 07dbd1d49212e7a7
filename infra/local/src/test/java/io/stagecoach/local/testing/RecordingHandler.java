package io.stagecoach.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps every payload it is invoked with, under the name its {@code RECORD_AS} setting gives, so a
 * test can see what an asynchronous caller (EventBridge) delivered. With {@code FAIL=true} it
 * records, then fails, as a function with a bug does.
 */
public final class RecordingHandler implements RequestStreamHandler {

  private static final Map<String, Queue<String>> RECEIVED = new ConcurrentHashMap<>();
  private final String name;
  private final boolean fail;

  public RecordingHandler(Map<String, String> environment) {
    this.name = environment.getOrDefault("RECORD_AS", "default");
    this.fail = Boolean.parseBoolean(environment.getOrDefault("FAIL", "false"));
  }

  public static List<String> received(String name) {
    return List.copyOf(RECEIVED.getOrDefault(name, new ConcurrentLinkedQueue<>()));
  }

  public static void forget(String name) {
    RECEIVED.remove(name);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    RECEIVED
        .computeIfAbsent(name, k -> new ConcurrentLinkedQueue<>())
        .add(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    if (fail) {
      throw new IllegalStateException("provisioning failed for " + name);
    }
    output.write("{}".getBytes(StandardCharsets.UTF_8));
  }
}
