package io.stagecoach.local.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The access key the local cloud's AWS protocols accept, made on first start and kept owner-only in
 * the data directory as a shared-credentials file with one profile, {@value #PROFILE}, so the AWS
 * CLI and SDKs can use it as it is ({@code AWS_SHARED_CREDENTIALS_FILE}) or copied with {@code aws
 * configure}.
 */
public record LocalCredentials(String accessKeyId, String secretAccessKey) {

  public static final String PROFILE = "stagecoach-local";
  public static final String FILE_NAME = "aws-credentials";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final char[] SECRET_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  public LocalCredentials {
    if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("local credentials need a key id and a secret");
    }
  }

  @Override
  public String toString() {
    return "LocalCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=(hidden)]";
  }

  /** A new random key: an id like AWS's (20 characters) and a 40-character secret. */
  public static LocalCredentials random() {
    return new LocalCredentials("SCLK" + draw(KEY_ID_CHARS, 16), draw(SECRET_CHARS, 40));
  }

  /**
   * The credentials kept in {@code file}, or new ones written there (owner-only from the start)
   * when it holds none. The second value says whether they were made now.
   */
  public static Loaded loadOrCreate(Path file) {
    Optional<LocalCredentials> existing = read(file);
    if (existing.isPresent()) {
      return new Loaded(existing.get(), false);
    }
    LocalCredentials fresh = random();
    writeOwnerOnly(
        file,
        String.join(
            "\n",
            List.of(
                "# Made by stagecoach serve: the only key its AWS protocols accept.",
                "[" + PROFILE + "]",
                "aws_access_key_id = " + fresh.accessKeyId(),
                "aws_secret_access_key = " + fresh.secretAccessKey(),
                "")));
    return new Loaded(fresh, true);
  }

  /** Credentials and whether they were made by this start. */
  public record Loaded(LocalCredentials credentials, boolean created) {}

  static Optional<LocalCredentials> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String id = null;
    String secret = null;
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String name = line.substring(0, eq).trim();
        String value = line.substring(eq + 1).trim();
        if (name.equals("aws_access_key_id")) {
          id = value;
        } else if (name.equals("aws_secret_access_key")) {
          secret = value;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the local credentials in " + file, e);
    }
    if (id == null || secret == null || id.isBlank() || secret.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new LocalCredentials(id, secret));
  }

  /**
   * Writes {@code text} to {@code file} through a sibling created owner-only (never readable by
   * others, even for a moment), moved atomically over whatever was there.
   */
  public static void writeOwnerOnly(Path file, String text) {
    try {
      Path fresh = file.resolveSibling(file.getFileName() + ".new");
      Files.deleteIfExists(fresh);
      try {
        Files.createFile(
            fresh,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(fresh);
      }
      Files.writeString(fresh, text, StandardCharsets.UTF_8);
      Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  private static String draw(char[] alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet[RANDOM.nextInt(alphabet.length)];
    }
    return new String(out);
  }
}
