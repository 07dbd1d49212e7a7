package io.stagecoach.domain.deployment;

import static io.stagecoach.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.cost.UsageAssumptions;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.EnvironmentDns;
import io.stagecoach.domain.template.EnvironmentTemplate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a template receives: only the parameters it declares, DNS among them. */
class StackParametersTest {

  private static Environment environment(Optional<EnvironmentDns> dns) {
    return new Environment(
        "payments",
        "dev",
        EnvironmentKind.PIPELINE,
        Tier.DEV,
        "123456789012",
        "eu-west-1",
        Map.of("LOG_LEVEL", "debug"),
        Map.of(),
        UsageAssumptions.DEFAULT,
        false,
        "alice",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        NOW,
        "alice",
        NOW,
        1,
        dns);
  }

  private static ProvisioningRequest request(Optional<EnvironmentDns> dns) {
    return new ProvisioningRequest(
        "d-0123456789ab",
        environment(dns),
        Optional.of(
            Release.registered(
                "payments", "1.0", "s3://a/1.0.zip", DIGEST, Optional.empty(), NOW, "alice")),
        EnvironmentTemplate.inline(ORDERS_TEMPLATE),
        Optional.of(3));
  }

  private static final EnvironmentDns DNS =
      new EnvironmentDns(
          "api.payments.example.com",
          Optional.of("Z0123456789ABCDEFGHIJ"),
          Optional.empty(),
          EnvironmentDns.EndpointType.REGIONAL);

  @Test
  void dnsParameters_reachATemplateThatDeclaresThem_only() {
    assertEquals(
        Map.of(
            "DnsHostname", "api.payments.example.com",
            "HostedZoneId", "Z0123456789ABCDEFGHIJ",
            "ReleaseVersion", "1.0"),
        StackParameters.forDeclared(
            request(Optional.of(DNS)),
            Set.of("DnsHostname", "HostedZoneId", "CertificateArn", "ReleaseVersion")),
        "a certificate the environment does not name is left to the parameter's default");
    assertEquals(
        Map.of("ReleaseVersion", "1.0"),
        StackParameters.forDeclared(request(Optional.of(DNS)), Set.of("ReleaseVersion")),
        "a template that declares no DNS parameter gets none");
    assertEquals(
        Map.of("ReleaseVersion", "1.0"),
        StackParameters.forDeclared(
            request(Optional.empty()), Set.of("DnsHostname", "ReleaseVersion")),
        "an environment without DNS passes none");
  }

  @Test
  void theStack_isTaggedWithTheTemplateRevisionItIsMadeFrom() {
    assertEquals(
        "3", StackParameters.tags(request(Optional.empty())).get("stagecoach:template-revision"));
    assertEquals("1.0", StackParameters.tags(request(Optional.empty())).get("stagecoach:release"));
  }
}
