package io.stagecoach.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deliveries the bus has accepted and not yet settled (delivered, or given up as a dead
 * letter), kept in a file of JSON lines so that a process killed with deliveries pending loses
 * none: the next start delivers them. A line is appended when a delivery is accepted (before {@code
 * PutEvents} answers) and another when it is settled; at open the file is rewritten with only the
 * pending ones, and again whenever enough settled lines have piled up.
 *
 * <p>Lines are written without {@code fsync}: the operating system keeps what a killed process
 * wrote, a power cut may lose the last lines (and a line cut short is skipped when read).
 */
final class DeliveryJournal implements AutoCloseable {

  private static final Log LOG = Log.of(DeliveryJournal.class);

  /** Settled lines written before the file is rewritten with only the pending deliveries. */
  private static final int COMPACT_AFTER = 1000;

  private final ObjectMapper json;
  private final Path file;
  private final Map<String, ObjectNode> pending = new LinkedHashMap<>();
  private final List<ObjectNode> leftByLastRun;
  private FileChannel out;
  private int settledSinceCompaction;

  private DeliveryJournal(ObjectMapper json, Path file, List<ObjectNode> leftByLastRun) {
    this.json = json;
    this.file = file;
    this.leftByLastRun = List.copyOf(leftByLastRun);
  }

  /** Reads what the last run left pending, and keeps only that in the file. */
  static DeliveryJournal open(ObjectMapper json, Path file) {
    Map<String, ObjectNode> left = new LinkedHashMap<>();
    if (Files.isRegularFile(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          JsonNode entry;
          try {
            entry = json.readTree(line);
          } catch (IOException e) {
            // The last line of a process killed while writing it: its delivery was never accepted.
            continue;
          }
          if (entry == null || !entry.isObject()) {
            continue;
          }
          if (entry.has("settled")) {
            left.remove(entry.get("settled").asText());
          } else if (entry.has("delivery")) {
            left.put(entry.get("delivery").asText(), (ObjectNode) entry);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the delivery journal " + file, e);
      }
    }
    DeliveryJournal journal = new DeliveryJournal(json, file, new ArrayList<>(left.values()));
    synchronized (journal) {
      journal.pending.putAll(left);
      try {
        journal.rewrite();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot rewrite the delivery journal " + file, e);
      }
    }
    return journal;
  }

  /** The deliveries the last run accepted and never settled, in the order it accepted them. */
  List<ObjectNode> leftByLastRun() {
    return leftByLastRun;
  }

  /** Records an accepted delivery; {@code entry} has its {@code delivery} key. */
  synchronized void accepted(ObjectNode entry) {
    pending.put(entry.get("delivery").asText(), entry);
    append(entry);
  }

  synchronized void settled(String delivery) {
    if (pending.remove(delivery) == null || out == null) {
      return;
    }
    append(json.createObjectNode().put("settled", delivery));
    if (++settledSinceCompaction >= COMPACT_AFTER) {
      try {
        rewrite();
      } catch (IOException e) {
        // Appending goes on where it can: the file only grows until the next rewrite works.
        LOG.error(e, "cannot rewrite the delivery journal", "file", file.toString());
      }
    }
  }

  private void append(ObjectNode line) {
    if (out == null) {
      return;
    }
    try {
      byte[] bytes = (json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    } catch (IOException e) {
      LOG.error(e, "cannot append to the delivery journal", "file", file.toString());
    }
  }

  /** Replaces the file with the pending deliveries only (atomically) and appends from there. */
  private void rewrite() throws IOException {
    Path fresh = file.resolveSibling(file.getFileName() + ".new");
    StringBuilder lines = new StringBuilder();
    for (ObjectNode entry : pending.values()) {
      lines.append(json.writeValueAsString(entry)).append('\n');
    }
    Files.writeString(fresh, lines, StandardCharsets.UTF_8);
    Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    FileChannel reopened =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (out != null) {
      out.close();
    }
    out = reopened;
    settledSinceCompaction = 0;
  }

  @Override
  public synchronized void close() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      LOG.error(e, "cannot close the delivery journal", "file", file.toString());
    }
    out = null;
  }
}
