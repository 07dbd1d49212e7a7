package io.stagecoach.domain.push;

import io.stagecoach.domain.push.RepositoryChange.ReferenceChange;
import io.stagecoach.domain.push.RepositoryChange.ReferenceEvent;
import io.stagecoach.domain.push.RepositoryChange.ReferenceType;
import io.stagecoach.domain.push.RepositoryChange.UnreferencedMergeCommit;
import io.stagecoach.domain.registry.BranchRule;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.RepositoryMapping;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What Stagecoach does about a change in a CodeCommit repository, decided from the apps' repository
 * mappings.
 */
public sealed interface PushDecision {

  /**
   * Register {@code commit} as release {@code version} of {@code app} and promote it into its first
   * stage.
   */
  record RegisterAndPromote(String app, String version, String commit) implements PushDecision {}

  /**
   * Deploy {@code commit} as {@code version} into the ephemeral environment of {@code branch},
   * creating it when it does not exist, and let it expire at {@code expiresAt}.
   */
  record DeployEphemeral(
      String app,
      String environment,
      String branch,
      String version,
      String commit,
      Instant expiresAt)
      implements PushDecision {}

  /**
   * Destroy the ephemeral environment of a deleted {@code branch}. The one who carries it out must
   * check the environment is ephemeral: a branch can be named like a shared stage.
   */
  record DestroyEphemeral(String app, String environment, String branch) implements PushDecision {}

  /** Nothing to do, and why. */
  record Ignored(String reason) implements PushDecision {}

  /**
   * The decision for {@code change}, given the repository mappings of every app. A repository
   * mapped by several apps is ignored: registering one app's release for another's push would be a
   * guess.
   */
  static PushDecision decide(
      RepositoryChange change, List<RepositoryMapping> mappings, Instant now) {
    return switch (change) {
      case UnreferencedMergeCommit merge ->
          new Ignored(
              "merge commit "
                  + merge.commitId()
                  + " in "
                  + merge.repository()
                  + " is on no branch yet; its branch update will follow");
      case ReferenceChange ref -> decide(ref, mappings, now);
    };
  }

  private static PushDecision decide(
      ReferenceChange ref, List<RepositoryMapping> mappings, Instant now) {
    if (ref.type() == ReferenceType.TAG) {
      return new Ignored(
          "tag " + ref.name() + " in " + ref.repository() + ": tags trigger nothing, branches do");
    }
    List<RepositoryMapping> owners =
        mappings.stream().filter(m -> m.repository().equals(ref.repository())).toList();
    if (owners.isEmpty()) {
      return new Ignored("no app is built from repository " + ref.repository());
    }
    if (owners.size() > 1) {
      return new Ignored(
          "repository "
              + ref.repository()
              + " is mapped by several apps ("
              + owners.stream().map(RepositoryMapping::app).collect(Collectors.joining(", "))
              + ")");
    }
    RepositoryMapping mapping = owners.get(0);
    return mapping
        .ruleFor(ref.name())
        .map(rule -> decide(mapping.app(), rule, ref, now))
        .orElseGet(
            () -> new Ignored("branch " + ref.name() + " matches no rule of app " + mapping.app()));
  }

  private static PushDecision decide(
      String app, BranchRule rule, ReferenceChange ref, Instant now) {
    boolean deleted = ref.event() == ReferenceEvent.DELETED;
    return switch (rule.action()) {
      case BranchRule.Pipeline p when deleted ->
          new Ignored(
              "branch "
                  + ref.name()
                  + " of app "
                  + app
                  + " was deleted: its releases and stages stay");
      case BranchRule.Pipeline p -> {
        String commit = ref.commitId().orElseThrow();
        yield new RegisterAndPromote(app, p.versionFrom().version(commit), commit);
      }
      case BranchRule.Ephemeral e when deleted ->
          new DestroyEphemeral(app, Naming.branchEnvironmentName(ref.name()), ref.name());
      case BranchRule.Ephemeral e -> {
        String commit = ref.commitId().orElseThrow();
        yield new DeployEphemeral(
            app,
            Naming.branchEnvironmentName(ref.name()),
            ref.name(),
            e.versionFrom().version(commit),
            commit,
            now.plus(e.ttl()));
      }
    };
  }
}
