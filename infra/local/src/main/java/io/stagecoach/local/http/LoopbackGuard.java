package io.stagecoach.local.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Keeps the local cloud to callers on this machine, so that it is safe to leave running: a web page
 * the developer visits can neither rebind a name of its own to 127.0.0.1 (a request whose {@code
 * Host} is not a loopback name is refused) nor make the browser send a state-changing request to it
 * from another origin (a {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE} whose {@code
 * Origin} is not the local cloud's own is refused). No CORS is granted to anyone.
 */
public final class LoopbackGuard {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final IntSupplier port;

  /**
   * @param port the port the local cloud listens on (known once it is bound)
   */
  public LoopbackGuard(IntSupplier port) {
    this.port = port;
  }

  /** The answer for a request that must not be served; empty when it may be. */
  public Optional<RawResponse> refusal(RawRequest request) {
    String host = request.header("Host");
    if (host == null || !isOwnAuthority(host.trim())) {
      return Optional.of(
          forbidden(
              "the local cloud answers requests addressed to 127.0.0.1, localhost or [::1] on port "
                  + port.getAsInt()
                  + " only"));
    }
    String origin = request.header("Origin");
    if (origin != null
        && STATE_CHANGING.contains(request.method().toUpperCase(Locale.ROOT))
        && !isOwnOrigin(origin.trim())) {
      return Optional.of(
          forbidden(
              "cross-origin requests that change anything are refused (Origin " + origin + ")"));
    }
    return Optional.empty();
  }

  private boolean isOwnAuthority(String authority) {
    String name = authority.toLowerCase(Locale.ROOT);
    String portPart = null;
    int colon = name.lastIndexOf(':');
    if (colon > 0 && colon > name.lastIndexOf(']')) {
      portPart = name.substring(colon + 1);
      name = name.substring(0, colon);
    }
    return LOOPBACK_NAMES.contains(name)
        && (portPart == null || portPart.equals(Integer.toString(port.getAsInt())));
  }

  private boolean isOwnOrigin(String origin) {
    String prefix = "http://";
    return origin.toLowerCase(Locale.ROOT).startsWith(prefix)
        && origin.indexOf('/', prefix.length()) < 0
        && isOwnAuthority(origin.substring(prefix.length()))
        && origin.substring(prefix.length()).contains(":");
  }

  private static RawResponse forbidden(String detail) {
    ObjectNode problem = JSON.createObjectNode();
    problem.put("type", "urn:stagecoach:problem:forbidden");
    problem.put("title", "Forbidden");
    problem.put("status", 403);
    problem.put("code", "forbidden");
    problem.put("detail", detail);
    return RawResponse.text(403, "application/problem+json", problem.toString());
  }
}
