package io.stagecoach.functions.slack;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormFieldsTest {

  private static FormFields decoded(String body) {
    return switch (FormFields.decode(body)) {
      case Outcome.Accepted<FormFields> a -> a.value();
      case Outcome.Rejected<FormFields> r -> fail("refused: " + r.rejection());
    };
  }

  @Test
  void decode_turnsPlusIntoSpaceAndPercentEscapesIntoBytes() {
    FormFields form = decoded("text=deploy+payments%201.2.0&url=https%3A%2F%2Fhooks.slack.com%2Fx");
    assertEquals("deploy payments 1.2.0", form.first("text").orElseThrow());
    assertEquals("https://hooks.slack.com/x", form.first("url").orElseThrow());
  }

  @Test
  void decode_keepsAnEncodedPlusAsAPlus() {
    assertEquals("1.0+build.7", decoded("version=1.0%2Bbuild.7").first("version").orElseThrow());
  }

  @Test
  void decode_readsPercentEscapesAsUtf8() {
    assertEquals("déploie ✓", decoded("text=d%C3%A9ploie+%E2%9C%93").first("text").orElseThrow());
    assertEquals(
        "ö", decoded("text=%c3%b6").first("text").orElseThrow(), "lowercase hex digits are fine");
  }

  @Test
  void decode_keepsEveryValueOfARepeatedName_inOrder() {
    FormFields form = decoded("a=1&b=2&a=3");
    assertEquals(List.of("1", "3"), form.all("a"));
    assertEquals("1", form.first("a").orElseThrow());
    assertEquals(List.of("a", "b"), List.copyOf(form.values().keySet()));
  }

  @Test
  void decode_givesEmptyValues_forAFieldWithoutEqualsOrWithNothingAfterIt() {
    FormFields form = decoded("text=&flag&x=a=b");
    assertEquals("", form.first("text").orElseThrow());
    assertEquals("", form.first("flag").orElseThrow());
    assertEquals(
        "a=b", form.first("x").orElseThrow(), "only the first '=' separates name from value");
  }

  @Test
  void decode_skipsEmptyFields_andAcceptsAnEmptyBody() {
    assertEquals(Map.of("a", List.of("1")), decoded("&&a=1&").values());
    assertTrue(decoded("").values().isEmpty());
    assertTrue(decoded(null).values().isEmpty());
  }

  @Test
  void decode_decodesNamesToo() {
    assertEquals("v", decoded("api%5Fapp+id=v").first("api_app id").orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text=100%",
        "text=%2",
        "text=%zz",
        "te%xt=1",
        "text=%C3",
        "text=%FF%FE",
        "text=%E2%9C"
      })
  void decode_refusesAStrayPercentOrBytesThatAreNotUtf8_asAValue(String body) {
    Rejection rejection =
        switch (FormFields.decode(body)) {
          case Outcome.Accepted<FormFields> a -> fail("accepted: " + a.value());
          case Outcome.Rejected<FormFields> r -> r.rejection();
        };
    assertEquals(Rejection.Code.VALIDATION_FAILED, rejection.code());
    assertEquals("body", rejection.errors().get(0).field());
  }

  @Test
  void all_isEmptyAndFirstIsAbsent_forANameNotInTheBody() {
    FormFields form = decoded("a=1");
    assertTrue(form.all("b").isEmpty());
    assertTrue(form.first("b").isEmpty());
  }
}
