package io.stagecoach.local.testing;

import io.stagecoach.local.LocalCloud;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The local cloud as a process of its own, started the way {@code stagecoach serve} starts it, for
 * tests that kill it (SIGKILL) and start it again. The CLI lives in a module of its own that
 * depends on this one, so the process runs {@link #main} here rather than the CLI.
 */
public final class ServeProcesses {

  private ServeProcesses() {}

  /**
   * {@code <port> <dir> [<template>]}: what {@code stagecoach serve --port <port> --dir <dir>
   * [--template <template>]} does (with the built-in template when none is named), until the
   * process is killed.
   */
  public static void main(String[] args) throws Exception {
    Optional<Path> template = args.length > 2 ? Optional.of(Path.of(args[2])) : Optional.empty();
    LocalCloud cloud =
        LocalCloud.start(
            new LocalCloud.Options(
                Path.of(args[1]), Integer.parseInt(args[0]), template, "us-east-1", false));
    System.out.print(cloud.describe());
    System.out.flush();
    Thread.currentThread().join();
  }

  /**
   * Starts serve on {@code port} with its data in {@code dir}; returns once it says it is ready.
   */
  public static Process start(Path dir, int port, List<Process> started) throws Exception {
    return start(dir, port, Optional.empty(), started);
  }

  /** As {@link #start(Path, int, List)}, with {@code template} instead of the built-in one. */
  public static Process start(Path dir, int port, Optional<Path> template, List<Process> started)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                ServeProcesses.class.getName(),
                Integer.toString(port),
                dir.toString()));
    template.ifPresent(t -> command.add(t.toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("serve-" + System.nanoTime() + ".log").toFile())
            .start();
    started.add(p);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new AssertionError("serve exited: " + logs(dir));
      }
      if (logs(dir).contains("Ready in")) {
        return p;
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new AssertionError("serve did not become ready: " + logs(dir));
  }

  /** Everything the serve processes started in {@code dir} printed, oldest first. */
  public static String output(Path dir) throws IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().startsWith("serve-")).sorted().toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }

  private static String logs(Path dir) throws IOException {
    String all = output(dir);
    // Only the newest process's output decides readiness: count how many have said it.
    return all.split("Ready in", -1).length - 1 >= countLogs(dir) ? all : "";
  }

  private static long countLogs(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("serve-")).count();
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
