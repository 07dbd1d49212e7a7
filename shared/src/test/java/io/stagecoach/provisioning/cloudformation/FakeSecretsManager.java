package io.stagecoach.provisioning.cloudformation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Secrets Manager in memory, for the one call {@link CloudFormationProvisioner} makes: {@code
 * DescribeSecret}. Every other operation (GetSecretValue among them) throws, as the SDK's defaults
 * do, so a test fails if the provisioner ever asks for a value.
 */
final class FakeSecretsManager implements SecretsManagerClient {

  private final Map<String, DescribeSecretResponse> secrets = new ConcurrentHashMap<>();
  private final Map<String, String> refusals = new ConcurrentHashMap<>();
  private final List<String> described = new ArrayList<>();

  FakeSecretsManager has(String arn, DescribeSecretResponse description) {
    secrets.put(arn, description);
    return this;
  }

  /** Describing {@code arn} is refused with this error code (403), as IAM refuses it. */
  FakeSecretsManager refuses(String arn, String errorCode) {
    refusals.put(arn, errorCode);
    return this;
  }

  List<String> described() {
    return List.copyOf(described);
  }

  @Override
  public DescribeSecretResponse describeSecret(DescribeSecretRequest request) {
    described.add(request.secretId());
    String refusal = refusals.get(request.secretId());
    if (refusal != null) {
      throw SecretsManagerException.builder()
          .statusCode(403)
          .awsErrorDetails(
              AwsErrorDetails.builder()
                  .errorCode(refusal)
                  .errorMessage("not authorized to perform: secretsmanager:DescribeSecret")
                  .build())
          .build();
    }
    DescribeSecretResponse found = secrets.get(request.secretId());
    if (found == null) {
      throw ResourceNotFoundException.builder()
          .statusCode(400)
          .message("Secrets Manager can't find the specified secret.")
          .build();
    }
    return found;
  }

  @Override
  public String serviceName() {
    return "secretsmanager";
  }

  @Override
  public void close() {}
}
