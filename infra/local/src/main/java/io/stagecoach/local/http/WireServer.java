package io.stagecoach.local.http;

import io.stagecoach.functions.support.Log;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A small HTTP/1.1 server on loopback. It exists because the JDK's server rewrites header-name
 * casing, and API Gateway hands the function the names as the client sent them: the local cloud
 * needs the raw request. One thread per connection; keep-alive, {@code Content-Length} and chunked
 * bodies, {@code Expect: 100-continue}.
 */
public final class WireServer implements AutoCloseable {

  private static final Log LOG = Log.of(WireServer.class);

  /** API Gateway's own payload limit (10 MB); larger requests are refused before reading. */
  public static final int MAX_BODY = 10 * 1024 * 1024;

  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final ServerSocket socket;

  /**
   * One platform thread per connection: measured faster than virtual threads here, where every
   * request blocks on loopback sockets twice more (the function's DynamoDB calls) on a machine with
   * few cores.
   */
  private final ExecutorService connections =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "stagecoach-http");
            t.setDaemon(true);
            return t;
          });

  private final Function<RawRequest, RawResponse> handler;
  private volatile boolean open = true;

  /** Open connections, closed with the server so that no keep-alive connection outlives it. */
  private final java.util.Set<Socket> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public WireServer(int port, Function<RawRequest, RawResponse> handler) throws IOException {
    this.handler = handler;
    this.socket = new ServerSocket();
    this.socket.setReuseAddress(true);
    this.socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    Thread.ofPlatform().daemon().name("stagecoach-http-accept").start(this::acceptLoop);
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (open) {
      try {
        Socket client = socket.accept();
        clients.add(client);
        connections.submit(() -> serve(client));
      } catch (IOException e) {
        if (open) {
          LOG.error("accept failed", "error", String.valueOf(e.getMessage()));
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      serveConnection(client);
    } catch (IOException e) {
      // A broken connection ends that connection only.
    } finally {
      clients.remove(client);
    }
  }

  private void serveConnection(Socket client) throws IOException {
    {
      client.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
      OutputStream out = client.getOutputStream();
      String source = client.getInetAddress().getHostAddress();
      while (open) {
        Parsed parsed;
        try {
          parsed = read(in, out, source);
        } catch (BadRequest e) {
          write(
              out,
              RawResponse.text(
                  e.status, "application/json", "{\"message\":\"" + e.getMessage() + "\"}"),
              false);
          return;
        }
        if (parsed == null) {
          return;
        }
        RawResponse response;
        try {
          response = handler.apply(parsed.request);
        } catch (RuntimeException e) {
          LOG.error(
              e,
              "request failed inside the local cloud",
              "method",
              parsed.request.method(),
              "path",
              parsed.request.path());
          response =
              RawResponse.text(500, "application/json", "{\"message\":\"Internal server error\"}");
        }
        write(out, response, parsed.keepAlive);
        if (!parsed.keepAlive) {
          return;
        }
      }
    }
  }

  private record Parsed(RawRequest request, boolean keepAlive) {}

  static final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private static Parsed read(InputStream in, OutputStream out, String source)
      throws IOException, BadRequest {
    String requestLine = line(in, true);
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      throw new BadRequest(400, "Bad request line");
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    int headerBytes = 0;
    long contentLength = -1;
    boolean chunked = false;
    boolean keepAlive = parts[2].equals("HTTP/1.1");
    boolean expectContinue = false;
    while (true) {
      String h = line(in, false);
      if (h == null) {
        return null;
      }
      if (h.isEmpty()) {
        break;
      }
      headerBytes += h.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new BadRequest(431, "Request header fields too large");
      }
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new BadRequest(400, "Malformed header");
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      headers.add(Map.entry(name, value));
      switch (name.toLowerCase(Locale.ROOT)) {
        case "content-length" -> {
          try {
            contentLength = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new BadRequest(400, "Bad Content-Length");
          }
          if (contentLength < 0) {
            throw new BadRequest(400, "Bad Content-Length");
          }
        }
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> {
          String v = value.toLowerCase(Locale.ROOT);
          if (v.contains("close")) {
            keepAlive = false;
          } else if (v.contains("keep-alive")) {
            keepAlive = true;
          }
        }
        case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
        default -> {}
      }
    }
    if (chunked && contentLength >= 0) {
      // Both framings at once is how requests are smuggled past a proxy (RFC 9112, 6.3): refuse it.
      throw new BadRequest(400, "Content-Length with Transfer-Encoding");
    }
    if (contentLength > MAX_BODY) {
      throw new BadRequest(413, "Request Too Long");
    }
    if (expectContinue && (contentLength > 0 || chunked)) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    byte[] body;
    if (chunked) {
      body = readChunked(in);
    } else if (contentLength > 0) {
      body = in.readNBytes((int) contentLength);
      if (body.length < contentLength) {
        return null;
      }
    } else {
      body = new byte[0];
    }
    return new Parsed(new RawRequest(parts[0], parts[1], headers, body, source), keepAlive);
  }

  private static byte[] readChunked(InputStream in) throws IOException, BadRequest {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(in, false);
      if (sizeLine == null) {
        throw new BadRequest(400, "Truncated chunked body");
      }
      int semi = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
      } catch (NumberFormatException e) {
        throw new BadRequest(400, "Bad chunk size");
      }
      if (size < 0) {
        throw new BadRequest(400, "Bad chunk size");
      }
      if (size == 0) {
        while (true) {
          String trailer = line(in, false);
          if (trailer == null || trailer.isEmpty()) {
            return body.toByteArray();
          }
        }
      }
      if (body.size() + size > MAX_BODY) {
        throw new BadRequest(413, "Request Too Long");
      }
      body.write(in.readNBytes((int) size));
      line(in, false);
    }
  }

  /** A CRLF- (or LF-) terminated line in ISO-8859-1, or null at end of stream. */
  private static String line(InputStream in, boolean skipLeadingEmpty)
      throws IOException, BadRequest {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        if (sb.isEmpty() && skipLeadingEmpty) {
          continue;
        }
        return sb.toString();
      }
      sb.append((char) c);
      if (sb.length() > MAX_HEADER_BYTES) {
        throw new BadRequest(431, "Request header fields too large");
      }
    }
  }

  private static void write(OutputStream out, RawResponse response, boolean keepAlive)
      throws IOException {
    StringBuilder head =
        new StringBuilder("HTTP/1.1 ")
            .append(response.status())
            .append(' ')
            .append(reason(response.status()))
            .append("\r\n");
    boolean hasLength = false;
    for (Map.Entry<String, String> h : response.headers()) {
      if (h.getKey().equalsIgnoreCase("Content-Length")) {
        hasLength = true;
      }
      if (h.getKey().equalsIgnoreCase("Connection")) {
        continue;
      }
      head.append(h.getKey())
          .append(": ")
          .append(h.getValue().replaceAll("[\r\n]", " "))
          .append("\r\n");
    }
    if (!hasLength) {
      head.append("Content-Length: ").append(response.body().length).append("\r\n");
    }
    head.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
    // Head and body in one write: one segment for a small answer, whatever the client's delayed
    // acknowledgements.
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] body = response.body();
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    out.write(all);
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 504 -> "Gateway Timeout";
      default -> "Status";
    };
  }

  @Override
  public void close() throws IOException {
    open = false;
    socket.close();
    for (Socket client : clients) {
      try {
        client.close();
      } catch (IOException e) {
        // Closing anyway: nothing more to do for it.
      }
    }
    connections.shutdownNow();
  }
}
