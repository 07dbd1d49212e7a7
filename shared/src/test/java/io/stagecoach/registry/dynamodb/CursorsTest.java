package io.stagecoach.registry.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.domain.common.Identifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class CursorsTest {

  private static final Set<String> RELEASE_KEYS = Set.of("pk", "sk", "gsi1pk", "gsi1sk");

  /** The last key of a release listing with the longest app name and version there can be. */
  private static Map<String, AttributeValue> longestReleaseKey() {
    String app = "a".repeat(Identifier.APP_NAME.maxLength());
    String version = "9".repeat(Identifier.RELEASE_VERSION.maxLength());
    return Map.of(
        "pk", AttributeValue.fromS(RegistryKeys.appPk(app)),
        "sk", AttributeValue.fromS(RegistryKeys.releaseSk(version)),
        "gsi1pk", AttributeValue.fromS(RegistryKeys.releasesByTime(app)),
        "gsi1sk", AttributeValue.fromS("2026-11-22T10:15:30.123456789Z#" + version));
  }

  @Test
  void cursorOfTheLongestKeys_isAPageCursor_andDecodesBack() {
    String cursor = Cursors.encode(longestReleaseKey()).orElseThrow();
    assertTrue(Identifier.PAGE_CURSOR.accepts(cursor), cursor.length() + " characters");
    String app = "a".repeat(Identifier.APP_NAME.maxLength());
    assertEquals(
        Optional.of(longestReleaseKey()),
        Cursors.decode(cursor, RELEASE_KEYS, "gsi1pk", RegistryKeys.releasesByTime(app))
            .map(Map::copyOf));
  }

  @Test
  void cursorLongerThanAPageCursor_isRefusedBeforeDecoding() {
    String app = "payments";
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                ("gsi1pk="
                        + RegistryKeys.releasesByTime(app)
                        + "\ngsi1sk=x\npk=APP#payments\nsk=REL#"
                        + "a".repeat(2000)
                        + "\n")
                    .getBytes(StandardCharsets.UTF_8));
    assertTrue(forged.length() > Identifier.PAGE_CURSOR.maxLength());
    assertEquals(
        Optional.empty(),
        Cursors.decode(forged, RELEASE_KEYS, "gsi1pk", RegistryKeys.releasesByTime(app)));
  }
}
