package io.stagecoach.domain.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** How token secrets are kept: as their SHA-256, so a leaked table reveals no usable token. */
public final class Secrets {

  private Secrets() {}

  /**
   * Token secrets are 256 random bits, so a plain SHA-256 is enough: there is nothing to
   * brute-force, unlike a password, and a fast hash keeps the authorizer cheap.
   */
  public static String hash(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
