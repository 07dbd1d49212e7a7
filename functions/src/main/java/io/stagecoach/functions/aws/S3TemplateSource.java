package io.stagecoach.functions.aws;

import io.stagecoach.domain.template.TemplateRevision;
import io.stagecoach.domain.template.TemplateSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Reads templates from S3 with one signed {@code GetObject}, from the buckets Stagecoach is allowed
 * to read ({@code TEMPLATE_BUCKETS}; the API function's role may read only those). It signs with
 * the SDK's SigV4 signer and sends with its URLConnection client: a whole S3 client for one call
 * would add megabytes to every function's jar.
 *
 * <p>An {@code s3://bucket/key} location is looked for in the function's region; S3 answers a
 * bucket of another region with that region ({@code x-amz-bucket-region}), and the read is made
 * there (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 */
public final class S3TemplateSource implements TemplateSource {

  /** SHA-256 of nothing: a GET's payload, which S3 wants stated ({@code x-amz-content-sha256}). */
  private static final String EMPTY_PAYLOAD =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final Pattern VIRTUAL_HOSTED =
      Pattern.compile(
          "([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\\.s3[.-](?:([a-z0-9-]+)\\.)?amazonaws\\.com");
  private static final Pattern PATH_STYLE =
      Pattern.compile("s3[.-](?:([a-z0-9-]+)\\.)?amazonaws\\.com|s3\\.amazonaws\\.com");

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final Set<String> buckets;
  private final Optional<URI> endpoint;

  /**
   * @param region where buckets named by {@code s3://} are looked for first
   * @param buckets the buckets templates may be read from; none: every URL is refused
   * @param endpoint another S3 endpoint (path-style requests), for tests; empty: AWS
   */
  public S3TemplateSource(
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      Region region,
      Set<String> buckets,
      Optional<URI> endpoint) {
    this.http = http;
    this.credentials = credentials;
    this.region = region;
    this.buckets = Set.copyOf(buckets);
    this.endpoint = endpoint;
  }

  /** Where a template lives: its bucket, key and (from an https URL) region. */
  record Location(String bucket, String key, Optional<String> region) {}

  /** The bucket and key of an {@code s3://} or S3 {@code https://} URL, if it is one. */
  static Optional<Location> locate(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if ("s3".equals(uri.getScheme()) && uri.getHost() != null && path.length() > 1) {
      return Optional.of(new Location(uri.getHost(), path.substring(1), Optional.empty()));
    }
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      return Optional.empty();
    }
    Matcher hosted = VIRTUAL_HOSTED.matcher(uri.getHost());
    if (hosted.matches() && path.length() > 1) {
      return Optional.of(
          new Location(hosted.group(1), path.substring(1), Optional.ofNullable(hosted.group(2))));
    }
    Matcher pathStyle = PATH_STYLE.matcher(uri.getHost());
    int slash = path.indexOf('/', 1);
    if (pathStyle.matches() && slash > 1 && slash < path.length() - 1) {
      return Optional.of(
          new Location(
              path.substring(1, slash),
              path.substring(slash + 1),
              Optional.ofNullable(pathStyle.group(1))));
    }
    return Optional.empty();
  }

  @Override
  public Read read(String url) {
    Optional<Location> located = locate(url);
    if (located.isEmpty()) {
      return new Read.Unreadable("must be s3://bucket/key or an https:// Amazon S3 URL");
    }
    Location location = located.get();
    if (!buckets.contains(location.bucket())) {
      return new Read.Unreadable(
          "Stagecoach reads templates only from the buckets it is given (CDK context"
              + " stagecoach:templateBuckets: "
              + (buckets.isEmpty() ? "none" : String.join(", ", new TreeSet<>(buckets)))
              + "); "
              + location.bucket()
              + " is not one of them");
    }
    String in = location.region().orElse(region.id());
    Answer answer = get(location, in);
    if (answer.bucketRegion().isPresent() && !answer.bucketRegion().get().equals(in)) {
      // The bucket lives elsewhere: S3 said where.
      answer = get(location, answer.bucketRegion().get());
    }
    return switch (answer.status()) {
      case 200 -> found(url, answer);
      case 403 ->
          new Read.Unreadable(
              "Stagecoach may not read " + url + " (S3 answered 403 " + answer.code() + ")");
      case 404 -> new Read.Unreadable("there is no object at " + url);
      default -> {
        if (answer.status() >= 500) {
          throw new IllegalStateException(
              "S3 answered " + answer.status() + " " + answer.code() + " reading " + url);
        }
        yield new Read.Unreadable(
            "S3 refused to read " + url + " (" + answer.status() + " " + answer.code() + ")");
      }
    };
  }

  private static Read found(String url, Answer answer) {
    if (answer.body().length > TemplateRevision.MAX_BODY_BYTES) {
      return new Read.Unreadable(
          "the object at "
              + url
              + " is larger than the "
              + TemplateRevision.MAX_BODY_BYTES
              + " bytes Stagecoach pins");
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(answer.body()))
              .toString();
      // S3 says "null" for an object written while the bucket kept no versions.
      return new Read.Found(text, answer.version().filter(v -> !v.equals("null")));
    } catch (CharacterCodingException e) {
      return new Read.Unreadable("the object at " + url + " is not UTF-8 text");
    }
  }

  /** What S3 answered: status, error code, body (read up to one byte past the limit), headers. */
  private record Answer(
      int status,
      String code,
      byte[] body,
      Optional<String> version,
      Optional<String> bucketRegion) {}

  private Answer get(Location location, String inRegion) {
    String encodedKey = SdkHttpUtils.urlEncodeIgnoreSlashes(location.key());
    URI uri =
        endpoint
            .map(e -> URI.create(e + "/" + location.bucket() + "/" + encodedKey))
            .orElseGet(
                () ->
                    URI.create(
                        "https://"
                            + location.bucket()
                            + ".s3."
                            + inRegion
                            + ".amazonaws.com/"
                            + encodedKey));
    SdkHttpRequest unsigned =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(uri)
            .putHeader("x-amz-content-sha256", EMPTY_PAYLOAD)
            .build();
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(credentials.resolveCredentials())
                        .request(unsigned)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, inRegion)
                        // S3 signs the path as sent: no second encoding, no normalising.
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false));
    ExecutableHttpRequest call =
        http.prepareRequest(HttpExecuteRequest.builder().request(signed.request()).build());
    try {
      HttpExecuteResponse response = call.call();
      int status = response.httpResponse().statusCode();
      byte[] body = new byte[0];
      if (response.responseBody().isPresent()) {
        try (InputStream in = response.responseBody().get()) {
          body = in.readNBytes(TemplateRevision.MAX_BODY_BYTES + 1);
        }
      }
      return new Answer(
          status,
          status == 200 ? "" : errorCode(body),
          body,
          response.httpResponse().firstMatchingHeader("x-amz-version-id"),
          response.httpResponse().firstMatchingHeader("x-amz-bucket-region"));
    } catch (IOException e) {
      throw new UncheckedIOException("S3 could not be reached reading " + uri, e);
    }
  }

  /** The {@code <Code>} of S3's XML error body, without an XML parser for one element. */
  private static String errorCode(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    int start = text.indexOf("<Code>");
    int end = text.indexOf("</Code>");
    return start >= 0 && end > start ? text.substring(start + "<Code>".length(), end) : "";
  }
}
