package io.stagecoach.infra.aws;

/**
 * Stage-wide throttling of the REST API: a steady rate in requests per second and a burst (token
 * bucket size). Requests over it are answered 429 by API Gateway before any function runs
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 */
public record ApiThrottling(double rateLimit, int burstLimit) {

  public static final ApiThrottling DEFAULT = new ApiThrottling(50, 100);

  public ApiThrottling {
    if (!(rateLimit > 0) || Double.isInfinite(rateLimit)) {
      throw new IllegalArgumentException(
          "throttling rate limit must be a positive number, got " + rateLimit);
    }
    if (burstLimit < 1) {
      throw new IllegalArgumentException(
          "throttling burst limit must be at least 1, got " + burstLimit);
    }
    if (burstLimit < rateLimit) {
      throw new IllegalArgumentException(
          "throttling burst limit ("
              + burstLimit
              + ") below the rate limit ("
              + rateLimit
              + ") would throttle a steady load at the limit");
    }
  }
}
