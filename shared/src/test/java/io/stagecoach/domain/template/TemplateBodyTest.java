package io.stagecoach.domain.template;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The form a template revision pins, and the digest it is known by. */
class TemplateBodyTest {

  /**
   * A revision pins the body without the whitespace between tokens, never inside strings: the same
   * template indented otherwise has the same digest, a changed string another.
   */
  @Test
  void compactedBody_dropsWhitespaceBetweenTokensOnly_soTheDigestIgnoresIndentation() {
    String body =
        "{\n  \"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\",\n"
            + "   \"Properties\": {\"DisplayName\": \"two  spaces \\\" and a quote\"}}}\n}\n";
    String compact = TemplateBody.compact(body);
    assertEquals(
        "{\"Resources\":{\"T\":{\"Type\":\"AWS::SNS::Topic\","
            + "\"Properties\":{\"DisplayName\":\"two  spaces \\\" and a quote\"}}}}",
        compact);
    assertEquals(Optional.empty(), TemplateBody.problem(compact));
    assertEquals(
        TemplateRevision.digestOf(compact),
        TemplateRevision.digestOf(TemplateBody.compact(body.replace("\n", "\r\n\t"))));
    assertNotEquals(
        TemplateRevision.digestOf(compact),
        TemplateRevision.digestOf(TemplateBody.compact(body.replace("two  spaces", "two spaces"))));
  }
}
