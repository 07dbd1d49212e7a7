package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.settings.CliEnvironment;
import io.stagecoach.local.LocalCloud;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI finds the local cloud started in its directory on any port: serve leaves its address in
 * {@code .stagecoach/endpoint} beside the admin token, and the CLI, given no endpoint at all, uses
 * it.
 */
class CliFindsServeTest {

  @TempDir Path work;

  /** This machine with no Stagecoach variable and no config file: only what serve left. */
  CliEnvironment bare() {
    return new CliEnvironment(Map.of(), work, work.resolve("home"), "tester");
  }

  @Test
  void serveOnAnotherPort_isFoundByTheCliInTheSameDirectory_withNoEndpointSetting()
      throws Exception {
    Path endpointFile = work.resolve(".stagecoach").resolve(LocalCloud.ENDPOINT_FILE);
    try (LocalCloud cloud =
        LocalCloud.start(LocalCloud.Options.defaults(work.resolve(".stagecoach")).withPort(0))) {
      assertNotEquals(4566, cloud.port());
      assertEquals(cloud.endpoint() + "\n", Files.readString(endpointFile));

      CliRun me = CliRun.run(bare(), "whoami");
      assertEquals(0, me.code(), me.printed());
      assertTrue(me.out().contains(cloud.endpoint().toString()), me.printed());
      assertTrue(me.out().contains(endpointFile.toString()), "says where: " + me.printed());

      CliRun created = CliRun.run(bare(), "apps", "create", "found", "--pipeline", "dev");
      assertEquals(0, created.code(), created.printed());

      // The document advertises the address it was fetched at, not the default port; with the
      // stage, as API Gateway passes the path called, and the local cloud answers there too.
      String stageUrl = cloud.endpoint() + "/" + cloud.api().model().stageName();
      try (ApiClient api = new ApiClient(cloud.endpoint(), Optional.empty())) {
        var servers = api.get(ApiPath.of("v1", "openapi.json")).body().path("servers");
        assertEquals(1, servers.size(), servers.toString());
        assertEquals(stageUrl, servers.get(0).path("url").asText());
      }
      try (ApiClient api = new ApiClient(java.net.URI.create(stageUrl), Optional.empty())) {
        assertEquals(200, api.get(ApiPath.of("v1", "openapi.json")).status());
      }
    }
    assertFalse(Files.exists(endpointFile), "a stopped serve leaves no address to follow");

    CliRun gone = CliRun.run(bare(), "apps", "list");
    assertEquals(ExitCode.FAILED, gone.code(), gone.printed());
    assertTrue(gone.err().contains("cannot reach http://127.0.0.1:4566"), gone.printed());
    assertTrue(
        gone.err().contains("--endpoint, STAGECOACH_ENDPOINT or \"endpoint\" in the config file"),
        "says how to point elsewhere: " + gone.printed());
  }

  @Test
  void aStaleEndpointFile_isNamedInTheError() throws Exception {
    Files.createDirectories(work.resolve(".stagecoach"));
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Files.writeString(work.resolve(".stagecoach/endpoint"), "http://127.0.0.1:" + port + "\n");
    CliRun run = CliRun.run(bare(), "apps", "list");
    assertEquals(ExitCode.FAILED, run.code(), run.printed());
    assertTrue(run.err().contains("cannot reach http://127.0.0.1:" + port), run.printed());
    assertTrue(
        run.err().contains("from " + work.resolve(".stagecoach/endpoint") + ", written by"),
        run.printed());
    assertEquals(1, run.err().lines().count(), run.printed());
  }

  @Test
  void aBusyPort_failsTheStart_andLeavesNoLockBehind() throws Exception {
    Path dir = work.resolve("fresh").resolve(".stagecoach");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(busy.getLocalPort())));
      assertTrue(e.getMessage().contains("is in use; pass --port"), e.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("lock")), "no lock file");
    assertFalse(Files.exists(dir), "the directory this start made is gone again");
  }
}
