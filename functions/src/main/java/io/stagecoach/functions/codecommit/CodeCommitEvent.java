package io.stagecoach.functions.codecommit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.push.RepositoryChange;
import io.stagecoach.domain.push.RepositoryChange.ReferenceChange;
import io.stagecoach.domain.push.RepositoryChange.ReferenceEvent;
import io.stagecoach.domain.push.RepositoryChange.ReferenceType;
import io.stagecoach.domain.push.RepositoryChange.UnreferencedMergeCommit;
import io.stagecoach.functions.support.Json;
import java.util.Optional;

/**
 * A "CodeCommit Repository State Change" event from EventBridge, read into the {@link
 * RepositoryChange} it reports, or the reason it cannot be. Reading never throws: a malformed event
 * is a value the caller logs and drops (retrying it would fail the same way). See
 * https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html
 */
public sealed interface CodeCommitEvent {

  String SOURCE = "aws.codecommit";
  String DETAIL_TYPE = "CodeCommit Repository State Change";

  record Change(RepositoryChange change) implements CodeCommitEvent {}

  record Malformed(String problem) implements CodeCommitEvent {}

  /** The event in {@code json}, the complete EventBridge event. */
  static CodeCommitEvent read(String json) {
    try {
      return read(Json.parse(json == null ? "" : json));
    } catch (JsonProcessingException e) {
      return new Malformed("is not JSON: " + e.getOriginalMessage());
    }
  }

  /** The event in {@code event}, the complete EventBridge event as a JSON tree. */
  static CodeCommitEvent read(JsonNode event) {
    if (event == null || !event.isObject()) {
      return new Malformed("is not a JSON object");
    }
    if (!SOURCE.equals(text(event, "source").orElse(null))) {
      return new Malformed("source is not " + SOURCE);
    }
    if (!DETAIL_TYPE.equals(text(event, "detail-type").orElse(null))) {
      return new Malformed("detail-type is not " + DETAIL_TYPE);
    }
    JsonNode detail = event.get("detail");
    if (detail == null || !detail.isObject()) {
      return new Malformed("detail is missing or not an object");
    }
    Optional<String> repository = text(detail, "repositoryName");
    if (repository.isEmpty()) {
      return new Malformed("detail.repositoryName is missing");
    }
    Optional<String> commitId = text(detail, "commitId");
    String kind = text(detail, "event").orElse("");
    Optional<ReferenceEvent> referenceEvent =
        switch (kind) {
          case "referenceCreated" -> Optional.of(ReferenceEvent.CREATED);
          case "referenceUpdated" -> Optional.of(ReferenceEvent.UPDATED);
          case "referenceDeleted" -> Optional.of(ReferenceEvent.DELETED);
          default -> Optional.empty();
        };
    if (kind.equals("unreferencedMergeCommitCreated")) {
      return commitId
          .<CodeCommitEvent>map(c -> new Change(new UnreferencedMergeCommit(repository.get(), c)))
          .orElseGet(() -> new Malformed("detail.commitId is missing"));
    }
    if (referenceEvent.isEmpty()) {
      return new Malformed(
          "detail.event is not referenceCreated, referenceUpdated, referenceDeleted or"
              + " unreferencedMergeCommitCreated");
    }
    return reference(detail, repository.get(), referenceEvent.get(), commitId);
  }

  private static CodeCommitEvent reference(
      JsonNode detail, String repository, ReferenceEvent event, Optional<String> commitId) {
    String type = text(detail, "referenceType").orElse("");
    Optional<ReferenceType> referenceType =
        switch (type) {
          case "branch" -> Optional.of(ReferenceType.BRANCH);
          case "tag" -> Optional.of(ReferenceType.TAG);
          default -> Optional.empty();
        };
    if (referenceType.isEmpty()) {
      return new Malformed("detail.referenceType is not branch or tag");
    }
    Optional<String> name = text(detail, "referenceName");
    if (name.isEmpty()) {
      return new Malformed("detail.referenceName is missing");
    }
    String expectedFullName =
        (referenceType.get() == ReferenceType.BRANCH ? "refs/heads/" : "refs/tags/") + name.get();
    Optional<String> fullName = text(detail, "referenceFullName");
    if (detail.has("referenceFullName") && !fullName.equals(Optional.of(expectedFullName))) {
      return new Malformed("detail.referenceFullName is not " + expectedFullName);
    }
    if (event != ReferenceEvent.DELETED && commitId.isEmpty()) {
      return new Malformed(
          "detail.commitId is missing from a "
              + (event == ReferenceEvent.CREATED ? "referenceCreated" : "referenceUpdated")
              + " event");
    }
    Optional<String> oldCommitId = text(detail, "oldCommitId");
    return new Change(
        new ReferenceChange(
            repository,
            event,
            referenceType.get(),
            name.get(),
            event == ReferenceEvent.DELETED ? Optional.empty() : commitId,
            oldCommitId));
  }

  /** The non-empty string at {@code field}; a number or an object there is no string. */
  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty()
        ? Optional.of(value.asText())
        : Optional.empty();
  }
}
