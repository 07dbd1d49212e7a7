package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's examples are requests the OpenAPI document takes: every curl with a body in it
 * validates against its operation's request schema, and the pipeline of gated stages it shows is an
 * app the document accepts. (Responses are held to the document by every handler test, through
 * {@link OpenApiContract#checked}.)
 */
class OpenApiContractTest {

  private static final Path README = Path.of("..", "README.md");

  /** A curl command of the README, its continuation lines joined. */
  record Curl(String method, String path, Optional<String> body, String text) {}

  static List<Curl> curls() throws Exception {
    String text = Files.readString(README);
    List<Curl> out = new ArrayList<>();
    // Shell variables the README sets to a quoted JSON text (r1='{...}'), spliced into a body as
    // '"$r1"': the body the shell sends has the text in their place.
    java.util.Map<String, String> variables = new java.util.HashMap<>();
    Pattern assignment = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)='(.*)'$", Pattern.DOTALL);
    Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(text);
    while (block.find()) {
      String joined = block.group(1).replace("\\\n", " ");
      // A body spans lines inside its quotes: join the command up to its closing quote.
      StringBuilder command = new StringBuilder();
      for (String line : joined.split("\n")) {
        command.append(line).append('\n');
        if (count(command, '\'') % 2 != 0) {
          continue;
        }
        String c = command.toString().strip();
        command.setLength(0);
        Matcher assigned = assignment.matcher(c);
        if (assigned.matches()) {
          variables.put(assigned.group(1), assigned.group(2));
          continue;
        }
        if (!c.startsWith("curl ")) {
          continue;
        }
        for (java.util.Map.Entry<String, String> v : variables.entrySet()) {
          c = c.replace("'\"$" + v.getKey() + "\"'", v.getValue());
        }
        // The API's routes; the local cloud's own admin routes (/_stagecoach/...) are not in it.
        Matcher url = Pattern.compile("\"?\\$API(/v1/[^\\s\"?]*)").matcher(c);
        if (!url.find()) {
          continue;
        }
        Matcher method = Pattern.compile("-X (\\w+)").matcher(c);
        Matcher body = Pattern.compile("-d '(.*?)'", Pattern.DOTALL).matcher(c);
        out.add(
            new Curl(
                method.find() ? method.group(1) : "GET",
                url.group(1),
                body.find() ? Optional.of(body.group(1)) : Optional.empty(),
                c));
      }
    }
    return out;
  }

  private static long count(CharSequence text, char c) {
    return text.chars().filter(ch -> ch == c).count();
  }

  @Test
  void everyReadmeRequestBody_validatesAgainstItsOperationsSchema() throws Exception {
    List<Curl> curls = curls();
    List<Curl> withBodies = curls.stream().filter(c -> c.body().isPresent()).toList();
    assertTrue(withBodies.size() >= 10, "the README's examples: " + curls);
    for (Curl curl : withBodies) {
      Optional<String> template = OpenApiContract.template(curl.path());
      assertTrue(template.isPresent(), "no route in the document for " + curl.text());
      OpenApiContract.assertRequestBody(
          curl.method(), template.get(), curl.body().get(), "README: " + curl.text());
    }
    for (Curl curl : curls) {
      Optional<String> template = OpenApiContract.template(curl.path());
      assertTrue(template.isPresent(), "no route in the document for " + curl.text());
      assertTrue(
          OpenApiContract.DOCUMENT
              .get("paths")
              .get(template.get())
              .has(curl.method().toLowerCase(java.util.Locale.ROOT)),
          curl.method() + " " + template.get() + " is documented: " + curl.text());
    }
  }

  /**
   * The README's pipeline of gated stages (approval, window, verification, soak) and concurrency.
   */
  @Test
  void theReadmesGatedPipeline_isAnAppTheDocumentTakes() throws Exception {
    String text = Files.readString(README);
    Matcher json = Pattern.compile("```json\\n(\"pipeline\".*?)```", Pattern.DOTALL).matcher(text);
    assertTrue(json.find(), "the README shows a gated pipeline");
    ObjectNode app = (ObjectNode) Json.parse("{\"name\": \"payments\", " + json.group(1) + "}");
    assertTrue(app.get("pipeline").get(2).has("window"), app.toString());
    OpenApiContract.assertRequestBody("POST", "/v1/apps", app.toString(), "README pipeline");
    OpenApiContract.assertRequestBody(
        "PUT", "/v1/apps/{app}", app.toString(), "README pipeline, PUT");
  }

  @Test
  void theContract_refusesWhatTheApiRefuses() {
    AssertionError refused =
        assertThrows(
            AssertionError.class,
            () ->
                OpenApiContract.assertRequestBody(
                    "POST",
                    "/v1/apps",
                    "{\"name\":\"x\",\"pipeline\":[{\"environment\":\"dev\",\"soakSecs\":1}]}",
                    "a misspelt gate"));
    assertTrue(refused.getMessage().contains("soakSecs"), refused.getMessage());
    AssertionError wrongAnswer =
        assertThrows(
            AssertionError.class,
            () ->
                OpenApiContract.assertResponse(
                    "GET",
                    "/v1/apps/{app}/releases/{version}/eligibility",
                    new com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent()
                        .withStatusCode(200)
                        .withHeaders(java.util.Map.of("Content-Type", "application/json"))
                        .withBody("{\"app\":\"payments\",\"eligible\":\"yes\"}"),
                    "a wrong answer"));
    assertTrue(wrongAnswer.getMessage().contains("eligible"), wrongAnswer.getMessage());
    JsonNode stage = OpenApiContract.DOCUMENT.at("/components/schemas/Stage");
    assertTrue(stage.has("oneOf"), "a stage is a name or an object with gates");
  }
}
