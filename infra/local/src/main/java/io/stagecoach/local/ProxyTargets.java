package io.stagecoach.local;

import io.stagecoach.local.http.RawRequest;
import java.util.Map;

/** How a request says which AWS API it calls: the {@code X-Amz-Target} header of the AWS JSON protocols. */
final class ProxyTargets {

  private ProxyTargets() {}

  static String amzTarget(RawRequest request) {
    for (Map.Entry<String, String> h : request.headers()) {
      if (h.getKey().equalsIgnoreCase("X-Amz-Target")) {
        return h.getValue();
      }
    }
    return null;
  }
}
