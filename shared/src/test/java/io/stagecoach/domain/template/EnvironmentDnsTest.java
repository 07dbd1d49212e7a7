package io.stagecoach.domain.template;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DNS rules, checked without storage: each field that does not parse is named. */
class EnvironmentDnsTest {

  private static final String ACCOUNT = "123456789012";
  private static final String CERT_EU =
      "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
  private static final String CERT_US =
      "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

  private static DnsSpec spec(String hostname, String zone, String cert, String type) {
    return new DnsSpec(
        Optional.ofNullable(hostname),
        Optional.ofNullable(zone),
        Optional.ofNullable(cert),
        Optional.ofNullable(type));
  }

  private static List<String> fields(DnsSpec spec) {
    return EnvironmentDns.from(spec, ACCOUNT, "eu-west-1").errors().stream()
        .map(FieldError::field)
        .toList();
  }

  @Test
  void aRegionalName_withItsZoneAndACertificateOfItsRegion_isAccepted_inLowercase() {
    EnvironmentDns.Checked checked =
        EnvironmentDns.from(
            spec("API.Payments.Example.COM.", "Z0123456789ABCDEFGHIJ", CERT_EU, null),
            ACCOUNT,
            "eu-west-1");
    assertEquals(List.of(), checked.errors());
    EnvironmentDns dns = checked.dns().orElseThrow();
    assertEquals("api.payments.example.com", dns.hostname());
    assertEquals(EnvironmentDns.EndpointType.REGIONAL, dns.endpointType());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "api..example.com",
        ".example.com",
        "-api.example.com",
        "api-.example.com",
        "api_v2.example.com",
        "10.0.0.1",
        "api.exämple.com",
        ""
      })
  void aHostnameThatIsNotAFullyQualifiedName_isRefused_namingIt(String hostname) {
    assertEquals(List.of("dns.hostname"), fields(spec(hostname, null, null, null)));
  }

  @Test
  void hostnameLimits_labelsOf63_namesOf253_andALeadingWildcard() {
    assertEquals(List.of(), fields(spec("*.preview.example.com", null, null, null)));
    assertEquals(List.of(), fields(spec("a".repeat(63) + ".example.com", null, null, null)));
    assertEquals(
        List.of("dns.hostname"), fields(spec("a".repeat(64) + ".example.com", null, null, null)));
    String long253 = ("a".repeat(63) + ".").repeat(3) + "a".repeat(57) + ".com";
    assertEquals(253, long253.length());
    assertEquals(List.of(), fields(spec(long253, null, null, null)));
    assertEquals(List.of("dns.hostname"), fields(spec("a" + long253, null, null, null)));
    assertEquals(List.of("dns.hostname"), fields(spec(null, "Z123", null, null)), "required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"z0123", "0123ABC", "Z", "Zabc", "Z0123456789ABCDEFGHIJ0123456789ABCD"})
  void aHostedZoneIdNotShapedZAndCapitalsOrDigits_isRefused(String zone) {
    assertEquals(List.of("dns.hostedZoneId"), fields(spec("api.example.com", zone, null, null)));
  }

  @Test
  void theCertificate_mustBeAnAcmArn_ofTheEnvironmentsAccount_inTheRegionItsEndpointNeeds() {
    assertEquals(
        List.of("dns.certificateArn"),
        fields(
            spec("api.example.com", null, "arn:aws:iam::123456789012:server-certificate/x", null)));
    assertEquals(
        List.of("dns.certificateArn"),
        fields(spec("api.example.com", null, CERT_US, "regional")),
        "a regional endpoint takes a certificate of its own region");
    assertEquals(List.of(), fields(spec("api.example.com", null, CERT_US, "edge")));
    assertEquals(
        List.of("dns.certificateArn"),
        fields(spec("api.example.com", null, CERT_EU, "edge")),
        "an edge endpoint takes us-east-1 certificates only");
    assertEquals(
        List.of("dns.certificateArn"),
        fields(
            spec("api.example.com", null, CERT_EU.replace("123456789012", "999999999999"), null)),
        "another account's certificate");
    assertEquals(
        List.of("dns.endpointType"), fields(spec("api.example.com", null, null, "private")));
  }

  @Test
  void theParameters_areTheDeclaredNames_withTheEndpointTypeAsApiGatewaySpellsIt() {
    EnvironmentDns dns =
        EnvironmentDns.from(
                spec("api.example.com", "Z0123456789ABCDEFGHIJ", CERT_US, "edge"),
                ACCOUNT,
                "eu-west-1")
            .dns()
            .orElseThrow();
    assertEquals(
        Map.of(
            "DnsHostname", "api.example.com",
            "HostedZoneId", "Z0123456789ABCDEFGHIJ",
            "CertificateArn", CERT_US,
            "DnsEndpointType", "EDGE"),
        dns.parameters());
  }
}
