package io.stagecoach.registry.dynamodb;

/**
 * The single-table key design (docs/registry-table.md). Every item has {@code pk}/{@code sk};
 * listings that cross partitions use the two overloaded indexes {@code gsi1} and {@code gsi2}.
 */
final class RegistryKeys {

  static final String PK = "pk";
  static final String SK = "sk";
  static final String GSI1 = "gsi1";
  static final String GSI1PK = "gsi1pk";
  static final String GSI1SK = "gsi1sk";
  static final String GSI2 = "gsi2";
  static final String GSI2PK = "gsi2pk";
  static final String GSI2SK = "gsi2sk";

  /**
   * The table's TTL attribute (epoch seconds); DynamoDB removes the item some time after it passes.
   */
  static final String TTL = "expiresAtEpoch";

  static final String REVISION = "rev";
  static final String ENVIRONMENT_COUNT = "envCount";

  static final String APP_SK = "#APP";
  static final String TOKEN_SK = "#TOKEN";
  static final String ALL_APPS = "APPS";
  static final String ALL_TOKENS = "TOKENS";
  static final String EXPIRING = "EXPIRING";
  static final String BREAK_GLASS_SK = "#BG";
  static final String AUDIT_PREFIX = "AUDIT#";
  static final String AUDIT_SK = "#AUDIT";

  /** Index partition of every audit entry, by time. */
  static final String ALL_AUDIT = "AUDIT";

  /** Index partition of every break-glass request, for review. */
  static final String ALL_BREAK_GLASSES = "BREAKGLASS";

  /** Sparse index partition of deployments not yet terminal, for the sweeper. */
  static final String UNFINISHED = "UNFINISHED";

  private RegistryKeys() {}

  static String breakGlassPk(String id) {
    return "BG#" + id;
  }

  static String appPk(String app) {
    return "APP#" + app;
  }

  /** Sparse index partition of the apps a CodeCommit repository drives. */
  static String repositoryApps(String repository) {
    return "REPO#" + repository;
  }

  static String environmentSk(String environment) {
    return "ENV#" + environment;
  }

  static String releaseSk(String version) {
    return "REL#" + version;
  }

  /** Template revisions: {@code TPL#} and the number, ten digits, so text order is number order. */
  static final String TEMPLATE_PREFIX = "TPL#";

  static String templateSk(int number) {
    return TEMPLATE_PREFIX + String.format(java.util.Locale.ROOT, "%010d", number);
  }

  static String releasesByTime(String app) {
    return "RELEASES#" + app;
  }

  static String deploymentSk(String id) {
    return "DEP#" + id;
  }

  static String environmentHistory(String app, String environment) {
    return "ENVDEP#" + app + "#" + environment;
  }

  static String leaseSk(String environment) {
    return "LEASE#" + environment;
  }

  static String tokenPk(String secretHash) {
    return "TOKEN#" + secretHash;
  }
}
