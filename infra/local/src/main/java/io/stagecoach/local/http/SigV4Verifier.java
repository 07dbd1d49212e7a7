package io.stagecoach.local.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a request to one of the local cloud's AWS protocols is signed with Signature Version
 * 4 by the holder of the local credentials, as AWS would: the request's own signed headers, path,
 * query and body are signed again at the request's own time, and the two signatures must be equal.
 * (The SDK's signer cannot do this: it always adds and signs {@code x-amz-content-sha256}, which
 * the AWS CLI does not send for these services, so its signature differs from the CLI's.) The
 * credential's scope must name the local region and the service the request is addressed to, and
 * the request's time must be within 15 minutes of now.
 */
public final class SigV4Verifier {

  /** Why a request was refused, in AWS's terms: the error type and its message. */
  public record Refusal(String errorType, String message) {}

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final HexFormat HEX = HexFormat.of();
  private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();
  private static final Duration SKEW = Duration.ofMinutes(15);
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String MISMATCH =
      "The request signature we calculated does not match the signature you provided. Check your"
          + " AWS Secret Access Key and signing method. Consult the service documentation for"
          + " details.";

  private final LocalCredentials credentials;
  private final String region;
  private final Clock clock;

  public SigV4Verifier(LocalCredentials credentials, String region, Clock clock) {
    this.credentials = credentials;
    this.region = region;
    this.clock = clock;
  }

  /**
   * The refusal for a request that is not signed by the local credentials for {@code service};
   * empty when it is.
   */
  public Optional<Refusal> refusal(RawRequest request, String service) {
    String authorization = request.header("Authorization");
    if (authorization == null || authorization.isBlank()) {
      return refuse("MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    Optional<Header> parsed = Header.parse(authorization.trim());
    if (parsed.isEmpty()) {
      return refuse(
          "IncompleteSignatureException",
          "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters"
              + " of the "
              + ALGORITHM
              + " algorithm");
    }
    Header header = parsed.get();
    String[] scope = header.credential().split("/", -1);
    if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
      return refuse(
          "IncompleteSignatureException",
          "Credential should be scoped to a valid region, service and aws4_request terminator");
    }
    if (!MessageDigest.isEqual(bytes(scope[0]), bytes(credentials.accessKeyId()))) {
      return refuse(
          "UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    if (!scope[2].equals(region)) {
      return refuse(
          "InvalidSignatureException",
          "Credential should be scoped to a valid region, not '" + scope[2] + "'");
    }
    if (!scope[3].equals(service)) {
      return refuse(
          "InvalidSignatureException",
          "Credential should be scoped to correct service: '" + service + "'");
    }
    String amzDate = request.header("X-Amz-Date");
    Instant signedAt;
    try {
      signedAt = amzDate == null ? null : AMZ_DATE.parse(amzDate.trim(), Instant::from);
    } catch (DateTimeParseException e) {
      signedAt = null;
    }
    if (signedAt == null || !header.signedHeaders().contains("x-amz-date")) {
      return refuse(
          "IncompleteSignatureException", "the request must sign an X-Amz-Date header (ISO 8601)");
    }
    if (!amzDate.trim().startsWith(scope[1])) {
      return refuse(
          "InvalidSignatureException",
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from"
              + " HTTP");
    }
    Instant now = clock.instant();
    if (Duration.between(signedAt, now).abs().compareTo(SKEW) > 0) {
      return refuse(
          "InvalidSignatureException",
          "Signature expired: "
              + amzDate.trim()
              + " is now earlier than "
              + AMZ_DATE.format(now.minus(SKEW))
              + " ("
              + AMZ_DATE.format(now)
              + " - 15 min.)");
    }
    Optional<String> expected = expectedSignature(request, header, scope, amzDate.trim());
    if (expected.isEmpty()
        || !MessageDigest.isEqual(bytes(expected.get()), bytes(header.signature()))) {
      return refuse("InvalidSignatureException", MISMATCH);
    }
    return Optional.empty();
  }

  /**
   * The signature the holder of the local key would have sent: the canonical request of the SigV4
   * specification (double-encoded path as for every service but S3, sorted query, the signed
   * headers with trimmed values, the body's SHA-256), its string to sign, and the HMAC chain of the
   * secret over date, region, service and {@code aws4_request}.
   */
  private Optional<String> expectedSignature(
      RawRequest request, Header header, String[] scope, String amzDate) {
    String target = request.target();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Optional<String> query = canonicalQuery(q < 0 ? "" : target.substring(q + 1));
    if (query.isEmpty() || !path.startsWith("/")) {
      return Optional.empty();
    }
    StringBuilder headers = new StringBuilder();
    for (String name : header.signedHeaders()) {
      List<String> values = new ArrayList<>();
      for (Map.Entry<String, String> h : request.headers()) {
        if (h.getKey().equalsIgnoreCase(name)) {
          values.add(h.getValue().trim().replaceAll(" +", " "));
        }
      }
      if (values.isEmpty()) {
        return Optional.empty();
      }
      headers.append(name).append(':').append(String.join(",", values)).append('\n');
    }
    byte[] body = request.body() == null ? new byte[0] : request.body();
    String canonicalRequest =
        String.join(
            "\n",
            request.method(),
            encode(normalize(path), false),
            query.get(),
            headers.toString(),
            String.join(";", header.signedHeaders()),
            HEX.formatHex(sha256(body)));
    String stringToSign =
        String.join(
            "\n",
            ALGORITHM,
            amzDate,
            String.join("/", scope[1], scope[2], scope[3], scope[4]),
            HEX.formatHex(sha256(bytes(canonicalRequest))));
    byte[] key = bytes("AWS4" + credentials.secretAccessKey());
    for (int i = 1; i < scope.length; i++) {
      key = hmac(key, scope[i]);
    }
    return Optional.of(HEX.formatHex(hmac(key, stringToSign)));
  }

  /** Removes {@code .} and {@code ..} segments, keeping a trailing slash, as the signers do. */
  private static String normalize(String path) {
    if (!path.contains("/.")) {
      return path;
    }
    List<String> out = new ArrayList<>();
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
      } else if (!segment.equals(".")) {
        out.add(segment);
      }
    }
    return "/" + String.join("/", out);
  }

  /** Names and values decoded, then encoded strictly, sorted by name and value. */
  private static Optional<String> canonicalQuery(String raw) {
    List<String> pairs = new ArrayList<>();
    try {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        pairs.add(encode(name, true) + "=" + encode(value, true));
      }
    } catch (IllegalArgumentException badEncoding) {
      return Optional.empty();
    }
    pairs.sort(null);
    return Optional.of(String.join("&", pairs));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** RFC 3986 encoding of every byte but the unreserved characters (and '/', when kept). */
  private static String encode(String s, boolean encodeSlash) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (c == '/' && !encodeSlash)) {
        out.append(c);
      } else {
        out.append('%').append(HEX_UPPER.toHexDigits(b));
      }
    }
    return out.toString();
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(bytes(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no HmacSHA256", e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Optional<Refusal> refuse(String type, String message) {
    return Optional.of(new Refusal(type, message));
  }

  /** The parts of an {@code AWS4-HMAC-SHA256} Authorization header. */
  private record Header(String credential, List<String> signedHeaders, String signature) {

    static Optional<Header> parse(String value) {
      if (!value.startsWith(ALGORITHM + " ")) {
        return Optional.empty();
      }
      Map<String, String> parts = new LinkedHashMap<>();
      for (String part : value.substring(ALGORITHM.length() + 1).split(",")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
      }
      String credential = parts.get("Credential");
      String signed = parts.get("SignedHeaders");
      String signature = parts.get("Signature");
      if (credential == null || signed == null || signature == null || signed.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new Header(
              credential,
              List.of(signed.toLowerCase(Locale.ROOT).split(";")),
              signature.toLowerCase(Locale.ROOT)));
    }
  }
}
