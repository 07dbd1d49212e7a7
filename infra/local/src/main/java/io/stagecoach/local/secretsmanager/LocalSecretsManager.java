package io.stagecoach.local.secretsmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Secrets Manager's {@code GetSecretValue} (AWS JSON 1.1, {@code X-Amz-Target:
 * secretsmanager.GetSecretValue}) over a local secret store: one owner-only file per secret under
 * the data directory's {@code secrets/}, named by the secret's URL-encoded name. Values are set
 * through the local cloud's admin route, never from the template; the template's {@code
 * AWS::SecretsManager::Secret} names are known so that a secret nobody set yet is reported as such.
 * Values are never logged and never part of an error. See
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
public final class LocalSecretsManager {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String JSON_1_1 = "application/x-amz-json-1.1";
  private static final String TARGET_PREFIX = "secretsmanager.";

  /** Secret names: 1-512 of letters, digits and {@code /_+=.@-} (the API's own rule). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");

  /** The largest value Secrets Manager stores. */
  public static final int MAX_VALUE_BYTES = 65_536;

  private final Path dir;
  private final Set<String> declared;
  private final String region;
  private final String account;

  /** {@code declared}: the names of the template's secrets. */
  public LocalSecretsManager(Path dir, Set<String> declared, String region, String account) {
    this.dir = dir;
    this.declared = Set.copyOf(declared);
    this.region = region;
    this.account = account;
  }

  public static boolean handles(String amzTarget) {
    return amzTarget != null && amzTarget.startsWith(TARGET_PREFIX);
  }

  public static boolean isValidName(String name) {
    // "." and ".." are names the API allows, but here they would be the store's own directory or
    // its parent.
    return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  /** Sets a secret's value (owner-only file, replaced atomically). */
  public void put(String name, String value) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException("not a secret name");
    }
    try {
      Files.createDirectories(dir);
      restrict(dir, "rwx------");
      Path file = file(name);
      Path fresh = dir.resolve(file.getFileName() + ".new");
      Files.deleteIfExists(fresh);
      try {
        Files.createFile(
            fresh,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(fresh);
      }
      Files.writeString(fresh, value, StandardCharsets.UTF_8);
      Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not keep secret " + name + " under " + dir, e);
    }
  }

  public boolean delete(String name) {
    try {
      return isValidName(name) && Files.deleteIfExists(file(name));
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete secret " + name, e);
    }
  }

  /** Every secret the template declares or the store holds, and whether it has a value. */
  public Map<String, Boolean> names() {
    Set<String> all = new TreeSet<>(declared);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        files
            .map(f -> f.getFileName().toString())
            .filter(n -> !n.endsWith(".new"))
            .map(n -> URLDecoder.decode(n, StandardCharsets.UTF_8))
            .forEach(all::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Map<String, Boolean> names = new java.util.TreeMap<>();
    all.forEach(n -> names.put(n, Files.isRegularFile(file(n))));
    return names;
  }

  public RawResponse handle(RawRequest request) {
    String target = request.header("X-Amz-Target");
    if (!"POST".equals(request.method()) || target == null || !target.startsWith(TARGET_PREFIX)) {
      return error(
          400,
          "UnknownOperationException",
          "Secrets Manager takes POST requests with an X-Amz-Target");
    }
    if (!target.equals(TARGET_PREFIX + "GetSecretValue")) {
      return error(
          400,
          "UnknownOperationException",
          "Operation "
              + target.substring(TARGET_PREFIX.length())
              + " is not supported by the local cloud; set secrets with PUT /_stagecoach/secrets/{name}");
    }
    JsonNode body;
    try {
      body = MAPPER.readTree(request.body());
    } catch (IOException e) {
      return error(400, "InvalidRequestException", "The request body is not JSON");
    }
    String secretId = body == null ? "" : body.path("SecretId").asText("");
    if (body != null
        && (body.has("VersionId") || body.has("VersionStage"))
        && !"AWSCURRENT".equals(body.path("VersionStage").asText("AWSCURRENT"))) {
      return error(
          400,
          "ResourceNotFoundException",
          "The local secret store keeps the current version only");
    }
    Optional<String> name = nameOf(secretId);
    if (name.isEmpty()) {
      return error(
          400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    Path file = file(name.get());
    if (!Files.isRegularFile(file)) {
      return error(
          400,
          "ResourceNotFoundException",
          declared.contains(name.get())
              ? "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT (set it with"
                  + " PUT /_stagecoach/secrets/"
                  + name.get()
                  + ")"
              : "Secrets Manager can't find the specified secret.");
    }
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8);
      long modified = Files.getLastModifiedTime(file).toMillis();
      ObjectNode answer = MAPPER.createObjectNode();
      answer.put("ARN", arn(name.get()));
      answer.put("Name", name.get());
      answer.put(
          "VersionId",
          UUID.nameUUIDFromBytes((name.get() + "@" + modified).getBytes(StandardCharsets.UTF_8))
              .toString());
      answer.put("SecretString", value);
      answer.putArray("VersionStages").add("AWSCURRENT");
      answer.put("CreatedDate", modified / 1000.0);
      return json(200, answer.toString(), null);
    } catch (AccessDeniedException e) {
      return error(
          400, "AccessDeniedException", "The local secret store could not read the secret");
    } catch (IOException e) {
      return error(500, "InternalServiceError", "The local secret store could not read the secret");
    }
  }

  /**
   * The name a {@code SecretId} stands for: the name itself, or an ARN of this store (with its
   * suffix).
   */
  private Optional<String> nameOf(String secretId) {
    if (isValidName(secretId)) {
      return Optional.of(secretId);
    }
    String prefix = "arn:aws:secretsmanager:" + region + ":" + account + ":secret:";
    if (!secretId.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = secretId.substring(prefix.length());
    for (String candidate : List.of(rest, rest.replaceFirst("-[A-Za-z0-9]{6}$", ""))) {
      if (isValidName(candidate) && arn(candidate).equals(secretId)) {
        return Optional.of(candidate);
      }
    }
    return isValidName(rest) ? Optional.of(rest) : Optional.empty();
  }

  /** What AWS would call it: the name, a hyphen and six characters (here derived from the name). */
  public String arn(String name) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return "arn:aws:secretsmanager:"
          + region
          + ":"
          + account
          + ":secret:"
          + name
          + "-"
          + HexFormat.of().formatHex(hash).substring(0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private Path file(String name) {
    return dir.resolve(URLEncoder.encode(name, StandardCharsets.UTF_8));
  }

  private static void restrict(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the data directory's own protection applies.
    }
  }

  private static RawResponse error(int status, String type, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("__type", type);
    body.put("Message", message);
    return json(status, body.toString(), type);
  }

  private static RawResponse json(int status, String body, String errorType) {
    return RawResponse.awsJson(status, JSON_1_1, body, errorType);
  }
}
