package io.stagecoach.registry.dynamodb;

import io.stagecoach.domain.common.Identifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Opaque page cursors: DynamoDB's LastEvaluatedKey (string attributes only) as base64url text. A
 * cursor is accepted back only for the listing that issued it: same key attributes, same partition.
 */
final class Cursors {

  private Cursors() {}

  static Optional<String> encode(Map<String, AttributeValue> lastEvaluatedKey) {
    if (lastEvaluatedKey == null || lastEvaluatedKey.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder text = new StringBuilder();
    new TreeMap<>(lastEvaluatedKey)
        .forEach((k, v) -> text.append(k).append('=').append(v.s()).append('\n'));
    return Optional.of(
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The exclusive start key a cursor stands for, if it is well-formed, has exactly {@code keyNames}
   * and {@code partitionAttribute} equals {@code partitionValue}.
   */
  static Optional<Map<String, AttributeValue>> decode(
      String cursor, Set<String> keyNames, String partitionAttribute, String partitionValue) {
    if (!Identifier.PAGE_CURSOR.accepts(cursor)) {
      return Optional.empty();
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0 || eq == line.length() - 1) {
        return Optional.empty();
      }
      key.put(line.substring(0, eq), AttributeValue.fromS(line.substring(eq + 1)));
    }
    if (!key.keySet().equals(keyNames)) {
      return Optional.empty();
    }
    if (!partitionValue.equals(key.get(partitionAttribute).s())) {
      return Optional.empty();
    }
    return Optional.of(key);
  }
}
