package io.stagecoach.local.dynamodb;

import static org.junit.jupiter.api.Assertions.*;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDynamoDbEngineTest {

  @Test
  void dynamoDbLocal_listensOnLoopbackOnly(@TempDir Path dir) throws Exception {
    try (LocalDynamoDbEngine engine = LocalDynamoDbEngine.start(dir, "us-east-1")) {
      int port = engine.endpoint().getPort();
      try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), port)) {
        assertTrue(loopback.isConnected());
      }
      List<InetAddress> others = new ArrayList<>();
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
            others.add(a);
          }
        }
      }
      for (InetAddress other : others) {
        try (Socket s = new Socket()) {
          assertThrows(
              java.io.IOException.class,
              () -> s.connect(new InetSocketAddress(other, port), 1_000),
              "DynamoDB Local must not answer on " + other);
        }
      }
      assertEquals(
          1, engine.client().listTables().tableNames().size() + 1, "it still serves on loopback");
    }
  }

  @Test
  void aWebPage_isGrantedNoCors_soItCannotCallDynamoDbLocalThroughTheBrowser(@TempDir Path dir)
      throws Exception {
    try (LocalDynamoDbEngine engine = LocalDynamoDbEngine.start(dir, "us-east-1")) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> preflight =
          http.send(
              HttpRequest.newBuilder(engine.endpoint())
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "https://evil.example")
                  .header("Access-Control-Request-Method", "POST")
                  .header("Access-Control-Request-Headers", "x-amz-target,content-type")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
          "CORS granted to another origin: " + preflight.headers().map());
    }
  }
}
