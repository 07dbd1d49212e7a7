package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.local.testing.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests a web page could make a developer's browser send to a running serve, refused at the
 * port: a rebound name, and a cross-site "simple" request that would run the API function with a
 * forged authorizer context.
 */
class LoopbackGuardEndToEndTest {

  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    port = cloud.endpoint().getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    cloud.close();
  }

  /** Sends {@code head} (request line and headers, CRLF-separated) and a body as they are. */
  private static String exchange(String head, String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      out.write(
          (head + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  @Test
  void aRequestForAForeignHost_isRefused_asDnsRebindingWouldSendIt() throws IOException {
    String rebound = exchange("GET /v1/openapi.json HTTP/1.1\r\nHost: rebind.example\r\n", "");
    assertEquals(403, status(rebound), rebound);
    assertTrue(rebound.contains("\"code\":\"forbidden\""), rebound);
    String own = exchange("GET /v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n", "");
    assertEquals(200, status(own), own.substring(0, Math.min(200, own.length())));
  }

  @Test
  void aLoopbackNameOnAnotherPort_isRefused_andLocalhostOnThisPort_isServed() throws IOException {
    assertEquals(
        403,
        status(
            exchange(
                "GET /v1/openapi.json HTTP/1.1\r\nHost: localhost:" + (port + 1) + "\r\n", "")));
    assertEquals(
        200,
        status(exchange("GET /v1/openapi.json HTTP/1.1\r\nHost: localhost:" + port + "\r\n", "")));
  }

  @Test
  void aCrossSiteSimpleRequest_toInvokeTheApiFunction_isRefused() throws IOException {
    String forged =
        "{\"httpMethod\":\"POST\",\"path\":\"/v1/tokens\",\"resource\":\"/v1/tokens\","
            + "\"requestContext\":{\"authorizer\":{\"principalId\":\"mallory\",\"roles\":\"admin\"}},"
            + "\"body\":\"{\\\"principal\\\":\\\"mallory\\\",\\\"roles\\\":[\\\"admin\\\"]}\"}";
    String response =
        exchange(
            "POST /2015-03-31/functions/stagecoach-api/invocations HTTP/1.1\r\n"
                + "Host: 127.0.0.1:"
                + port
                + "\r\nContent-Type: text/plain\r\nOrigin: https://evil.example\r\n",
            forged);
    assertEquals(403, status(response), response);
    assertTrue(response.contains("cross-origin"), response);
    assertTrue(!response.contains("\"token\""), "no token is minted: " + response);
  }

  @Test
  void aStateChangingRequestFromTheLocalCloudsOwnOrigin_reachesTheApi() throws IOException {
    String response =
        exchange(
            "POST /v1/apps HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nContent-Type: application/json\r\nOrigin: http://127.0.0.1:"
                + port
                + "\r\n",
            "{}");
    // No token: the API's own answer (401), not the guard's.
    assertEquals(401, status(response), response);
  }

  @Test
  void anOpaqueOrigin_isRefused_forStateChangingRequests() throws IOException {
    String response =
        exchange(
            "POST /v1/apps HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nContent-Type: application/json\r\nOrigin: null\r\n",
            "{}");
    assertEquals(403, status(response), response);
  }

  @Test
  void faultInjection_isOffUnlessServeWasStartedWithIt() {
    ApiClient admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
    ApiClient.Reply r = admin.send("PUT", "/_stagecoach/faults", "{\"plan\":\"function-error=1\"}");
    assertEquals(409, r.status(), r.body());
    assertTrue(r.body().contains("--faults"), r.body());
    assertTrue(cloud.faults().isEmpty());
  }
}
