package io.stagecoach.local.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A plain-socket HTTP/1.1 client: sends the request target and header names exactly as given. */
public final class RawHttp {

  public record Response(int status, Map<String, String> headers, String body) {}

  private RawHttp() {}

  public static Response send(
      int port, String method, String target, List<Map.Entry<String, String>> headers, byte[] body)
      throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      StringBuilder head =
          new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      boolean hasHost = false;
      for (Map.Entry<String, String> h : headers) {
        if (h.getKey().equalsIgnoreCase("content-length")
            || h.getKey().equalsIgnoreCase("connection")) {
          continue;
        }
        hasHost |= h.getKey().equalsIgnoreCase("host");
        head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      if (!hasHost) {
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      }
      head.append("Connection: close\r\n");
      if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
          out.write(body);
        }
        out.flush();
      } catch (IOException e) {
        // A server may answer and close before it has read a request it refuses (one too large):
        // its answer is still there to read.
        try {
          return read(socket.getInputStream());
        } catch (IOException | RuntimeException unread) {
          e.addSuppressed(unread);
          throw e;
        }
      }
      return read(socket.getInputStream());
    }
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, split).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
    }
    return new Response(status, headers, text.substring(split + 4));
  }
}
