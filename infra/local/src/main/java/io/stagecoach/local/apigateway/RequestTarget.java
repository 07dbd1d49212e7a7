package io.stagecoach.local.apigateway;

/**
 * Where a request goes, as API Gateway reads the request target: leading slashes collapse, the
 * stage is the first part, and the path the function sees is what follows it without its leading
 * slashes (inner double slashes and a trailing slash stay). The local cloud also serves the API at
 * the root, without the stage part, so that {@code http://127.0.0.1:4566/v1/apps} works as well as
 * {@code .../live/v1/apps}.
 */
public record RequestTarget(String path, String contextPath, String rawQuery) {

  public static RequestTarget parse(String target, String stage) {
    String raw = target;
    int hash = raw.indexOf('#');
    if (hash >= 0) {
      raw = raw.substring(0, hash);
    }
    String rawQuery = null;
    int q = raw.indexOf('?');
    if (q >= 0) {
      rawQuery = raw.substring(q + 1);
      raw = raw.substring(0, q);
    }
    String collapsed = "/" + raw.replaceFirst("^/+", "");
    String stagePrefix = "/" + stage;
    if (collapsed.equals(stagePrefix) || collapsed.startsWith(stagePrefix + "/")) {
      String rest = collapsed.substring(stagePrefix.length());
      return new RequestTarget("/" + rest.replaceFirst("^/+", ""), collapsed, rawQuery);
    }
    return new RequestTarget(collapsed, stagePrefix + collapsed, rawQuery);
  }
}
