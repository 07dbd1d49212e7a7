package io.stagecoach.functions.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console: the static files of the {@code console} module's bundle, served by the API
 * function under {@code /console} on the API's own origin, so the page calls the API without CORS
 * and with nothing but the person's bearer token. The files are public (they hold no data); every
 * answer carries a strict Content-Security-Policy: scripts, styles, images and API calls from this
 * origin only, no inline script, no framing.
 */
final class ConsolePage {

  /** Where the console module puts its bundle on the classpath. */
  static final String ROOT = "/stagecoach/console/";

  static final String PREFIX = "/console";

  static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self'",
          "font-src 'self'",
          "connect-src 'self'",
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'self'",
          "frame-ancestors 'none'");

  /** Names the bundle uses: no dot-segments, no encoded characters, nothing hidden. */
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  /**
   * The bundle's files are text (scripts, styles, SVG, HTML): API Gateway's Lambda proxy passes
   * text bodies as they are, binary ones only with binary media types configured.
   */
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml; charset=utf-8",
          "json", "application/json",
          "txt", "text/plain; charset=utf-8");

  private final String root;
  private final Map<String, Optional<String>> files = new ConcurrentHashMap<>();

  ConsolePage() {
    this(ROOT);
  }

  ConsolePage(String root) {
    this.root = root;
  }

  /** Whether {@code path} is the console's, not the REST API's. */
  static boolean serves(String path) {
    return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
  }

  /** Whether the bundle is on the classpath (it is in every jar the build makes). */
  boolean isPackaged() {
    return read("index.html").isPresent();
  }

  ApiResponse answer(String method, String path) {
    if (!method.equals("GET")) {
      return ApiResponse.problem(
              405,
              "validation_failed",
              "Method not allowed",
              method + " is not allowed here; the console is read with GET",
              path)
          .withHeader("Allow", "GET");
    }
    if (path.equals(PREFIX)) {
      // Relative, so it also lands right behind a stage prefix (/live/console -> /live/console/).
      return secured(new ApiResponse(301, Map.of("Location", "console/"), ""), "no-cache");
    }
    String rest = path.substring(PREFIX.length() + 1);
    String name = rest.isEmpty() ? "index.html" : rest;
    Optional<String> body = isSafe(name) ? read(name) : Optional.empty();
    if (body.isEmpty()) {
      return secured(
          ApiResponse.problem(
              404, "not_found", "Not found", "the console has no file " + path, path),
          "no-cache");
    }
    String type = TYPES.get(extension(name));
    // Bundled scripts and styles carry a content hash in their names: they never change.
    String caching =
        name.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", type);
    return secured(new ApiResponse(200, headers, body.get()), caching);
  }

  private static ApiResponse secured(ApiResponse response, String caching) {
    return response
        .withHeader("Cache-Control", caching)
        .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .withHeader("X-Frame-Options", "DENY")
        .withHeader("Referrer-Policy", "no-referrer")
        .withHeader("Cross-Origin-Opener-Policy", "same-origin")
        .withHeader("Cross-Origin-Resource-Policy", "same-origin")
        .withHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  }

  private static boolean isSafe(String name) {
    String[] parts = name.split("/", -1);
    if (parts.length > 2) {
      return false;
    }
    for (String part : parts) {
      if (!FILE.matcher(part).matches() || part.contains("..")) {
        return false;
      }
    }
    return TYPES.containsKey(extension(name));
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private Optional<String> read(String name) {
    return files.computeIfAbsent(
        name,
        n -> {
          try (InputStream in = ConsolePage.class.getResourceAsStream(root + n)) {
            return in == null
                ? Optional.empty()
                : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
