package io.stagecoach.local;

import io.stagecoach.local.http.RawRequest;

/**
 * How a request says which AWS API it calls: the {@code X-Amz-Target} header of the AWS JSON
 * protocols.
 */
final class ProxyTargets {

  private ProxyTargets() {}

  static String amzTarget(RawRequest request) {
    return request.header("X-Amz-Target");
  }
}
