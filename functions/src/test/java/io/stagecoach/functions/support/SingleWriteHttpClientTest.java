package io.stagecoach.functions.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The functions' HTTP client: a small request without Content-Length, so it leaves in one write.
 */
class SingleWriteHttpClientTest {

  private static HttpExecuteRequest request(long length, boolean withBody) {
    SdkHttpRequest http =
        SdkHttpRequest.builder()
            .uri(URI.create("http://127.0.0.1:1/"))
            .method(SdkHttpMethod.POST)
            .putHeader("Content-Length", Long.toString(length))
            .putHeader("X-Amz-Target", "AWSEvents.PutEvents")
            .build();
    HttpExecuteRequest.Builder b = HttpExecuteRequest.builder().request(http);
    if (withBody) {
      b.contentStreamProvider(() -> new ByteArrayInputStream(new byte[0]));
    }
    return b.build();
  }

  @Test
  void aSmallBody_losesItsContentLength_soTheConnectionBuffersIt_theRestIsKept() {
    HttpExecuteRequest small = SingleWriteHttpClient.oneWrite(request(85, true));
    assertEquals(Optional.empty(), small.httpRequest().firstMatchingHeader("Content-Length"));
    assertEquals(
        Optional.of("AWSEvents.PutEvents"),
        small.httpRequest().firstMatchingHeader("X-Amz-Target"));
    assertTrue(small.contentStreamProvider().isPresent());
  }

  @Test
  void aLargeBody_orNoBody_isLeftAsItIs() {
    HttpExecuteRequest large = request(SingleWriteHttpClient.MAX_BUFFERED + 1, true);
    assertSame(large, SingleWriteHttpClient.oneWrite(large));
    HttpExecuteRequest none = request(0, false);
    assertSame(none, SingleWriteHttpClient.oneWrite(none));
  }

  @Test
  void aSignedSdkCall_arrivesWithItsLengthAndBody() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          seen.add(exchange.getRequestHeaders().getFirst("Content-Length"));
          seen.add(new String(body, StandardCharsets.UTF_8));
          seen.add(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] answer = "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"e-1\"}]}".getBytes();
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    try (EventBridgeClient client =
        EventBridgeClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
            .httpClient(SingleWriteHttpClient.create())
            .build()) {
      var response =
          client.putEvents(
              r ->
                  r.entries(
                      PutEventsRequestEntry.builder()
                          .source("stagecoach")
                          .detailType("Test")
                          .detail("{\"a\":1}")
                          .build()));
      assertEquals("e-1", response.entries().get(0).eventId());
    } finally {
      server.stop(0);
    }
    assertEquals(3, seen.size(), seen.toString());
    assertEquals(
        Integer.toString(seen.get(1).getBytes(StandardCharsets.UTF_8).length), seen.get(0));
    assertTrue(seen.get(1).contains("\"DetailType\":\"Test\""), seen.get(1));
    assertTrue(seen.get(2).startsWith("AWS4-HMAC-SHA256 Credential=AKID/"), seen.get(2));
  }
}
