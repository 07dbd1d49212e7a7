package io.stagecoach.provisioning.cloudformation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names of the change sets Stagecoach makes. A deployment's change set is named after its
 * deployment id, so a repeated apply finds it again. CloudFormation allows at most 128 characters
 * matching {@code [a-zA-Z][-a-zA-Z0-9]*}
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html); an
 * id that does not fit as it is gets a hash of itself appended, so that two ids never share a name.
 */
final class ChangeSetNames {

  static final int MAX_LENGTH = 128;
  private static final String PREFIX = "stagecoach-";
  private static final Pattern FITS = Pattern.compile("[-a-zA-Z0-9]*");
  private static final int HASH_CHARS = 12;

  private ChangeSetNames() {}

  static String forDeployment(String deploymentId) {
    String plain = PREFIX + deploymentId;
    if (plain.length() <= MAX_LENGTH && FITS.matcher(deploymentId).matches()) {
      return plain;
    }
    String hash = shortHash(deploymentId);
    String cleaned = PREFIX + deploymentId.replaceAll("[^-a-zA-Z0-9]", "-");
    int room = MAX_LENGTH - hash.length() - 1;
    return cleaned.substring(0, Math.min(cleaned.length(), room)) + "-" + hash;
  }

  /**
   * A plan's change set lives only while the plan is read, so it needs only to differ from every
   * other one.
   */
  static String forPlan(String deploymentId, Instant at) {
    return PREFIX + "plan-" + shortHash(deploymentId + "@" + at);
  }

  private static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
