package io.stagecoach.functions.codecommit;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.push.PushDecision;
import io.stagecoach.domain.push.RepositoryChange;
import io.stagecoach.domain.push.RepositoryChange.ReferenceChange;
import io.stagecoach.domain.push.RepositoryChange.ReferenceEvent;
import io.stagecoach.domain.push.RepositoryChange.ReferenceType;
import io.stagecoach.domain.push.RepositoryChange.UnreferencedMergeCommit;
import io.stagecoach.domain.registry.BranchRule;
import io.stagecoach.domain.registry.RepositoryMapping;
import io.stagecoach.functions.support.Json;
import io.stagecoach.testing.Conformance;
import io.stagecoach.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodeCommitEventTest {

  /** What each recorded event in conformance/codecommit reports. */
  private static final Map<String, RepositoryChange> EXPECTED =
      Map.of(
          "codecommit-referenceCreated-branch.json",
              new ReferenceChange(
                  "MyDemoRepo",
                  ReferenceEvent.CREATED,
                  ReferenceType.BRANCH,
                  "myBranch",
                  Optional.of("3e5983DESTINATION"),
                  Optional.empty()),
          "codecommit-referenceUpdated-branch.json",
              new ReferenceChange(
                  "MyDemoRepo",
                  ReferenceEvent.UPDATED,
                  ReferenceType.BRANCH,
                  "myBranch",
                  Optional.of("7f0103fMERGE"),
                  Optional.of("3e5983DESTINATION")),
          "codecommit-referenceDeleted-branch.json",
              new ReferenceChange(
                  "MyDemoRepo",
                  ReferenceEvent.DELETED,
                  ReferenceType.BRANCH,
                  "myBranch",
                  Optional.empty(),
                  Optional.of("26a8f2EXAMPLE")),
          "codecommit-unreferencedMergeCommitCreated.json",
              new UnreferencedMergeCommit("MyDemoRepo", "7f0103fMERGE"),
          "codecommit-referenceCreated-tag.json",
              new ReferenceChange(
                  "myRepo",
                  ReferenceEvent.CREATED,
                  ReferenceType.TAG,
                  "myTag",
                  Optional.of("3e5983EXAMPLE"),
                  Optional.empty()));

  private static Map<String, JsonNode> recordedEvents() throws IOException {
    Path folder = Conformance.folder("codecommit");
    Map<String, JsonNode> events = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("codecommit-")).toList()) {
        events.put(file.getFileName().toString(), Json.parse(Files.readString(file)).get("event"));
      }
    }
    return events;
  }

  private static JsonNode recorded(String name) throws IOException {
    return recordedEvents().get(name).deepCopy();
  }

  @Test
  void read_givesTheChangeEveryRecordedEventReports() throws IOException {
    Map<String, JsonNode> events = recordedEvents();
    assertEquals(EXPECTED.keySet(), events.keySet(), "every recorded event has an expectation");
    events.forEach(
        (name, event) ->
            assertEquals(
                new CodeCommitEvent.Change(EXPECTED.get(name)), CodeCommitEvent.read(event), name));
  }

  @Test
  void read_acceptsTheEventAsText() throws IOException {
    String text = Json.write(recorded("codecommit-referenceCreated-branch.json"));
    assertEquals(
        new CodeCommitEvent.Change(EXPECTED.get("codecommit-referenceCreated-branch.json")),
        CodeCommitEvent.read(text));
  }

  @Test
  void recordedEvents_leadToTheDecisionsTheirRepositoryMappingSays() throws IOException {
    List<RepositoryMapping> mappings =
        List.of(
            new RepositoryMapping(
                "demo",
                "MyDemoRepo",
                List.of(
                    BranchRule.pipeline("main"), BranchRule.ephemeral("my*", Duration.ofDays(2)))));
    Map<String, Class<? extends PushDecision>> expected =
        Map.of(
            "codecommit-referenceCreated-branch.json", PushDecision.DeployEphemeral.class,
            "codecommit-referenceUpdated-branch.json", PushDecision.DeployEphemeral.class,
            "codecommit-referenceDeleted-branch.json", PushDecision.DestroyEphemeral.class,
            "codecommit-unreferencedMergeCommitCreated.json", PushDecision.Ignored.class,
            "codecommit-referenceCreated-tag.json", PushDecision.Ignored.class);
    recordedEvents()
        .forEach(
            (name, event) -> {
              CodeCommitEvent.Change change =
                  assertInstanceOf(CodeCommitEvent.Change.class, CodeCommitEvent.read(event));
              PushDecision decision = PushDecision.decide(change.change(), mappings, Fixtures.NOW);
              assertInstanceOf(expected.get(name), decision, name + " -> " + decision);
            });
    CodeCommitEvent.Change updated =
        assertInstanceOf(
            CodeCommitEvent.Change.class,
            CodeCommitEvent.read(recorded("codecommit-referenceUpdated-branch.json")));
    assertEquals(
        new PushDecision.DeployEphemeral(
            "demo",
            "mybranch",
            "myBranch",
            "7f0103fMERGE",
            "7f0103fMERGE",
            Fixtures.NOW.plus(Duration.ofDays(2))),
        PushDecision.decide(updated.change(), mappings, Fixtures.NOW));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[]",
        "42",
        "null",
        "{\"source\":\"aws.codecommit\"} trailing",
        "{\"source\":\"aws.codecommit\",\"source\":\"aws.codecommit\"}"
      })
  void read_givesMalformed_forTextThatIsNoEventObject(String text) {
    assertInstanceOf(CodeCommitEvent.Malformed.class, CodeCommitEvent.read(text), text);
  }

  @Test
  void read_givesMalformed_forNull() {
    assertInstanceOf(CodeCommitEvent.Malformed.class, CodeCommitEvent.read((String) null));
    assertInstanceOf(CodeCommitEvent.Malformed.class, CodeCommitEvent.read((JsonNode) null));
  }

  @Test
  void read_givesMalformed_forAnotherSourceOrDetailType() throws IOException {
    ObjectNode otherSource = (ObjectNode) recorded("codecommit-referenceCreated-branch.json");
    otherSource.put("source", "aws.codebuild");
    assertEquals(
        new CodeCommitEvent.Malformed("source is not aws.codecommit"),
        CodeCommitEvent.read(otherSource));
    ObjectNode otherType = (ObjectNode) recorded("codecommit-referenceCreated-branch.json");
    otherType.put("detail-type", "CodeCommit Pull Request State Change");
    assertEquals(
        new CodeCommitEvent.Malformed("detail-type is not CodeCommit Repository State Change"),
        CodeCommitEvent.read(otherType));
  }

  @Test
  void read_givesMalformed_namingTheMissingOrWrongField() throws IOException {
    assertEquals(
        "detail is missing or not an object",
        problem("codecommit-referenceCreated-branch.json", e -> e.remove("detail")));
    assertEquals(
        "detail is missing or not an object",
        problem("codecommit-referenceCreated-branch.json", e -> e.put("detail", "x")));
    assertEquals(
        "detail.repositoryName is missing",
        problem(
            "codecommit-referenceCreated-branch.json", e -> detail(e).remove("repositoryName")));
    assertEquals(
        "detail.repositoryName is missing",
        problem(
            "codecommit-referenceCreated-branch.json", e -> detail(e).put("repositoryName", 7)));
    assertTrue(
        problem(
                "codecommit-referenceCreated-branch.json",
                e -> detail(e).put("event", "commentOnCommitCreated"))
            .startsWith("detail.event is not"));
    assertTrue(
        problem("codecommit-referenceCreated-branch.json", e -> detail(e).remove("event"))
            .startsWith("detail.event is not"));
    assertEquals(
        "detail.referenceType is not branch or tag",
        problem(
            "codecommit-referenceCreated-branch.json",
            e -> detail(e).put("referenceType", "note")));
    assertEquals(
        "detail.referenceName is missing",
        problem("codecommit-referenceCreated-branch.json", e -> detail(e).remove("referenceName")));
    assertEquals(
        "detail.referenceFullName is not refs/heads/myBranch",
        problem(
            "codecommit-referenceCreated-branch.json",
            e -> detail(e).put("referenceFullName", "refs/tags/myBranch")));
    assertEquals(
        "detail.commitId is missing from a referenceCreated event",
        problem("codecommit-referenceCreated-branch.json", e -> detail(e).remove("commitId")));
    assertEquals(
        "detail.commitId is missing from a referenceUpdated event",
        problem("codecommit-referenceUpdated-branch.json", e -> detail(e).put("commitId", "")));
    assertEquals(
        "detail.commitId is missing",
        problem(
            "codecommit-unreferencedMergeCommitCreated.json", e -> detail(e).remove("commitId")));
  }

  @Test
  void read_takesABranchNameWithSlashes_whole() throws IOException {
    ObjectNode event = (ObjectNode) recorded("codecommit-referenceCreated-branch.json");
    detail(event)
        .put("referenceName", "feature/login")
        .put("referenceFullName", "refs/heads/feature/login");
    ReferenceChange change =
        (ReferenceChange)
            assertInstanceOf(CodeCommitEvent.Change.class, CodeCommitEvent.read(event)).change();
    assertEquals("feature/login", change.name());
  }

  @Test
  void read_acceptsAnEventWithoutTheRedundantFullName() throws IOException {
    ObjectNode event = (ObjectNode) recorded("codecommit-referenceDeleted-branch.json");
    detail(event).remove("referenceFullName");
    assertEquals(
        new CodeCommitEvent.Change(EXPECTED.get("codecommit-referenceDeleted-branch.json")),
        CodeCommitEvent.read(event));
  }

  private interface Edit {
    void apply(ObjectNode event);
  }

  private static String problem(String file, Edit edit) throws IOException {
    ObjectNode event = (ObjectNode) recorded(file);
    edit.apply(event);
    return assertInstanceOf(CodeCommitEvent.Malformed.class, CodeCommitEvent.read(event), file)
        .problem();
  }

  private static ObjectNode detail(ObjectNode event) {
    return (ObjectNode) event.get("detail");
  }
}
