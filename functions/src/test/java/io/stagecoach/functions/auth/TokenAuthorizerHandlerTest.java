package io.stagecoach.functions.auth;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.domain.access.IssuedToken;
import io.stagecoach.domain.access.TokenSpec;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import java.io.InputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenAuthorizerHandlerTest {

  private RegistryService registry;
  private TokenAuthorizerHandler authorizer;
  private Map<String, Object> sample;

  @BeforeEach
  void setUp() throws Exception {
    registry =
        new RegistryService(
            new DynamoDbRegistry(LocalDynamoDb.client(), LocalDynamoDb.newRegistryTable()));
    authorizer = new TokenAuthorizerHandler(registry, Clock.fixed(Fixtures.NOW, ZoneOffset.UTC));
    try (InputStream in =
        getClass().getResourceAsStream("/events/apigateway/authorizer-token.json")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> event = new ObjectMapper().readValue(in, Map.class);
      sample = event;
    }
  }

  private Map<String, Object> withToken(String header) {
    Map<String, Object> event = new HashMap<>(sample);
    event.put("authorizationToken", header);
    return event;
  }

  @Test
  void knownToken_isAllowedOnTheWholeStage_withPrincipalAndRolesInTheContext() {
    IssuedToken issued =
        ((Outcome.Accepted<IssuedToken>)
                registry.issueToken(
                    Fixtures.ADMIN,
                    new TokenSpec(
                        "ci-bot",
                        List.of("deployer", "viewer"),
                        Optional.empty(),
                        Optional.empty()),
                    "id1",
                    "sc_known",
                    Fixtures.NOW))
            .value();
    Map<String, Object> answer = authorizer.handleRequest(withToken("Bearer sc_known"), null);
    assertEquals("ci-bot", answer.get("principalId"));
    @SuppressWarnings("unchecked")
    Map<String, Object> context = (Map<String, Object>) answer.get("context");
    assertEquals("deployer,viewer", context.get("roles"));
    String policy = answer.get("policyDocument").toString();
    assertTrue(policy.contains("arn:aws:execute-api:eu-west-1:123456789012:abc123/live/*"), policy);
    assertTrue(policy.contains("Allow"));
    assertEquals("ci-bot", issued.token().principal());
  }

  @Test
  void unknownMalformedOrMissingTokens_failWithUnauthorized() {
    for (String header :
        new String[] {"Bearer sc_unknown", "Basic abc", "Bearer ", "", "sc_known"}) {
      RuntimeException e =
          assertThrows(
              RuntimeException.class, () -> authorizer.handleRequest(withToken(header), null));
      assertEquals("Unauthorized", e.getMessage(), "API Gateway maps exactly this message to 401");
    }
  }

  @Test
  void groupsReachTheContext_andARouteWithAColonInItsPath_stillCoversTheWholeStage() {
    registry.issueToken(
        Fixtures.ADMIN,
        new TokenSpec(
            "cleo",
            List.of("viewer"),
            Optional.empty(),
            Optional.empty(),
            List.of("client", "staff")),
        "id2",
        "sc_cleo",
        Fixtures.NOW);
    Map<String, Object> event = withToken("Bearer sc_cleo");
    event.put(
        "methodArn",
        "arn:aws:execute-api:eu-west-1:123456789012:abc123/live/POST/v1/approvals/shop:0a1b2c");
    Map<String, Object> answer = authorizer.handleRequest(event, null);
    @SuppressWarnings("unchecked")
    Map<String, Object> context = (Map<String, Object>) answer.get("context");
    assertEquals("client,staff", context.get("groups"));
    assertTrue(
        answer
            .get("policyDocument")
            .toString()
            .contains("arn:aws:execute-api:eu-west-1:123456789012:abc123/live/*"),
        answer.toString());
  }
}
