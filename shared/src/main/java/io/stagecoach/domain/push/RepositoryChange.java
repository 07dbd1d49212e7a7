package io.stagecoach.domain.push;

import java.util.Optional;

/**
 * A change CodeCommit reports about a repository (its "Repository State Change" events): a branch
 * or tag created, moved or deleted, or a merge commit made that no branch points at yet. See
 * https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html
 */
public sealed interface RepositoryChange {

  String repository();

  enum ReferenceEvent {
    CREATED,
    UPDATED,
    DELETED
  }

  enum ReferenceType {
    BRANCH,
    TAG
  }

  /**
   * A branch or tag was created, moved or deleted. {@code commitId} is where it points now (absent
   * only when deleted), {@code oldCommitId} where it pointed before (absent when created).
   */
  record ReferenceChange(
      String repository,
      ReferenceEvent event,
      ReferenceType type,
      String name,
      Optional<String> commitId,
      Optional<String> oldCommitId)
      implements RepositoryChange {

    public ReferenceChange {
      if (event != ReferenceEvent.DELETED && commitId.isEmpty()) {
        throw new IllegalArgumentException("a created or updated reference points at a commit");
      }
    }
  }

  /** A merge commit that no reference points at yet (a pull request merge in progress). */
  record UnreferencedMergeCommit(String repository, String commitId) implements RepositoryChange {}
}
