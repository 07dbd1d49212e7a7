package io.stagecoach.domain.deployment;

import io.stagecoach.domain.plan.ParameterChange;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.SecretReference;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The values a provisioner may pass as the stack's parameters. A template declares the parameters
 * it wants; only those are passed (CloudFormation refuses undeclared ones):
 *
 * <ul>
 *   <li>{@code StagecoachApp}, {@code StagecoachEnvironment}, {@code StagecoachTier};
 *   <li>{@code ReleaseVersion}, {@code ArtifactUri}, {@code ArtifactDigest} (deployments only);
 *   <li>{@code DnsHostname}, {@code HostedZoneId}, {@code CertificateArn} and {@code
 *       DnsEndpointType} ({@code REGIONAL} or {@code EDGE}), from the environment's {@code dns}
 *       when it declares one ({@link io.stagecoach.domain.template.EnvironmentDns});
 *   <li>each config entry under its own key;
 *   <li>each secret as a CloudFormation dynamic reference ({@code {{resolve:secretsmanager:...}}}
 *       or {@code {{resolve:ssm-secure:...}}}), so the value is read by CloudFormation and never
 *       passes here.
 * </ul>
 */
public final class StackParameters {

  private StackParameters() {}

  /** Every value available to the template, by parameter name. */
  public static Map<String, String> available(ProvisioningRequest request) {
    Environment env = request.environment();
    Map<String, String> values = new TreeMap<>(env.config());
    env.secrets().forEach((name, ref) -> values.put(name, dynamicReference(ref)));
    values.put("StagecoachApp", env.app());
    values.put("StagecoachEnvironment", env.name());
    values.put("StagecoachTier", env.tier().wireName());
    env.dns().ifPresent(dns -> values.putAll(dns.parameters()));
    request
        .release()
        .ifPresent(
            r -> {
              values.put("ReleaseVersion", r.version());
              values.put("ArtifactUri", r.artifactUri());
              values.put("ArtifactDigest", r.digest());
            });
    return values;
  }

  /**
   * The values for the parameters a template declares; a declared parameter without a value keeps
   * its default.
   */
  public static Map<String, String> forDeclared(ProvisioningRequest request, Set<String> declared) {
    Map<String, String> chosen = new TreeMap<>();
    available(request)
        .forEach(
            (k, v) -> {
              if (declared.contains(k)) {
                chosen.put(k, v);
              }
            });
    return chosen;
  }

  /** Where the value of parameter {@code name} comes from, by the rules above. */
  public static ParameterChange.Source sourceOf(ProvisioningRequest request, String name) {
    if (request.environment().secrets().containsKey(name)) {
      return ParameterChange.Source.SECRET;
    }
    if (request.environment().config().containsKey(name)) {
      return ParameterChange.Source.CONFIG;
    }
    return switch (name) {
      case "ReleaseVersion", "ArtifactUri", "ArtifactDigest" -> ParameterChange.Source.RELEASE;
      case "StagecoachApp", "StagecoachEnvironment", "StagecoachTier" ->
          ParameterChange.Source.STAGECOACH;
      default -> ParameterChange.Source.DEFAULT;
    };
  }

  /** The tags every stack carries. */
  public static Map<String, String> tags(ProvisioningRequest request) {
    Map<String, String> tags = new TreeMap<>();
    tags.put("stagecoach:app", request.environment().app());
    tags.put("stagecoach:env", request.environment().name());
    request
        .release()
        .map(Release::version)
        .or(() -> Optional.of("none"))
        .ifPresent(v -> tags.put("stagecoach:release", v));
    request
        .templateRevision()
        .ifPresent(r -> tags.put("stagecoach:template-revision", Integer.toString(r)));
    return tags;
  }

  /**
   * The dynamic reference for a secret: CloudFormation resolves it while it creates the stack
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html).
   */
  public static String dynamicReference(SecretReference secret) {
    String ref = secret.reference();
    if (ref.startsWith("ssm:")) {
      return "{{resolve:ssm-secure:" + ref.substring("ssm:".length()) + "}}";
    }
    if (ref.contains(":ssm:")) {
      return "{{resolve:ssm-secure:"
          + ref.substring(ref.indexOf(":parameter/") + ":parameter".length())
          + "}}";
    }
    return "{{resolve:secretsmanager:" + ref + "}}";
  }
}
