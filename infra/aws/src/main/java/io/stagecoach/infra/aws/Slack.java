package io.stagecoach.infra.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.Method;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.Resource;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfig;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Stagecoach in Slack: slash commands and approval buttons, and approval requests posted to an
 * app's channel.
 *
 * <ul>
 *   <li>{@code POST /slack/commands} and {@code POST /slack/interactions} on the REST API, without
 *       an authorizer (Slack cannot send a bearer token; it signs every request instead), proxied
 *       to the webhook function's live alias ({@value #WEBHOOK_HANDLER}). The webhook verifies the
 *       signature with the signing secret, acts with the same use cases and grants as the API
 *       function, and finishes slow commands in an asynchronous invocation of its own alias (no
 *       retry: a repeated deploy would be harmless, a repeated answer confusing; the request's
 *       signature is only good for five minutes).
 *   <li>A rule for {@value #APPROVAL_REQUESTED} and {@value #ENVIRONMENT_EXPIRING} on the
 *       Stagecoach bus, to the notifier function ({@value #NOTIFIER_HANDLER}), which posts the
 *       approval to the app's channel, and the expiry warning to the owner (or the app's channel),
 *       with the bot token; what cannot be delivered ends in its dead-letter queue.
 *   <li>Two secrets the operator fills after the first deployment, with the Slack app's signing
 *       secret and bot token: the functions are told their names, never their values, and each may
 *       read only the one it needs.
 * </ul>
 */
public final class Slack extends Construct {

  public static final String WEBHOOK_HANDLER =
      "io.stagecoach.functions.slack.SlackWebhookHandler::handleRequest";
  public static final String NOTIFIER_HANDLER =
      "io.stagecoach.functions.slack.SlackNotifierHandler::handleRequest";
  public static final String APPROVAL_REQUESTED = "Approval Requested";

  /** The REST API's base URL, which the notifier's messages link to. */
  public static final String STAGECOACH_API_URL_VARIABLE = "STAGECOACH_API_URL";

  public static final String ENVIRONMENT_EXPIRING = "Environment Expiring";

  /** A break-glass asked for, and confirmed: posted to the app's channel so it is never quiet. */
  public static final List<String> BREAK_GLASS =
      List.of("Break Glass Requested", "Break Glass Confirmed");

  /** An environment found drifted, and found in sync again: posted to the app's channel. */
  public static final List<String> DRIFT = List.of("Drift Detected", "Drift Resolved");

  public static final String SIGNING_SECRET_VARIABLE = "SLACK_SIGNING_SECRET_ID";
  public static final String BOT_TOKEN_VARIABLE = "SLACK_BOT_TOKEN_ID";

  /**
   * What the notifier does with the registry: read an app's channel, claim and release an
   * approval's notice.
   */
  public static final List<String> NOTIFIER_ITEM_ACTIONS =
      List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem");

  private final JavaFunction webhook;
  private final JavaFunction notifier;
  private final Secret signingSecret;
  private final Secret botToken;
  private final Rule approvalRequestedRule;
  private final Queue deadLetters;

  /**
   * @param signingSecretName the name of the secret holding the Slack app's signing secret
   * @param botTokenName the name of the secret holding the bot token ({@code xoxb-...})
   */
  public record Props(
      Code code,
      IEventBus bus,
      RegistryTable registry,
      RestApi restApi,
      Provisioners provisioners,
      Promotion promotion,
      String signingSecretName,
      String botTokenName,
      RetentionDays logRetention) {

    public Props {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(bus, "bus");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(restApi, "restApi");
      Objects.requireNonNull(provisioners, "provisioners");
      Objects.requireNonNull(promotion, "promotion");
      Objects.requireNonNull(signingSecretName, "signingSecretName");
      Objects.requireNonNull(botTokenName, "botTokenName");
      Objects.requireNonNull(logRetention, "logRetention");
    }
  }

  public Slack(final Construct scope, final String id, final Props props) {
    super(scope, id);

    this.signingSecret =
        secret(
            "SigningSecret",
            props.signingSecretName(),
            "Stagecoach: the Slack app's Signing Secret (Basic Information). Replace the generated placeholder.");
    this.botToken =
        secret(
            "BotToken",
            props.botTokenName(),
            "Stagecoach: the Slack app's Bot User OAuth Token (xoxb-...). Replace the generated placeholder.");

    // ---- the webhook ----

    Map<String, String> webhookEnvironment = new LinkedHashMap<>();
    webhookEnvironment.put(StagecoachStack.REGISTRY_TABLE_VARIABLE, props.registry().tableName());
    webhookEnvironment.put(StagecoachStack.EVENT_BUS_VARIABLE, props.bus().getEventBusName());
    webhookEnvironment.put(
        StagecoachStack.PROVISIONER_FUNCTIONS_VARIABLE,
        Fn.join(",", props.provisioners().functionsSetting()));
    webhookEnvironment.put(
        StagecoachStack.PROMOTION_STATE_MACHINE_VARIABLE, props.promotion().stateMachineArn());
    webhookEnvironment.put(SIGNING_SECRET_VARIABLE, props.signingSecretName());
    // 30 s: Slack waits 3 s for the first answer, but the deferred half asks a provisioner for a
    // plan.
    this.webhook =
        new JavaFunction(
            this,
            "Webhook",
            new JavaFunction.Props(
                props.code(),
                WEBHOOK_HANDLER,
                1024,
                Duration.seconds(30),
                webhookEnvironment,
                props.logRetention(),
                "Stagecoach Slack webhook: slash commands and approval buttons"));
    // What the API function may do, for the same use cases.
    props.registry().grantItemReadWrite(webhook.grantPrincipal());
    props.bus().grantPutEventsTo(webhook.grantPrincipal());
    props
        .provisioners()
        .functions()
        .values()
        .forEach(p -> p.liveAlias().grantInvoke(webhook.grantPrincipal()));
    props.promotion().grantStartAndApprove(webhook);
    grantRead(webhook, signingSecret);
    // Its own alias, for the deferred half of slow commands: in a policy of its own, since the
    // function waits
    // for its role's default policy and the alias waits for the function.
    Policy.Builder.create(this, "WebhookDeferralPolicy")
        .roles(List.of(webhook.role()))
        .statements(
            List.of(
                PolicyStatement.Builder.create()
                    .actions(List.of("lambda:InvokeFunction"))
                    .resources(List.of(webhook.liveAlias().getFunctionArn()))
                    .build()))
        .build();
    EventInvokeConfig.Builder.create(this, "WebhookInvokeConfig")
        .function(webhook.function())
        .qualifier(JavaFunction.ALIAS_NAME)
        .retryAttempts(0)
        .maxEventAge(Duration.minutes(5))
        .build();

    LambdaIntegration integration =
        LambdaIntegration.Builder.create(webhook.liveAlias())
            .proxy(true)
            .allowTestInvoke(false)
            .build();
    Resource slack = props.restApi().getRoot().addResource("slack");
    MethodOptions signedBySlack =
        MethodOptions.builder().authorizationType(AuthorizationType.NONE).build();
    for (String route : List.of("commands", "interactions")) {
      Method method = slack.addResource(route).addMethod("POST", integration, signedBySlack);
      String reason =
          "Slack cannot send a bearer token: it signs every request to /slack/"
              + route
              + " with the app's signing secret (v0 HMAC-SHA256, five-minute window), and the webhook"
              + " refuses any request whose signature it cannot verify before it does anything.";
      new AcknowledgedFinding("AwsSolutions-APIG4", reason).on(method.getNode().getDefaultChild());
      new AcknowledgedFinding("AwsSolutions-COG4", reason).on(method.getNode().getDefaultChild());
    }

    // ---- the notifier ----

    Map<String, String> notifierEnvironment = new LinkedHashMap<>();
    notifierEnvironment.put(StagecoachStack.REGISTRY_TABLE_VARIABLE, props.registry().tableName());
    notifierEnvironment.put(BOT_TOKEN_VARIABLE, props.botTokenName());
    // Approval messages link to the approval's full plan in the REST API.
    notifierEnvironment.put(STAGECOACH_API_URL_VARIABLE, props.restApi().getUrl());
    this.notifier =
        new JavaFunction(
            this,
            "Notifier",
            new JavaFunction.Props(
                props.code(),
                NOTIFIER_HANDLER,
                512,
                Duration.seconds(30),
                notifierEnvironment,
                props.logRetention(),
                "Stagecoach Slack notifier: approval requests to the app's channel"));
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(notifier.grantPrincipal())
            .actions(NOTIFIER_ITEM_ACTIONS)
            .resourceArns(List.of(props.registry().table().getTableArn()))
            .build());
    // Finding the Slack account linked to an expiring environment's owner: the links' gsi1
    // partition.
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(notifier.grantPrincipal())
            .actions(List.of("dynamodb:Query"))
            .resourceArns(List.of(props.registry().table().getTableArn() + "/index/gsi1"))
            .build());
    grantRead(notifier, botToken);

    this.deadLetters =
        Queue.Builder.create(this, "ApprovalRequestedDeadLetters")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    new AcknowledgedFinding(
            "AwsSolutions-SQS3",
            "This queue is the dead-letter queue of the Slack notifier (its rule target and its asynchronous"
                + " invocations); a queue behind it would only move the events again.")
        .on(deadLetters);
    EventInvokeConfig.Builder.create(this, "NotifierInvokeConfig")
        .function(notifier.function())
        .qualifier(JavaFunction.ALIAS_NAME)
        .retryAttempts(2)
        .maxEventAge(Duration.hours(1))
        .onFailure(new SqsDestination(deadLetters))
        .build();
    this.approvalRequestedRule =
        Rule.Builder.create(this, "ApprovalRequestedRule")
            .eventBus(props.bus())
            .description(
                "Approval Requested, Environment Expiring, break-glass and drift events, to the"
                    + " Slack notifier")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of(ReleaseIntake.EVENT_SOURCE))
                    .detailType(
                        List.of(
                            APPROVAL_REQUESTED,
                            ENVIRONMENT_EXPIRING,
                            BREAK_GLASS.get(0),
                            BREAK_GLASS.get(1),
                            DRIFT.get(0),
                            DRIFT.get(1)))
                    .build())
            .targets(
                List.of(
                    LambdaFunction.Builder.create(notifier.liveAlias())
                        .retryAttempts(3)
                        .maxEventAge(Duration.hours(1))
                        .deadLetterQueue(deadLetters)
                        .build()))
            .build();
  }

  /**
   * A secret the operator fills: created with a generated placeholder value, so that the stack
   * deploys before the Slack app exists and no value is ever in the template.
   */
  private Secret secret(final String id, final String name, final String description) {
    Secret secret =
        Secret.Builder.create(this, id).secretName(name).description(description).build();
    new AcknowledgedFinding(
            "AwsSolutions-SMG4",
            "Slack issues this value and rotates it in the Slack app's settings, which no rotation function can"
                + " reach; the operator replaces the secret's value then, and the functions read it again"
                + " within five minutes.")
        .on(secret);
    return secret;
  }

  /**
   * Reading the current value only: Secret.grantRead would add DescribeSecret, which no function
   * needs.
   */
  private static void grantRead(final JavaFunction function, final Secret secret) {
    function
        .role()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(List.of(secret.getSecretArn()))
                .build());
  }

  public JavaFunction webhook() {
    return webhook;
  }

  public JavaFunction notifier() {
    return notifier;
  }

  public Secret signingSecret() {
    return signingSecret;
  }

  public Secret botToken() {
    return botToken;
  }

  public Rule approvalRequestedRule() {
    return approvalRequestedRule;
  }

  public Queue deadLetters() {
    return deadLetters;
  }
}
