package io.stagecoach.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The cold-start baseline: a fresh JVM that serves a hello-world handler over HTTP on loopback,
 * with nothing else (no DynamoDB, no template, no authorizer).
 */
public final class HelloServer {

  static final class Hello implements RequestHandler<Map<String, Object>, String> {
    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
      return "{\"hello\":\"world\"}";
    }
  }

  public static void main(String[] args) throws Exception {
    Hello handler = new Hello();
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 64);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = handler.handleRequest(Map.of(), null).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }
}
