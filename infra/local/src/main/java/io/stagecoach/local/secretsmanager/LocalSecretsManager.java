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
import java.time.Clock;
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
 * Secrets Manager's {@code GetSecretValue}, {@code CreateSecret}, {@code DescribeSecret}, {@code
 * RotateSecret} and {@code CancelRotateSecret} (AWS JSON 1.1, an {@code X-Amz-Target} such as
 * {@code secretsmanager.DescribeSecret}) over a local secret store: one owner-only file per secret
 * under the data directory's {@code secrets/}, named by the secret's URL-encoded name. Values are
 * set through the local cloud's admin route or {@code CreateSecret}, never from the template; the
 * template's {@code AWS::SecretsManager::Secret} names are known so that a secret nobody set yet is
 * reported as such. Values are never logged and never part of an error. See
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

  /** The operations answered; every other one is refused as unknown. */
  static final List<String> OPERATIONS =
      List.of(
          "GetSecretValue", "CreateSecret", "DescribeSecret", "RotateSecret", "CancelRotateSecret");

  private final Path dir;
  private final Path rotationDir;
  private final Set<String> declared;
  private final String region;
  private final String account;
  private final Clock clock;

  /** {@code declared}: the names of the template's secrets. */
  public LocalSecretsManager(Path dir, Set<String> declared, String region, String account) {
    this(dir, declared, region, account, Clock.systemUTC());
  }

  /**
   * {@code clock} dates rotations; rotation settings are kept beside the values, in {@code
   * {dir}-rotation/}, so that no listing of secrets mistakes them for secrets.
   */
  public LocalSecretsManager(
      Path dir, Set<String> declared, String region, String account, Clock clock) {
    this.dir = dir;
    this.rotationDir = dir.resolveSibling(dir.getFileName() + "-rotation");
    this.declared = Set.copyOf(declared);
    this.region = region;
    this.account = account;
    this.clock = clock;
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
      if (isValidName(name)) {
        Files.deleteIfExists(rotationDir.resolve(URLEncoder.encode(name, StandardCharsets.UTF_8)));
      }
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
    String operation = target.substring(TARGET_PREFIX.length());
    if (!OPERATIONS.contains(operation)) {
      return error(
          400,
          "UnknownOperationException",
          "Operation "
              + operation
              + " is not supported by the local cloud (it answers "
              + String.join(", ", OPERATIONS)
              + "); set secrets with PUT /_stagecoach/secrets/{name}");
    }
    JsonNode body;
    try {
      body = MAPPER.readTree(request.body());
    } catch (IOException e) {
      return error(400, "InvalidRequestException", "The request body is not JSON");
    }
    if (body == null || !body.isObject()) {
      return error(400, "InvalidRequestException", "The request body is not a JSON object");
    }
    return switch (operation) {
      case "CreateSecret" -> createSecret(body);
      case "DescribeSecret" -> describeSecret(body);
      case "RotateSecret" -> rotateSecret(body);
      case "CancelRotateSecret" -> cancelRotateSecret(body);
      default -> getSecretValue(body);
    };
  }

  private RawResponse getSecretValue(JsonNode body) {
    String secretId = body.path("SecretId").asText("");
    if ((body.has("VersionId") || body.has("VersionStage"))
        && !"AWSCURRENT".equals(body.path("VersionStage").asText("AWSCURRENT"))) {
      return error(
          400,
          "ResourceNotFoundException",
          "The local secret store keeps the current version only");
    }
    Optional<String> name = nameOf(secretId);
    if (name.isEmpty()) {
      return notFound();
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
      answer.put("VersionId", versionId(name.get(), modified));
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

  /** {@code CreateSecret} with a {@code SecretString}: the value goes to the store like a PUT. */
  private RawResponse createSecret(JsonNode body) {
    String name = body.path("Name").asText("");
    if (!isValidName(name)) {
      return error(400, "InvalidParameterException", "Name must be a valid secret name");
    }
    if (!body.path("SecretString").isTextual()) {
      // The message names the field, never its content.
      return error(
          400,
          "InvalidParameterException",
          "The local cloud creates secrets with a SecretString (no SecretBinary)");
    }
    if (Files.isRegularFile(file(name))) {
      return error(
          400,
          "ResourceExistsException",
          "The operation failed because the secret " + name + " already exists.");
    }
    String value = body.path("SecretString").asText();
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      return error(
          400,
          "InvalidParameterException",
          "A secret value has at most " + MAX_VALUE_BYTES + " bytes");
    }
    put(name, value);
    ObjectNode answer = MAPPER.createObjectNode();
    answer.put("ARN", arn(name));
    answer.put("Name", name);
    answer.put("VersionId", versionId(name, modifiedMillis(name)));
    return json(200, answer.toString(), null);
  }

  /**
   * {@code DescribeSecret}: the secret's name, ARN, dates and rotation settings, never its value.
   * Rotation fields are left out for a secret never set up for rotation, as Secrets Manager leaves
   * them out. See
   * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
   */
  private RawResponse describeSecret(JsonNode body) {
    Optional<String> name = nameOf(body.path("SecretId").asText(""));
    if (name.isEmpty() || !exists(name.get())) {
      return notFound();
    }
    ObjectNode answer = MAPPER.createObjectNode();
    answer.put("ARN", arn(name.get()));
    answer.put("Name", name.get());
    Optional<JsonNode> rotation = rotation(name.get());
    if (rotation.isPresent()) {
      JsonNode r = rotation.get();
      answer.put("RotationEnabled", r.path("RotationEnabled").asBoolean());
      if (r.hasNonNull("RotationLambdaARN")) {
        answer.put("RotationLambdaARN", r.path("RotationLambdaARN").asText());
      }
      if (r.has("RotationRules")) {
        answer.set("RotationRules", r.path("RotationRules"));
      }
      if (r.hasNonNull("LastRotatedDate")) {
        answer.put("LastRotatedDate", r.path("LastRotatedDate").asDouble());
      }
      if (r.path("RotationEnabled").asBoolean()
          && r.path("RotationRules").has("AutomaticallyAfterDays")) {
        double from =
            r.hasNonNull("LastRotatedDate")
                ? r.path("LastRotatedDate").asDouble()
                : r.path("EnabledDate").asDouble();
        answer.put(
            "NextRotationDate",
            from + r.path("RotationRules").path("AutomaticallyAfterDays").asLong() * 86_400.0);
      }
    }
    if (Files.isRegularFile(file(name.get()))) {
      long modified = modifiedMillis(name.get());
      answer.put("LastChangedDate", modified / 1000.0);
      answer.put("CreatedDate", modified / 1000.0);
      answer
          .putObject("VersionIdsToStages")
          .putArray(versionId(name.get(), modified))
          .add("AWSCURRENT");
    }
    return json(200, answer.toString(), null);
  }

  /**
   * {@code RotateSecret}: keeps the rotation settings ({@code RotationRules}, {@code
   * RotationLambdaARN}) and turns rotation on. The local cloud runs no rotation function: a
   * rotation asked to happen now ({@code RotateImmediately}, the default) is recorded as done at
   * once, the value unchanged.
   */
  private RawResponse rotateSecret(JsonNode body) {
    Optional<String> name = nameOf(body.path("SecretId").asText(""));
    if (name.isEmpty() || !exists(name.get())) {
      return notFound();
    }
    ObjectNode kept =
        rotation(name.get()).map(r -> (ObjectNode) r.deepCopy()).orElse(MAPPER.createObjectNode());
    if (body.has("RotationRules")) {
      JsonNode rules = body.path("RotationRules");
      JsonNode days = rules.path("AutomaticallyAfterDays");
      if (!rules.isObject()
          || (!days.isMissingNode()
              && (!days.canConvertToLong() || days.asLong() < 1 || days.asLong() > 1000))) {
        return error(
            400,
            "InvalidParameterException",
            "RotationRules.AutomaticallyAfterDays must be a number of days from 1 to 1000");
      }
      kept.set("RotationRules", rules);
    }
    if (!kept.has("RotationRules")) {
      return error(
          400,
          "InvalidRequestException",
          "No rotation rules: the first RotateSecret of a secret names its RotationRules");
    }
    if (body.hasNonNull("RotationLambdaARN")) {
      kept.put("RotationLambdaARN", body.path("RotationLambdaARN").asText());
    }
    double now = clock.millis() / 1000.0;
    kept.put("RotationEnabled", true);
    kept.put("EnabledDate", now);
    if (body.path("RotateImmediately").asBoolean(true)) {
      kept.put("LastRotatedDate", now);
    }
    writeRotation(name.get(), kept);
    ObjectNode answer = MAPPER.createObjectNode();
    answer.put("ARN", arn(name.get()));
    answer.put("Name", name.get());
    if (Files.isRegularFile(file(name.get()))) {
      answer.put("VersionId", versionId(name.get(), modifiedMillis(name.get())));
    }
    return json(200, answer.toString(), null);
  }

  /**
   * {@code CancelRotateSecret}: rotation off, its rules kept (Secrets Manager shows them still).
   */
  private RawResponse cancelRotateSecret(JsonNode body) {
    Optional<String> name = nameOf(body.path("SecretId").asText(""));
    if (name.isEmpty() || !exists(name.get())) {
      return notFound();
    }
    ObjectNode kept =
        rotation(name.get()).map(r -> (ObjectNode) r.deepCopy()).orElse(MAPPER.createObjectNode());
    kept.put("RotationEnabled", false);
    writeRotation(name.get(), kept);
    ObjectNode answer = MAPPER.createObjectNode();
    answer.put("ARN", arn(name.get()));
    answer.put("Name", name.get());
    return json(200, answer.toString(), null);
  }

  /** A secret the store holds a value of, or one the template declares. */
  private boolean exists(String name) {
    return declared.contains(name) || Files.isRegularFile(file(name));
  }

  private Optional<JsonNode> rotation(String name) {
    Path file = rotationDir.resolve(URLEncoder.encode(name, StandardCharsets.UTF_8));
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the rotation settings of " + name, e);
    }
  }

  private void writeRotation(String name, ObjectNode rotation) {
    try {
      Files.createDirectories(rotationDir);
      Path file = rotationDir.resolve(URLEncoder.encode(name, StandardCharsets.UTF_8));
      Path fresh = rotationDir.resolve(file.getFileName() + ".new");
      Files.writeString(fresh, MAPPER.writeValueAsString(rotation), StandardCharsets.UTF_8);
      Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not keep the rotation settings of " + name, e);
    }
  }

  private long modifiedMillis(String name) {
    try {
      return Files.getLastModifiedTime(file(name)).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String versionId(String name, long modified) {
    return UUID.nameUUIDFromBytes((name + "@" + modified).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static RawResponse notFound() {
    return error(
        400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
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
