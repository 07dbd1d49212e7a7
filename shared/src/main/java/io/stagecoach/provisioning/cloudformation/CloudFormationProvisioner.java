package io.stagecoach.provisioning.cloudformation;

import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.deployment.ProvisioningResult.Failed;
import io.stagecoach.domain.deployment.ProvisioningResult.InProgress;
import io.stagecoach.domain.deployment.ProvisioningResult.Succeeded;
import io.stagecoach.domain.deployment.StackParameters;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.drift.PropertyDifference;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.provisioning.secretsmanager.SecretDescriptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetNotFoundException;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackDriftDetectionStatusResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackResourceDriftsResponse;
import software.amazon.awssdk.services.cloudformation.model.ExecutionStatus;
import software.amazon.awssdk.services.cloudformation.model.GetTemplateSummaryRequest;
import software.amazon.awssdk.services.cloudformation.model.InsufficientCapabilitiesException;
import software.amazon.awssdk.services.cloudformation.model.ListStackResourcesResponse;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ParameterDeclaration;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackDriftDetectionStatus;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackResourceDrift;
import software.amazon.awssdk.services.cloudformation.model.StackResourceDriftStatus;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The {@link Provisioner} on AWS. Every environment is one CloudFormation stack, {@code
 * {app}-{env}}, in the environment's account and region, and is changed only through a change set
 * named after the deployment: a repeated {@link #apply} finds that change set and carries on from
 * where the last call stopped, so a deployment is never executed twice.
 *
 * <p>Stacks take minutes; a caller with a deadline (a Lambda function) passes its time left, and
 * when it runs short the provisioner answers {@link InProgress} instead of waiting on; the same
 * request made again later collects the result. SDK errors (throttling, network) are thrown for the
 * caller to retry; whatever CloudFormation decided about the environment comes back as a {@link
 * ProvisioningResult}.
 */
public final class CloudFormationProvisioner implements Provisioner {

  /** Waits between two polls of CloudFormation; tests pass one that only moves their clock. */
  @FunctionalInterface
  public interface Sleeper {

    void sleep(Duration duration);

    /**
     * Sleeps the calling thread; an interrupt ends the wait with an exception and leaves the thread
     * interrupted.
     */
    static Sleeper thread() {
      return duration -> {
        try {
          Thread.sleep(duration);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for CloudFormation", e);
        }
      };
    }
  }

  /**
   * Stagecoach templates may create IAM resources and use transforms (SAM, modules); CloudFormation
   * asks for both.
   */
  static final List<Capability> CAPABILITIES =
      List.of(
          Capability.CAPABILITY_IAM,
          Capability.CAPABILITY_NAMED_IAM,
          Capability.CAPABILITY_AUTO_EXPAND);

  /**
   * Time kept back from the caller's budget, to answer and record {@link InProgress} before it is
   * stopped.
   */
  static final Duration MARGIN = Duration.ofSeconds(20);

  private static final Duration FIRST_STACK_POLL = Duration.ofSeconds(5);
  private static final Duration LONGEST_STACK_POLL = Duration.ofSeconds(15);
  private static final Duration FIRST_CHANGE_SET_POLL = Duration.ofSeconds(2);
  private static final Duration LONGEST_CHANGE_SET_POLL = Duration.ofSeconds(10);

  /**
   * DescribeStackEvents pages (of up to 100 events) read when looking for why an operation failed.
   */
  private static final int MAX_EVENT_PAGES = 10;

  private static final int MAX_DESCRIPTION = 1024;

  private static final Set<String> DEPLOYED =
      Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE");
  private static final Set<String> ROLLED_BACK =
      Set.of(
          "ROLLBACK_COMPLETE",
          "UPDATE_ROLLBACK_COMPLETE",
          "IMPORT_ROLLBACK_COMPLETE",
          "DELETE_COMPLETE");
  private static final Set<String> OPERATION_STARTS =
      Set.of(
          "CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "IMPORT_IN_PROGRESS");
  private static final String STACK_TYPE = "AWS::CloudFormation::Stack";

  private final Function<Environment, CloudFormationClient> clients;
  private final Function<Environment, SecretsManagerClient> secrets;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Supplier<Duration> timeLeft;

  /**
   * @param clients the CloudFormation client for an environment's account and region; may throw
   *     {@link RefusedRequestException} for a target Stagecoach must not deploy to
   * @param secrets the Secrets Manager client for an environment's account and region, acting as
   *     the same role; may throw {@link RefusedRequestException} likewise
   * @param clock names the change sets of plans
   * @param sleeper waits between polls
   * @param timeLeft how long the caller may still run (a Lambda function's remaining time, for
   *     example)
   */
  public CloudFormationProvisioner(
      Function<Environment, CloudFormationClient> clients,
      Function<Environment, SecretsManagerClient> secrets,
      Clock clock,
      Sleeper sleeper,
      Supplier<Duration> timeLeft) {
    this.clients = clients;
    this.secrets = secrets;
    this.clock = clock;
    this.sleeper = sleeper;
    this.timeLeft = timeLeft;
  }

  /**
   * The provisioner of the Stagecoach control plane: for each (account, region, tier) a client
   * acting as the role {@code arn:aws:iam::{account}:role/{roleNamePrefix}{tier}}, assumed with
   * {@code base} credentials through STS. Environments in accounts outside {@code allowedAccounts}
   * are refused ({@code Failed}; {@code plan} throws {@link RefusedRequestException}).
   *
   * @param defaultRegion the region of STS, and of environments that name none
   * @param roleNamePrefix {@code stagecoach-deploy-} for the roles the Stagecoach deploy-role
   *     template makes
   */
  public static CloudFormationProvisioner assumingDeployRoles(
      Region defaultRegion,
      AwsCredentialsProvider base,
      String roleNamePrefix,
      Set<String> allowedAccounts,
      Clock clock,
      Supplier<Duration> timeLeft) {
    DeployRoleClients roles =
        new DeployRoleClients(defaultRegion, base, roleNamePrefix, allowedAccounts);
    return new CloudFormationProvisioner(
        roles, roles::secretsManager, clock, Sleeper.thread(), timeLeft);
  }

  // ------------------------------------------------------------ secrets

  /**
   * {@code DescribeSecret} as the environment's deploy role: rotation settings and dates, never the
   * value (the role needs {@code secretsmanager:DescribeSecret} on the account's secrets, and no
   * {@code GetSecretValue} for this). See
   * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
   */
  @Override
  public SecretRotation.Settings describeSecret(Environment environment, SecretReference secret) {
    SecretsManagerClient secretsManager;
    try {
      secretsManager = secrets.apply(environment);
    } catch (RefusedRequestException e) {
      throw new SecretNotDescribed(e.getMessage(), e);
    }
    return SecretDescriptions.rotationOf(secretsManager, secret);
  }

  // ------------------------------------------------------------ plan

  /**
   * Makes a change set, reads it and deletes it again, with the stack CloudFormation made for it
   * when there was none: a plan leaves nothing behind.
   *
   * @throws RefusedRequestException when the target is refused or CloudFormation rejects the
   *     template
   */
  @Override
  public Plan plan(ProvisioningRequest request) {
    Optional<String> problem = request.template().problem();
    if (problem.isPresent()) {
      throw new RefusedRequestException("the template: " + problem.get());
    }
    CloudFormationClient cfn = clients.apply(request.environment());
    String stack = request.stackName();
    Optional<Stack> current = findStack(cfn, stack);
    // Only a stack that this plan brings into being is removed afterwards; a REVIEW_IN_PROGRESS
    // stack that
    // was already there may hold another deployment's change set.
    boolean stackMadeForPlan = current.isEmpty();
    String name = ChangeSetNames.forPlan(request.deploymentId(), clock.instant());
    createChangeSet(cfn, request, name, typeFor(current));
    try {
      Plan plan = readPlan(cfn, request, current, name);
      removePlanLeftovers(cfn, stack, name, stackMadeForPlan);
      return plan;
    } catch (RuntimeException e) {
      try {
        removePlanLeftovers(cfn, stack, name, stackMadeForPlan);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private Plan readPlan(
      CloudFormationClient cfn, ProvisioningRequest request, Optional<Stack> current, String name) {
    String stack = request.stackName();
    DescribeChangeSetResponse changeSet =
        awaitChangeSet(cfn, stack, name)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "change set "
                            + name
                            + " of "
                            + stack
                            + " was still being made when time ran out"));
    if (changeSet.status() == ChangeSetStatus.FAILED) {
      if (containsNoChanges(changeSet)) {
        return ChangeSetPlans.unchanged(request);
      }
      throw new RefusedRequestException(changeSetFailure(changeSet));
    }
    return planOf(cfn, changeSet, request, current);
  }

  private static void removePlanLeftovers(
      CloudFormationClient cfn, String stack, String name, boolean stackMadeForPlan) {
    cfn.deleteChangeSet(r -> r.stackName(stack).changeSetName(name));
    if (stackMadeForPlan) {
      cfn.deleteStack(r -> r.stackName(stack));
    }
  }

  // ------------------------------------------------------------ apply

  @Override
  public ProvisioningResult apply(ProvisioningRequest request) {
    Optional<String> problem = request.template().problem();
    if (problem.isPresent()) {
      return new Failed("the template: " + problem.get(), Plan.NOTHING);
    }
    CloudFormationClient cfn;
    try {
      cfn = clients.apply(request.environment());
    } catch (RefusedRequestException e) {
      return new Failed(e.getMessage(), Plan.NOTHING);
    }
    String stack = request.stackName();
    String name = ChangeSetNames.forDeployment(request.deploymentId());
    if (findChangeSet(cfn, stack, name).isEmpty()) {
      Optional<Stack> current = findStack(cfn, stack);
      if (current.isPresent() && isBusy(current.get())) {
        return new InProgress(
            "stack "
                + stack
                + " is "
                + current.get().stackStatusAsString()
                + "; deployment "
                + request.deploymentId()
                + " starts when it has finished");
      }
      try {
        createChangeSet(cfn, request, name, typeFor(current));
      } catch (RefusedRequestException e) {
        return new Failed(e.getMessage(), Plan.NOTHING);
      }
    }
    return deploy(cfn, request, name);
  }

  /**
   * Carries the deployment's change set on from wherever it is: being made, made, executing or
   * executed.
   */
  private ProvisioningResult deploy(
      CloudFormationClient cfn, ProvisioningRequest request, String name) {
    String stack = request.stackName();
    Optional<DescribeChangeSetResponse> ready = awaitChangeSet(cfn, stack, name);
    if (ready.isEmpty()) {
      return new InProgress("change set " + name + " of stack " + stack + " is still being made");
    }
    DescribeChangeSetResponse changeSet = ready.get();
    if (changeSet.status() == ChangeSetStatus.FAILED) {
      if (!containsNoChanges(changeSet)) {
        return new Failed(changeSetFailure(changeSet), Plan.NOTHING);
      }
      Optional<Stack> current = findStack(cfn, stack);
      current.ifPresent(s -> protect(cfn, request));
      return new Succeeded(
          ChangeSetPlans.unchanged(request),
          current.map(CloudFormationProvisioner::outputsOf).orElse(Map.of()),
          current.isPresent() ? resourcesOf(cfn, stack) : List.of());
    }
    if (changeSet.status() != ChangeSetStatus.CREATE_COMPLETE) {
      return new Failed(
          "change set "
              + name
              + " of stack "
              + stack
              + " is "
              + changeSet.statusAsString()
              + " and was never executed; deploy again",
          Plan.NOTHING);
    }
    // Before it is executed, the stack still has the parameters the change set changes.
    Plan plan = planOf(cfn, changeSet, request, findStack(cfn, stack));
    ExecutionStatus execution = changeSet.executionStatus();
    if (execution == ExecutionStatus.AVAILABLE) {
      cfn.executeChangeSet(r -> r.stackName(stack).changeSetName(name));
    } else if (execution == ExecutionStatus.OBSOLETE) {
      return new Failed(
          "stack "
              + stack
              + " was updated by another deployment before change set "
              + name
              + " was executed; deploy again",
          plan);
    } else if (execution != ExecutionStatus.EXECUTE_IN_PROGRESS
        && execution != ExecutionStatus.EXECUTE_COMPLETE
        && execution != ExecutionStatus.EXECUTE_FAILED) {
      return new Failed(
          "change set "
              + name
              + " of stack "
              + stack
              + " cannot be executed: "
              + changeSet.executionStatusAsString(),
          plan);
    }
    // Also on a repeated call: the previous one may have stopped between executing and protecting.
    protect(cfn, request);
    return awaitDeployment(cfn, stack, plan);
  }

  private ProvisioningResult awaitDeployment(CloudFormationClient cfn, String stack, Plan plan) {
    Duration delay = FIRST_STACK_POLL;
    while (true) {
      Optional<Stack> found = findStack(cfn, stack);
      if (found.isEmpty()) {
        return new Failed("stack " + stack + " was deleted while it was being deployed", plan);
      }
      String status = found.get().stackStatusAsString();
      if (DEPLOYED.contains(status)) {
        return new Succeeded(plan, outputsOf(found.get()), resourcesOf(cfn, stack));
      }
      if (ROLLED_BACK.contains(status) || status.endsWith("_FAILED")) {
        return new Failed(failureReason(cfn, found.get()), plan);
      }
      if (!timeFor(delay)) {
        return new InProgress("stack " + stack + " is " + status);
      }
      sleeper.sleep(delay);
      delay = longer(delay, LONGEST_STACK_POLL);
    }
  }

  /**
   * Termination protection follows the environment's protection, so a protected stack cannot be
   * deleted by hand.
   */
  private static void protect(CloudFormationClient cfn, ProvisioningRequest request) {
    cfn.updateTerminationProtection(
        r ->
            r.stackName(request.stackName())
                .enableTerminationProtection(request.environment().isProtected()));
  }

  // ------------------------------------------------------------ destroy

  @Override
  public ProvisioningResult destroy(ProvisioningRequest request) {
    CloudFormationClient cfn;
    try {
      cfn = clients.apply(request.environment());
    } catch (RefusedRequestException e) {
      return new Failed(e.getMessage(), Plan.NOTHING);
    }
    String stack = request.stackName();
    Optional<Stack> found = findStack(cfn, stack);
    if (found.isEmpty()) {
      return new Succeeded(Plan.NOTHING, Map.of());
    }
    Environment environment = request.environment();
    if (environment.isProtected()) {
      return new Failed(
          "environment "
              + environment.app()
              + "/"
              + environment.name()
              + " is protected; remove its protection before destroying it",
          Plan.NOTHING);
    }
    Stack current = found.get();
    Plan removals = removalsOf(cfn, stack);
    if (!"DELETE_IN_PROGRESS".equals(current.stackStatusAsString())) {
      if (isBusy(current)) {
        return new InProgress(
            "stack "
                + stack
                + " is "
                + current.stackStatusAsString()
                + "; it is deleted when that has finished");
      }
      try {
        if (Boolean.TRUE.equals(current.enableTerminationProtection())) {
          cfn.updateTerminationProtection(
              r -> r.stackName(stack).enableTerminationProtection(false));
        }
        cfn.deleteStack(r -> r.stackName(stack));
      } catch (CloudFormationException e) {
        if (isValidationError(e)) {
          return new Failed(message(e), removals);
        }
        throw e;
      }
    }
    return awaitDeletion(cfn, stack, removals);
  }

  private ProvisioningResult awaitDeletion(CloudFormationClient cfn, String stack, Plan removals) {
    Duration delay = FIRST_STACK_POLL;
    while (true) {
      // DescribeStacks by name no longer finds a deleted stack.
      Optional<Stack> found = findStack(cfn, stack);
      String status = found.map(Stack::stackStatusAsString).orElse("DELETE_COMPLETE");
      if ("DELETE_COMPLETE".equals(status)) {
        return new Succeeded(removals, Map.of());
      }
      if (status.endsWith("_FAILED")) {
        return new Failed(failureReason(cfn, found.get()), removals);
      }
      if (!timeFor(delay)) {
        return new InProgress("stack " + stack + " is " + status);
      }
      sleeper.sleep(delay);
      delay = longer(delay, LONGEST_STACK_POLL);
    }
  }

  private static Plan removalsOf(CloudFormationClient cfn, String stack) {
    List<ResourceChange> removals = new ArrayList<>();
    for (StackResourceSummary resource : summariesOf(cfn, stack)) {
      removals.add(
          new ResourceChange(
              resource.logicalResourceId(),
              resource.resourceType(),
              ResourceChange.Action.REMOVE,
              false,
              true));
    }
    return new Plan(removals);
  }

  /**
   * What the stack is made of now (ListStackResources, every page): the environment records it, so
   * one read of the environment tells what runs there.
   */
  private static List<StackResource> resourcesOf(CloudFormationClient cfn, String stack) {
    List<StackResource> resources = new ArrayList<>();
    for (StackResourceSummary resource : summariesOf(cfn, stack)) {
      resources.add(
          new StackResource(
              resource.logicalResourceId(),
              resource.resourceType(),
              Optional.ofNullable(resource.physicalResourceId()).filter(p -> !p.isEmpty())));
    }
    return resources;
  }

  private static List<StackResourceSummary> summariesOf(CloudFormationClient cfn, String stack) {
    List<StackResourceSummary> summaries = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      ListStackResourcesResponse response =
          cfn.listStackResources(r -> r.stackName(stack).nextToken(page));
      summaries.addAll(response.stackResourceSummaries());
      token = response.nextToken();
    } while (token != null);
    return summaries;
  }

  // ------------------------------------------------------------ change sets

  private static void createChangeSet(
      CloudFormationClient cfn, ProvisioningRequest request, String name, ChangeSetType type) {
    EnvironmentTemplate template = request.template();
    String region = request.environment().region();
    try {
      Set<String> declared = declaredParameters(cfn, template, region);
      // Secrets are dynamic references by now (StackParameters): CloudFormation reads their values
      // itself.
      List<Parameter> parameters =
          StackParameters.forDeclared(request, declared).entrySet().stream()
              .map(
                  p ->
                      Parameter.builder()
                          .parameterKey(p.getKey())
                          .parameterValue(p.getValue())
                          .build())
              .toList();
      List<Tag> tags =
          StackParameters.tags(request).entrySet().stream()
              .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build())
              .toList();
      CreateChangeSetRequest.Builder create =
          CreateChangeSetRequest.builder()
              .stackName(request.stackName())
              .changeSetName(name)
              .changeSetType(type)
              .parameters(parameters)
              .tags(tags)
              .capabilities(CAPABILITIES)
              .description(description(request));
      if (template.body().isPresent()) {
        create.templateBody(template.body().get());
      } else {
        create.templateURL(templateUrl(template.url().orElseThrow(), region));
      }
      cfn.createChangeSet(create.build());
    } catch (InsufficientCapabilitiesException e) {
      throw new RefusedRequestException(message(e), e);
    } catch (CloudFormationException e) {
      if (isValidationError(e)) {
        throw new RefusedRequestException(message(e), e);
      }
      throw e;
    }
  }

  /** The parameters the template declares: CloudFormation refuses values for any other. */
  private static Set<String> declaredParameters(
      CloudFormationClient cfn, EnvironmentTemplate template, String region) {
    GetTemplateSummaryRequest.Builder summary = GetTemplateSummaryRequest.builder();
    if (template.body().isPresent()) {
      summary.templateBody(template.body().get());
    } else {
      summary.templateURL(templateUrl(template.url().orElseThrow(), region));
    }
    return cfn.getTemplateSummary(summary.build()).parameters().stream()
        .map(ParameterDeclaration::parameterKey)
        .collect(Collectors.toSet());
  }

  /**
   * CloudFormation takes templates from S3 only as HTTPS URLs; an {@code s3://bucket/key} location
   * becomes the bucket's virtual-hosted URL in the environment's region
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
   */
  static String templateUrl(String url, String region) {
    if (!url.startsWith("s3://")) {
      return url;
    }
    String location = url.substring("s3://".length());
    int slash = location.indexOf('/');
    return "https://"
        + location.substring(0, slash)
        + ".s3."
        + region
        + ".amazonaws.com/"
        + location.substring(slash + 1);
  }

  private static String description(ProvisioningRequest request) {
    String text =
        "Stagecoach deployment "
            + request.deploymentId()
            + request.release().map(Release::version).map(v -> " of release " + v).orElse("");
    return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION);
  }

  /**
   * The change set once CloudFormation has finished making it (and, after it is made, once it can
   * be executed); empty when the time left ran out first.
   */
  private Optional<DescribeChangeSetResponse> awaitChangeSet(
      CloudFormationClient cfn, String stack, String name) {
    Duration delay = FIRST_CHANGE_SET_POLL;
    while (true) {
      DescribeChangeSetResponse changeSet =
          cfn.describeChangeSet(
              r -> r.stackName(stack).changeSetName(name).includePropertyValues(true));
      ChangeSetStatus status = changeSet.status();
      boolean beingMade =
          status == ChangeSetStatus.CREATE_PENDING
              || status == ChangeSetStatus.CREATE_IN_PROGRESS
              || status == ChangeSetStatus.CREATE_COMPLETE
                  && changeSet.executionStatus() == ExecutionStatus.UNAVAILABLE;
      if (!beingMade) {
        return Optional.of(changeSet);
      }
      if (!timeFor(delay)) {
        return Optional.empty();
      }
      sleeper.sleep(delay);
      delay = longer(delay, LONGEST_CHANGE_SET_POLL);
    }
  }

  private static Optional<DescribeChangeSetResponse> findChangeSet(
      CloudFormationClient cfn, String stack, String name) {
    try {
      return Optional.of(cfn.describeChangeSet(r -> r.stackName(stack).changeSetName(name)));
    } catch (ChangeSetNotFoundException e) {
      return Optional.empty();
    } catch (CloudFormationException e) {
      if (isMissingStack(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The change set's plan ({@link ChangeSetPlans}), from all its pages, with property values;
   * {@code current} is the stack as it is before the change set runs, for the parameters it
   * changes.
   */
  private static Plan planOf(
      CloudFormationClient cfn,
      DescribeChangeSetResponse first,
      ProvisioningRequest request,
      Optional<Stack> current) {
    List<Change> changes = new ArrayList<>(first.changes());
    String token = first.nextToken();
    while (token != null) {
      String page = token;
      DescribeChangeSetResponse next =
          cfn.describeChangeSet(
              r ->
                  r.stackName(first.stackName())
                      .changeSetName(first.changeSetName())
                      .includePropertyValues(true)
                      .nextToken(page));
      changes.addAll(next.changes());
      token = next.nextToken();
    }
    return ChangeSetPlans.plan(
        changes, current.map(Stack::parameters).orElse(List.of()), first.parameters(), request);
  }

  /**
   * CloudFormation refuses a change set that changes nothing, with one of these reasons
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html).
   */
  private static boolean containsNoChanges(DescribeChangeSetResponse changeSet) {
    String reason = changeSet.statusReason() == null ? "" : changeSet.statusReason();
    return reason.contains("didn't contain changes")
        || reason.contains("No updates are to be performed");
  }

  private static String changeSetFailure(DescribeChangeSetResponse changeSet) {
    return "CloudFormation could not make change set "
        + changeSet.changeSetName()
        + ": "
        + (changeSet.statusReason() == null
            ? changeSet.statusAsString()
            : changeSet.statusReason());
  }

  // ------------------------------------------------------------ drift

  private static final Duration FIRST_DRIFT_POLL = Duration.ofSeconds(2);
  private static final Duration LONGEST_DRIFT_POLL = Duration.ofSeconds(10);

  /**
   * CloudFormation's drift detection of the environment's stack, through the tier's deploy role:
   * {@code DetectStackDrift}, then {@code DescribeStackDriftDetectionStatus} until it is done, then
   * {@code DescribeStackResourceDrifts} of the resources found {@code DELETED} or {@code MODIFIED}
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/detect-drift-stack.html). A
   * detection that failed for some resources (types drift detection does not support) still has
   * results for the others. A stack that no longer exists has lost every resource the environment
   * recorded. A detection that does not end in the time left is a technical error: the check is
   * tried again.
   */
  @Override
  public List<DriftedResource> detectDrift(ProvisioningRequest request) {
    CloudFormationClient cfn = clients.apply(request.environment());
    String stack = request.stackName();
    if (findStack(cfn, stack).isEmpty()) {
      return request.environment().deployed().map(d -> d.resources()).orElse(List.of()).stream()
          .map(r -> DriftedResource.deleted(r.logicalId(), r.type()))
          .toList();
    }
    String detection = cfn.detectStackDrift(r -> r.stackName(stack)).stackDriftDetectionId();
    Duration delay = FIRST_DRIFT_POLL;
    while (true) {
      DescribeStackDriftDetectionStatusResponse status =
          cfn.describeStackDriftDetectionStatus(r -> r.stackDriftDetectionId(detection));
      if (status.detectionStatus() != StackDriftDetectionStatus.DETECTION_IN_PROGRESS) {
        return resourceDrifts(cfn, stack);
      }
      if (!timeFor(delay)) {
        throw new IllegalStateException(
            "drift detection " + detection + " of stack " + stack + " is still running");
      }
      sleeper.sleep(delay);
      delay = longer(delay, LONGEST_DRIFT_POLL);
    }
  }

  private static List<DriftedResource> resourceDrifts(CloudFormationClient cfn, String stack) {
    List<DriftedResource> drifted = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      DescribeStackResourceDriftsResponse response =
          cfn.describeStackResourceDrifts(
              r ->
                  r.stackName(stack)
                      .stackResourceDriftStatusFilters(
                          StackResourceDriftStatus.DELETED, StackResourceDriftStatus.MODIFIED)
                      .nextToken(page));
      for (StackResourceDrift d : response.stackResourceDrifts()) {
        boolean deleted = d.stackResourceDriftStatus() == StackResourceDriftStatus.DELETED;
        List<PropertyDifference> properties = new ArrayList<>();
        for (software.amazon.awssdk.services.cloudformation.model.PropertyDifference p :
            d.propertyDifferences()) {
          properties.add(
              new PropertyDifference(
                  p.propertyPath(),
                  Optional.ofNullable(p.expectedValue()),
                  Optional.ofNullable(p.actualValue())));
        }
        drifted.add(
            new DriftedResource(
                d.logicalResourceId(),
                d.resourceType(),
                deleted ? DriftedResource.Difference.DELETED : DriftedResource.Difference.MODIFIED,
                deleted ? List.of() : properties));
      }
      token = response.nextToken();
    } while (token != null);
    return drifted;
  }

  // ------------------------------------------------------------ stacks

  private static Optional<Stack> findStack(CloudFormationClient cfn, String stack) {
    try {
      return cfn.describeStacks(r -> r.stackName(stack)).stacks().stream().findFirst();
    } catch (CloudFormationException e) {
      if (isMissingStack(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static ChangeSetType typeFor(Optional<Stack> current) {
    return current.isEmpty() || "REVIEW_IN_PROGRESS".equals(current.get().stackStatusAsString())
        ? ChangeSetType.CREATE
        : ChangeSetType.UPDATE;
  }

  /**
   * Another operation is running on the stack; a REVIEW_IN_PROGRESS stack only holds change sets.
   */
  private static boolean isBusy(Stack stack) {
    String status = stack.stackStatusAsString();
    return status.endsWith("_IN_PROGRESS") && !"REVIEW_IN_PROGRESS".equals(status);
  }

  private static Map<String, String> outputsOf(Stack stack) {
    Map<String, String> outputs = new TreeMap<>();
    for (Output output : stack.outputs()) {
      if (output.outputValue() != null) {
        outputs.put(output.outputKey(), output.outputValue());
      }
    }
    return outputs;
  }

  /**
   * Why the stack's last operation failed: the first resource that failed in it (later failures are
   * mostly resources cancelled because of it), else the stack's own reason. Events come newest
   * first; the operation began with the stack's own CREATE/UPDATE/DELETE_IN_PROGRESS event.
   */
  private static String failureReason(CloudFormationClient cfn, Stack stack) {
    StackEvent firstFailure = null;
    String token = null;
    int pages = 0;
    reading:
    do {
      String page = token;
      DescribeStackEventsResponse response =
          cfn.describeStackEvents(r -> r.stackName(stack.stackId()).nextToken(page));
      for (StackEvent event : response.stackEvents()) {
        String status = event.resourceStatusAsString();
        if (status != null && status.endsWith("_FAILED") && event.resourceStatusReason() != null) {
          firstFailure = event;
        }
        if (STACK_TYPE.equals(event.resourceType())
            && stack.stackName().equals(event.logicalResourceId())
            && OPERATION_STARTS.contains(status)) {
          break reading;
        }
      }
      token = response.nextToken();
    } while (token != null && ++pages < MAX_EVENT_PAGES);
    if (firstFailure != null) {
      return firstFailure.logicalResourceId()
          + " ("
          + firstFailure.resourceType()
          + "): "
          + firstFailure.resourceStatusReason();
    }
    return "stack "
        + stack.stackName()
        + " is "
        + stack.stackStatusAsString()
        + (stack.stackStatusReason() == null ? "" : ": " + stack.stackStatusReason());
  }

  // ------------------------------------------------------------ errors and time

  /**
   * CloudFormation answers a request about a stack that does not exist with a ValidationError, not
   * a 404.
   */
  private static boolean isMissingStack(CloudFormationException e) {
    return isValidationError(e)
        && e.awsErrorDetails().errorMessage() != null
        && e.awsErrorDetails().errorMessage().contains("does not exist");
  }

  private static boolean isValidationError(CloudFormationException e) {
    return e.awsErrorDetails() != null && "ValidationError".equals(e.awsErrorDetails().errorCode());
  }

  private static String message(CloudFormationException e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
        ? e.awsErrorDetails().errorMessage()
        : e.getMessage();
  }

  /** Whether a wait of {@code delay} still leaves the margin to answer. */
  private boolean timeFor(Duration delay) {
    return timeLeft.get().minus(delay).compareTo(MARGIN) >= 0;
  }

  private static Duration longer(Duration delay, Duration longest) {
    Duration doubled = delay.multipliedBy(2);
    return doubled.compareTo(longest) > 0 ? longest : doubled;
  }
}
