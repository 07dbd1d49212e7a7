package io.stagecoach.domain.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IdentifierTest {

  /** A valid identifier of each kind, at its longest. */
  private static final Map<Identifier, String> LONGEST =
      Map.ofEntries(
          Map.entry(Identifier.APP_NAME, "a" + "-b".repeat(11) + "c"),
          Map.entry(Identifier.ENVIRONMENT_NAME, "p" + "r0".repeat(7) + "d"),
          Map.entry(Identifier.RELEASE_VERSION, "1.0.0-rc.1+build" + "7".repeat(112)),
          Map.entry(Identifier.TEMPLATE_REVISION_NUMBER, "123456789"),
          Map.entry(Identifier.DEPLOYMENT_ID, "d-" + "a".repeat(62)),
          Map.entry(Identifier.PROMOTION_ID, "pr-" + "0".repeat(61)),
          Map.entry(Identifier.APPROVAL_ID, "payments:" + "f".repeat(119)),
          Map.entry(Identifier.TOKEN_ID, "0123456789ab".repeat(5) + "cdef"),
          Map.entry(Identifier.BREAK_GLASS_ID, "bg-" + "0".repeat(61)),
          Map.entry(Identifier.IDEMPOTENCY_KEY, "ci-job:" + "9".repeat(121)),
          Map.entry(Identifier.PRINCIPAL_NAME, "arn:aws:iam::1:user/" + "x".repeat(108)),
          Map.entry(Identifier.GROUP_NAME, "s" + "t".repeat(31)),
          Map.entry(Identifier.PAGE_CURSOR, "A-_z".repeat(256)),
          Map.entry(Identifier.SLACK_TEAM_ID, "T" + "0".repeat(31)),
          Map.entry(Identifier.SLACK_USER_ID, "W" + "A".repeat(31)),
          Map.entry(Identifier.SLACK_CHANNEL_ID, "C" + "9".repeat(31)));

  /** Input no identifier of any kind accepts. */
  private static final List<String> NEVER =
      List.of(
          " ",
          "a b",
          "a b/c",
          "%2e%2e",
          "a\u0000b",
          "a\nb",
          "\u00e9t\u00e9",
          "a\ud800",
          "\ud83d\ude80",
          "a;drop",
          "a\"b",
          "<script>",
          "a#b",
          "a?b",
          "a\\b");

  @ParameterizedTest
  @EnumSource(Identifier.class)
  void identifier_isAccepted_atItsLongest_andRefused_oneCharacterLonger(Identifier kind) {
    String longest = LONGEST.get(kind);
    assertEquals(kind.maxLength(), longest.length(), kind + " example");
    assertEquals(Optional.empty(), kind.problem(longest), kind + " " + longest);
    String longer = longest + longest.charAt(longest.length() - 1);
    assertEquals(
        Optional.of("must be at most " + kind.maxLength() + " characters"), kind.problem(longer));
  }

  @ParameterizedTest
  @EnumSource(Identifier.class)
  void identifier_isRequired(Identifier kind) {
    assertEquals(Optional.of("is required"), kind.problem(null));
    assertEquals(Optional.of("is required"), kind.problem(""));
  }

  @ParameterizedTest
  @EnumSource(Identifier.class)
  void identifier_refusesSpacesControlCharactersAndNonAscii(Identifier kind) {
    for (String bad : NEVER) {
      assertFalse(kind.accepts(bad), kind + " accepted " + bad);
      assertTrue(kind.problem(bad).orElseThrow().startsWith("must be "), kind + " " + bad);
    }
  }

  @ParameterizedTest
  @EnumSource(Identifier.class)
  void identifier_ofAMebibyte_isRefusedForItsLength(Identifier kind) {
    String huge = "a".repeat(1 << 20);
    assertEquals(
        Optional.of("must be at most " + kind.maxLength() + " characters"), kind.problem(huge));
  }

  @ParameterizedTest
  @EnumSource(Identifier.class)
  void identifier_holdsOnlyAscii_soItsLengthInCharactersIsItsLengthInBytes(Identifier kind) {
    String longest = LONGEST.get(kind);
    assertEquals(
        longest.length(), longest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  /**
   * The regular expression the OpenAPI document publishes says the same as {@link
   * Identifier#accepts} for values within the length limit.
   */
  @ParameterizedTest
  @EnumSource(Identifier.class)
  void regex_agreesWithAccepts(Identifier kind) {
    Pattern published = Pattern.compile(kind.regex());
    List<String> samples = new ArrayList<>(NEVER);
    String longest = LONGEST.get(kind);
    samples.addAll(
        List.of(
            longest,
            longest.substring(0, 1),
            longest.toUpperCase(java.util.Locale.ROOT),
            longest.toLowerCase(java.util.Locale.ROOT),
            "-" + longest.substring(1),
            longest.substring(1),
            "a--b",
            "a-",
            "1a",
            "payments",
            "1.0.0",
            "T0123ABCD",
            "U0123ABCD",
            "C0123ABCD",
            "user@example.com",
            "d-0123456789ab"));
    for (String sample : samples) {
      if (sample.isEmpty() || sample.length() > kind.maxLength()) {
        continue;
      }
      assertEquals(
          kind.accepts(sample),
          published.matcher(sample).matches(),
          kind + " disagrees about " + sample);
    }
  }

  @Test
  void templateRevisionNumbers_areWholeNumbersFromOne_thatAlwaysFitAnInt() {
    assertTrue(Identifier.TEMPLATE_REVISION_NUMBER.accepts("1"));
    assertTrue(Identifier.TEMPLATE_REVISION_NUMBER.accepts("999999999"));
    for (String refused : List.of("0", "01", "-1", "1.0", "+1", "1234567890", "two")) {
      assertFalse(Identifier.TEMPLATE_REVISION_NUMBER.accepts(refused), refused);
    }
  }

  @Test
  void names_refuseDoubleDashes_upperCase_andDashesAtTheEnds() {
    assertEquals(Optional.of("must not contain '--'"), Identifier.APP_NAME.problem("pay--ments"));
    for (String bad : List.of("Payments", "-pay", "pay-", "1pay", "pay_ments")) {
      assertEquals(
          Optional.of(
              "must be lowercase letters, digits and '-', start with a letter and not end with '-'"),
          Identifier.ENVIRONMENT_NAME.problem(bad),
          bad);
    }
    assertTrue(Identifier.APP_NAME.accepts("a"));
    assertTrue(Identifier.APP_NAME.accepts("pay-ments-2"));
  }

  @Test
  void versions_takeSemverAndBuildMetadata_butNotALeadingDot() {
    assertTrue(Identifier.RELEASE_VERSION.accepts("1.2.3-rc.1+build.5"));
    assertTrue(Identifier.RELEASE_VERSION.accepts("v20261122"));
    assertFalse(Identifier.RELEASE_VERSION.accepts(".1"));
    assertFalse(Identifier.RELEASE_VERSION.accepts("1:2"));
  }

  @Test
  void approvalIds_carryTheirAppBeforeAColon() {
    assertTrue(Identifier.APPROVAL_ID.accepts("payments:0123456789ab"));
    assertFalse(Identifier.APPROVAL_ID.accepts(":0123"));
  }
}
