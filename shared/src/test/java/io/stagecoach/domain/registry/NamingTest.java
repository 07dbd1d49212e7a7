package io.stagecoach.domain.registry;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamingTest {

  @ParameterizedTest
  @ValueSource(strings = {"payments", "a", "api-v2", "x1", "abcdefghijklmnopqrstuvwx"})
  void appName_isAccepted_whenLowercaseLettersDigitsAndInnerDashes(String name) {
    assertTrue(Naming.appNameProblem(name).isEmpty(), name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Payments",
        "1api",
        "-api",
        "api-",
        "api_v2",
        "api--v2",
        "api v2",
        "abcdefghijklmnopqrstuvwxy",
        "café"
      })
  void appName_isRefused_whenItBreaksTheRules(String name) {
    assertTrue(Naming.appNameProblem(name).isPresent(), name);
  }

  @Test
  void environmentName_isRefused_pastSixteenCharacters() {
    assertTrue(Naming.environmentNameProblem("abcdefghijklmnop").isEmpty());
    assertEquals(
        "must be at most 16 characters",
        Naming.environmentNameProblem("abcdefghijklmnopq").orElseThrow());
  }

  @Test
  void resourceName_isAppEnvResource_whenItFits() {
    assertEquals("payments-dev-orders", Naming.resourceName("payments", "dev", "orders", 64));
  }

  @Test
  void resourceName_isTruncatedWithStableHash_pastTheServiceLimit() {
    String longName =
        Naming.resourceName("payments-platform-core", "feature-login", "customer-orders", 32);
    assertTrue(longName.length() <= 32 && longName.length() >= 30, longName);
    assertTrue(longName.startsWith("payments-platform-core-"), longName);
    assertTrue(longName.matches(".*-[0-9a-f]{8}"), longName);
    assertEquals(
        longName,
        Naming.resourceName("payments-platform-core", "feature-login", "customer-orders", 32),
        "the same input always gives the same name");
    assertNotEquals(
        longName,
        Naming.resourceName("payments-platform-core", "feature-login", "customer-orderz", 32),
        "names that share a prefix stay distinct");
  }

  @Test
  void personalEnvironmentName_isDerivedFromTheUserPartOfThePrincipal() {
    assertEquals(
        "alice-smith",
        Naming.personalEnvironmentName("arn:aws:iam::123456789012:user/Alice.Smith"));
    assertEquals("bob", Naming.personalEnvironmentName("bob@example.com"));
    assertEquals("dev-ops", Naming.personalEnvironmentName("42dev_ops"));
  }

  @Test
  void personalEnvironmentName_alwaysSatisfiesTheEnvironmentRules() {
    for (String principal :
        new String[] {"a-very-long-principal-name-indeed@example.com", "1234", "", "__", "Ω"}) {
      String name = Naming.personalEnvironmentName(principal);
      assertTrue(Naming.environmentNameProblem(name).isEmpty(), principal + " -> " + name);
    }
  }

  @Test
  void branchEnvironmentName_isTheBranchLowercasedWithDashes() {
    assertEquals("feature-login", Naming.branchEnvironmentName("feature/Login"));
    assertEquals("fix-jira-42", Naming.branchEnvironmentName("fix/JIRA_42"));
    assertEquals("hotfix", Naming.branchEnvironmentName("2024-hotfix"));
  }

  @Test
  void branchEnvironmentName_keepsTheHeadAndAHashOfTheWholeBranch_whenTooLong() {
    String one = Naming.branchEnvironmentName("feature/checkout-redesign");
    String two = Naming.branchEnvironmentName("feature/checkout-rewrite");
    assertTrue(one.matches("feature-ch-[0-9a-f]{5}"), one);
    assertNotEquals(one, two, "long branches that share a prefix get two environments");
    assertEquals(
        one,
        Naming.branchEnvironmentName("feature/checkout-redesign"),
        "the same branch, the same name");
  }

  @Test
  void branchEnvironmentName_alwaysSatisfiesTheEnvironmentRules() {
    for (String branch :
        new String[] {
          "main",
          "feature/a-very-long-branch-name-indeed",
          "1234",
          "__",
          "Ω",
          "",
          "release/2024.11",
          "a--b",
          "x/-/y",
          "feature/" + "é".repeat(40)
        }) {
      String name = Naming.branchEnvironmentName(branch);
      assertTrue(Naming.environmentNameProblem(name).isEmpty(), branch + " -> " + name);
    }
    assertNotEquals(
        Naming.branchEnvironmentName("1234"),
        Naming.branchEnvironmentName("5678"),
        "branches with nothing usable still get distinct names");
  }
}
