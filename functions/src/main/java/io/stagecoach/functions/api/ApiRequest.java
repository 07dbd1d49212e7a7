package io.stagecoach.functions.api;

import io.stagecoach.domain.access.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A routed request: path parameters decoded, headers case-insensitive, the caller authenticated,
 * and the URL it was sent to up to the API's routes ({@code baseUrl}).
 */
record ApiRequest(
    String method,
    String path,
    Map<String, String> pathParameters,
    Map<String, String> query,
    Map<String, String> headers,
    Optional<String> body,
    Optional<Principal> principal,
    String requestId,
    String baseUrl) {

  ApiRequest {
    TreeMap<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseInsensitive.putAll(headers);
    headers = caseInsensitive;
  }

  String param(String name) {
    return pathParameters.get(name);
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  Optional<String> queryParam(String name) {
    return Optional.ofNullable(query.get(name));
  }

  Principal caller() {
    return principal.orElseThrow(
        () -> new IllegalStateException("route needs an authenticated caller"));
  }
}
