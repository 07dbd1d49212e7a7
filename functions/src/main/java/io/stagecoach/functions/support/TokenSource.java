package io.stagecoach.functions.support;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random token ids and secrets. Secrets carry 256 bits and a recognisable {@code sc_} prefix. */
public final class TokenSource {

  private final SecureRandom random = new SecureRandom();

  public String newId() {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public String newSecret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return "sc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
