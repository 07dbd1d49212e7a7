package io.stagecoach.domain.template;

import io.stagecoach.domain.common.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name an environment answers at: its {@code hostname}, the Route 53 hosted zone that holds the
 * record ({@code hostedZoneId}) and the ACM certificate for it ({@code certificateArn}), for an API
 * Gateway endpoint of {@code endpointType}. Stagecoach passes them to the environment's template as
 * the parameters {@link #PARAMETERS} names, to templates that declare them; it makes no record and
 * no domain itself.
 */
public record EnvironmentDns(
    String hostname,
    Optional<String> hostedZoneId,
    Optional<String> certificateArn,
    EndpointType endpointType) {

  /**
   * API Gateway's endpoint types: an edge-optimized endpoint takes certificates from us-east-1
   * only, a regional one from its own region
   * (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains-prerequisites.html).
   */
  public enum EndpointType {
    REGIONAL,
    EDGE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<EndpointType> fromWire(String value) {
      for (EndpointType t : values()) {
        if (t.wireName().equals(value)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  /** The stack parameters, by the field they carry. */
  public static final String HOSTNAME_PARAMETER = "DnsHostname";

  public static final String HOSTED_ZONE_PARAMETER = "HostedZoneId";
  public static final String CERTIFICATE_PARAMETER = "CertificateArn";
  public static final String ENDPOINT_TYPE_PARAMETER = "DnsEndpointType";
  public static final List<String> PARAMETERS =
      List.of(
          HOSTNAME_PARAMETER,
          HOSTED_ZONE_PARAMETER,
          CERTIFICATE_PARAMETER,
          ENDPOINT_TYPE_PARAMETER);

  /** The region whose certificates edge-optimized endpoints (CloudFront) take. */
  public static final String EDGE_CERTIFICATE_REGION = "us-east-1";

  private static final int MAX_HOSTNAME = 253;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern HOSTED_ZONE = Pattern.compile("Z[A-Z0-9]{1,31}");
  private static final Pattern CERTIFICATE =
      Pattern.compile(
          "arn:aws(?:-cn|-us-gov)?:acm:([a-z]{2}(?:-[a-z]+)+-\\d{1,2}):(\\d{12}):certificate/"
              + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * The DNS {@code spec} describes for an environment in {@code account} and {@code region}, or
   * every field that is wrong (named {@code dns.hostname}, {@code dns.hostedZoneId}, ...).
   */
  public static Checked from(DnsSpec spec, String account, String region) {
    List<FieldError> errors = new ArrayList<>();
    String hostname = null;
    if (spec.hostname().isEmpty()) {
      errors.add(new FieldError("dns.hostname", "is required"));
    } else {
      Optional<String> problem = hostnameProblem(spec.hostname().get());
      if (problem.isPresent()) {
        errors.add(new FieldError("dns.hostname", problem.get()));
      } else {
        hostname = normalised(spec.hostname().get());
      }
    }
    spec.hostedZoneId()
        .filter(z -> !HOSTED_ZONE.matcher(z).matches())
        .ifPresent(
            z ->
                errors.add(
                    new FieldError(
                        "dns.hostedZoneId",
                        "must be a Route 53 hosted zone id: Z and up to 31 capital letters and"
                            + " digits, such as Z0123456789ABCDEFGHIJ")));
    EndpointType type = EndpointType.REGIONAL;
    if (spec.endpointType().isPresent()) {
      Optional<EndpointType> parsed = EndpointType.fromWire(spec.endpointType().get());
      if (parsed.isEmpty()) {
        errors.add(new FieldError("dns.endpointType", "must be regional or edge"));
      } else {
        type = parsed.get();
      }
    }
    if (spec.certificateArn().isPresent()) {
      certificateProblem(spec.certificateArn().get(), type, account, region)
          .ifPresent(p -> errors.add(new FieldError("dns.certificateArn", p)));
    }
    if (!errors.isEmpty()) {
      return new Checked(Optional.empty(), errors);
    }
    return new Checked(
        Optional.of(new EnvironmentDns(hostname, spec.hostedZoneId(), spec.certificateArn(), type)),
        List.of());
  }

  /** The DNS, or what is wrong with its fields. */
  public record Checked(Optional<EnvironmentDns> dns, List<FieldError> errors) {
    public Checked {
      errors = List.copyOf(errors);
    }
  }

  /**
   * RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, 1-63 characters
   * each, at most 253 in all, at least two labels and a top-level label that is not all digits; a
   * leading {@code *.} names a wildcard. Letters are compared without case and stored in lowercase;
   * one trailing dot (the root) is dropped.
   */
  static Optional<String> hostnameProblem(String value) {
    String name = normalised(value);
    if (name.isEmpty()) {
      return Optional.of("is required");
    }
    if (name.length() > MAX_HOSTNAME) {
      return Optional.of("must be at most " + MAX_HOSTNAME + " characters");
    }
    String[] labels = name.split("\\.", -1);
    if (labels.length < 2) {
      return Optional.of("must be a fully qualified name such as api.example.com");
    }
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (i == 0 && label.equals("*")) {
        continue;
      }
      if (label.isEmpty()) {
        return Optional.of("must not have empty labels (two dots in a row, or a leading dot)");
      }
      if (label.length() > 63) {
        return Optional.of("labels must be at most 63 characters ('" + label + "' is longer)");
      }
      if (!LABEL.matcher(label).matches()) {
        return Optional.of(
            "labels are letters, digits and '-', not starting or ending with '-' ('"
                + label
                + "' is not)");
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      return Optional.of("must be a host name, not an IP address");
    }
    return Optional.empty();
  }

  private static String normalised(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  static Optional<String> certificateProblem(
      String arn, EndpointType type, String account, String region) {
    Matcher m = CERTIFICATE.matcher(arn);
    if (!m.matches()) {
      return Optional.of(
          "must be an ACM certificate ARN such as"
              + " arn:aws:acm:us-east-1:123456789012:certificate/"
              + "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
    }
    String certificateRegion = m.group(1);
    String certificateAccount = m.group(2);
    if (account != null && !certificateAccount.equals(account)) {
      return Optional.of(
          "must be a certificate of the environment's account "
              + account
              + " (it is in "
              + certificateAccount
              + "): API Gateway uses certificates of its own account only");
    }
    if (type == EndpointType.EDGE && !certificateRegion.equals(EDGE_CERTIFICATE_REGION)) {
      return Optional.of(
          "an edge-optimized endpoint needs a certificate in "
              + EDGE_CERTIFICATE_REGION
              + " (this one is in "
              + certificateRegion
              + ")");
    }
    if (type == EndpointType.REGIONAL && region != null && !certificateRegion.equals(region)) {
      return Optional.of(
          "a regional endpoint needs a certificate in the environment's region "
              + region
              + " (this one is in "
              + certificateRegion
              + "); for an edge-optimized endpoint set dns.endpointType to edge");
    }
    return Optional.empty();
  }

  /** The stack parameters this DNS gives a template that declares them. */
  public Map<String, String> parameters() {
    Map<String, String> values = new TreeMap<>();
    values.put(HOSTNAME_PARAMETER, hostname);
    hostedZoneId.ifPresent(z -> values.put(HOSTED_ZONE_PARAMETER, z));
    certificateArn.ifPresent(c -> values.put(CERTIFICATE_PARAMETER, c));
    // As API Gateway's EndpointConfiguration.Types spells them.
    values.put(ENDPOINT_TYPE_PARAMETER, endpointType.name());
    return values;
  }
}
