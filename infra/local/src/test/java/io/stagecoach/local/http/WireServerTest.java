package io.stagecoach.local.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local cloud's HTTP/1.1 server, over raw sockets: framing that must be refused, and shutdown.
 */
class WireServerTest {

  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        new WireServer(
            0,
            req ->
                new RawResponse(
                    200,
                    List.of(Map.entry("Content-Type", "text/plain")),
                    ("got " + req.body().length).getBytes(StandardCharsets.UTF_8)));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String exchange(String raw) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void chunkedBody_isReassembled() throws Exception {
    String answer =
        exchange(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    assertTrue(answer.endsWith("got 5"), answer);
  }

  @Test
  void negativeContentLength_isRefused() throws Exception {
    assertTrue(
        exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
            .startsWith("HTTP/1.1 400"));
  }

  @Test
  void contentLengthTogetherWithChunked_isRefused() throws Exception {
    String answer =
        exchange(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
  }

  @Test
  void negativeOrHugeChunkSizes_areRefused() throws Exception {
    assertTrue(
        exchange(
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n")
            .startsWith("HTTP/1.1 400"));
    assertTrue(
        exchange(
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\nx\r\n")
            .startsWith("HTTP/1.1 413"));
  }

  @Test
  void closingTheServer_closesKeepAliveConnections() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] first = new byte[12];
      assertEquals(12, in.readNBytes(first, 0, 12));
      assertEquals("HTTP/1.1 200", new String(first, StandardCharsets.ISO_8859_1));
      server.close();
      // Whatever is left of the first answer may still arrive; then the connection ends instead of
      // staying open.
      in.readAllBytes();
      assertEquals(-1, in.read(), "the keep-alive connection was closed with the server");
    }
  }
}
