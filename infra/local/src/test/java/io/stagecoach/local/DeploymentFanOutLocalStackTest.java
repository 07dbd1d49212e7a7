package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.testing.Fixtures;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The deployment fan-out on an EventBridge that is not ours (LocalStack's): the synthesized
 * template's per-tier rules are created there with their own event patterns, each aimed at a queue,
 * and the {@code Deployment Requested} events the API function would publish (through the same
 * publisher) must reach exactly their tier's queue. Needs Docker; without it the test is skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class DeploymentFanOutLocalStackTest {

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.9"))
          .withServices("events", "sqs");

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void deploymentRequested_reachesOnlyItsTiersProvisionerRule() throws Exception {
    var credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    Region region = Region.of(LOCALSTACK.getRegion());
    try (EventBridgeClient events =
            EventBridgeClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        SqsClient sqs =
            SqsClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
      CloudTemplate template;
      try (InputStream in = LocalCloud.class.getResourceAsStream(LocalCloud.DEFAULT_TEMPLATE)) {
        template = CloudTemplate.read(in, "Stagecoach", LOCALSTACK.getRegion());
      }
      String bus = "stagecoach-events";
      events.createEventBus(b -> b.name(bus));
      Map<String, String> queues = new TreeMap<>();
      for (CloudTemplate.Resource rule : template.ofType("AWS::Events::Rule")) {
        JsonNode pattern = rule.properties().path("EventPattern");
        if (!pattern.path("detail-type").toString().contains("Deployment Requested")) {
          continue;
        }
        String tier = pattern.path("detail").path("tier").path(0).asText();
        String url = sqs.createQueue(q -> q.queueName("provisioner-" + tier)).queueUrl();
        String arn =
            sqs.getQueueAttributes(a -> a.queueUrl(url).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings()
                .get("QueueArn");
        events.putRule(
            r -> r.name("deployments-" + tier).eventBusName(bus).eventPattern(pattern.toString()));
        events.putTargets(
            t ->
                t.rule("deployments-" + tier)
                    .eventBusName(bus)
                    .targets(
                        software.amazon.awssdk.services.eventbridge.model.Target.builder()
                            .id("q")
                            .arn(arn)
                            .build()));
        queues.put(tier, url);
      }
      assertEquals(
          List.of("dev", "prod", "staging"), new ArrayList<>(queues.keySet()), "one rule per tier");

      EventBridgePublisher publisher = new EventBridgePublisher(events, bus);
      for (Tier tier : Tier.values()) {
        publisher.publish(new DeploymentRequested(deployment("d-" + tier.wireName(), tier)));
      }

      for (Map.Entry<String, String> q : queues.entrySet()) {
        List<Message> received = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (received.isEmpty() && Instant.now().isBefore(deadline)) {
          received.addAll(
              sqs.receiveMessage(
                      r -> r.queueUrl(q.getValue()).waitTimeSeconds(2).maxNumberOfMessages(10))
                  .messages());
        }
        assertEquals(1, received.size(), q.getKey() + " received " + received);
        JsonNode event = JSON.readTree(received.get(0).body());
        assertEquals("d-" + q.getKey(), event.path("detail").path("deploymentId").asText());
        assertEquals(q.getKey(), event.path("detail").path("tier").asText());
      }
    }
  }

  private static Deployment deployment(String id, Tier tier) {
    return new Deployment(
        id,
        "orders",
        tier.wireName(),
        tier,
        DeploymentAction.DEPLOY,
        Optional.of("1.0.0"),
        Optional.of(Fixtures.DIGEST),
        DeploymentStatus.REQUESTED,
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        "ci",
        Deployment.ORIGIN_API,
        "h",
        0,
        Fixtures.NOW,
        Optional.empty(),
        Optional.empty());
  }
}
