package io.stagecoach.infra.aws;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The registry: one DynamoDB table (single-table design) holding apps, environments, releases,
 * deployments, promotions, approvals and tokens, with two overloaded global secondary indexes.
 *
 * <p>The table has no physical name, so that two copies of the stack can live in one account and
 * CloudFormation may replace it; functions find it through {@code REGISTRY_TABLE}. It is retained
 * when the stack is deleted and protected against deletion: the registry is the system of record.
 *
 * <p>Grants are narrower than CDK's {@code grantReadWriteData}, which also allows {@code Scan} and
 * {@code DescribeTable}; {@code BatchGetItem} is granted because an environment write reads the app
 * and the environment in one round trip. DynamoDB transactions need no action of their own: {@code
 * TransactWriteItems} is authorized by the per-item actions it contains
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
public final class RegistryTable extends Construct {

  public static final String PARTITION_KEY = "pk";
  public static final String SORT_KEY = "sk";
  public static final String TTL_ATTRIBUTE = "expiresAtEpoch";
  public static final List<String> INDEX_NAMES = List.of("gsi1", "gsi2");

  /** What the API function does with items: read, write, conditionally write in transactions. */
  public static final List<String> ITEM_READ_WRITE_ACTIONS =
      List.of(
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:BatchWriteItem");

  /** Queries are the only operation that reaches the indexes. */
  public static final List<String> QUERY_ACTIONS = List.of("dynamodb:Query");

  /** The authorizer looks up one token item by its key, nothing else. */
  public static final List<String> ITEM_LOOKUP_ACTIONS = List.of("dynamodb:GetItem");

  private final Table table;

  public RegistryTable(final Construct scope, final String id) {
    super(scope, id);
    this.table =
        Table.Builder.create(this, "Resource")
            .partitionKey(stringAttribute(PARTITION_KEY))
            .sortKey(stringAttribute(SORT_KEY))
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .deletionProtection(true)
            .timeToLiveAttribute(TTL_ATTRIBUTE)
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    for (String index : INDEX_NAMES) {
      table.addGlobalSecondaryIndex(
          GlobalSecondaryIndexProps.builder()
              .indexName(index)
              .partitionKey(stringAttribute(index + "pk"))
              .sortKey(stringAttribute(index + "sk"))
              .projectionType(ProjectionType.ALL)
              .build());
    }
  }

  public ITable table() {
    return table;
  }

  public String tableName() {
    return table.getTableName();
  }

  /** Item reads and writes on the table, and queries on the table and its indexes; never Scan. */
  public void grantItemReadWrite(final IGrantable grantee) {
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(grantee)
            .actions(ITEM_READ_WRITE_ACTIONS)
            .resourceArns(List.of(table.getTableArn()))
            .build());
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(grantee)
            .actions(QUERY_ACTIONS)
            .resourceArns(List.of(table.getTableArn(), table.getTableArn() + "/index/*"))
            .build());
    // The finding is on the grantee's policy, a child of its principal (the role).
    if (grantee.getGrantPrincipal() instanceof IConstruct principal) {
      String tableLogicalId =
          Stack.of(this).getLogicalId((CfnTable) table.getNode().getDefaultChild());
      new AcknowledgedFinding(
              "AwsSolutions-IAM5[Resource::<" + tableLogicalId + ".Arn>/index/*]",
              "Query on this table's own indexes (gsi1, gsi2, and any added later); the wildcard"
                  + " covers index names only, never another table.")
          .on(principal);
    }
  }

  /** {@code GetItem} on the table only. */
  public void grantItemLookup(final IGrantable grantee) {
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(grantee)
            .actions(ITEM_LOOKUP_ACTIONS)
            .resourceArns(List.of(table.getTableArn()))
            .build());
  }

  private static Attribute stringAttribute(final String name) {
    return Attribute.builder().name(name).type(AttributeType.STRING).build();
  }
}
