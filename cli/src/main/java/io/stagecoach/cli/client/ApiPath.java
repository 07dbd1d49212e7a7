package io.stagecoach.cli.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A path under the API's base URL, built from segments that are percent-encoded one by one, so that
 * a name typed on the command line can never change which route is called.
 */
public record ApiPath(String value) {

  public static ApiPath of(String... segments) {
    StringBuilder path = new StringBuilder();
    for (String segment : segments) {
      path.append('/').append(encode(segment));
    }
    return new ApiPath(path.toString());
  }

  /** This path with one more segment (before any query). */
  public ApiPath child(String segment) {
    if (value.contains("?")) {
      throw new IllegalStateException("add segments before the query: " + value);
    }
    return new ApiPath(value + "/" + encode(segment));
  }

  /** This path with a query parameter added; a null value adds nothing. */
  public ApiPath query(String name, Object value) {
    if (value == null) {
      return this;
    }
    String separator = this.value.contains("?") ? "&" : "?";
    return new ApiPath(this.value + separator + encode(name) + "=" + encode(String.valueOf(value)));
  }

  private static String encode(String text) {
    // URLEncoder encodes for forms: a space becomes '+', which a path would keep as a plus sign.
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return value;
  }
}
