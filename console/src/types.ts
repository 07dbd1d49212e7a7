// The shapes the REST API answers with (functions/src/main/resources/openapi.json). Fields other
// work may add (drift, plans with blast radius and cost, template revisions) are optional here and
// shown when present.

export type Role = 'viewer' | 'deployer' | 'admin';

export interface Me {
  principal: string;
  roles: Role[];
  groups: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface ApprovalPolicy {
  groups: { group: string; min: number }[];
  timeoutMinutes?: number;
  timeoutSeconds?: number;
}

export interface Window {
  days: string[];
  start: string;
  end: string;
  timeZone: string;
}

export interface PipelineStage {
  environment: string;
  approval?: ApprovalPolicy;
  window?: Window;
  verification?: { urlOutput: string; path: string; attempts: number; intervalSeconds: number };
  soakSeconds?: number;
  [other: string]: unknown;
}

export interface App {
  name: string;
  description?: string;
  pipeline: PipelineStage[];
  concurrency?: string;
  allowedEnvironments?: string[];
  template?: { body?: unknown; url?: string; revision?: number | string; [other: string]: unknown };
  templateRevision?: number | string;
  repository?: {
    name: string;
    artifactUri?: string;
    branches?: { pattern: string; action: string; ttlHours?: number; versionFrom?: string }[];
  };
  ephemeral?: { maxLifetimeDays: number; defaultTtlHours: number; renewOnDeploy: boolean };
  createdAt?: string;
  createdBy?: string;
  updatedAt?: string;
  revision?: number;
}

export interface Mark {
  reason: string;
  by: string;
  at: string;
}

export interface Drift {
  status?: string;
  drifted?: boolean;
  checkedAt?: string;
  [other: string]: unknown;
}

export interface SecretRotation {
  status: 'enabled' | 'disabled' | 'unknown' | 'not_applicable' | string;
  days?: number;
  lastRotatedAt?: string;
  nextRotationAt?: string;
  checkedAt?: string;
  reason?: string;
}

export interface Environment {
  app: string;
  name: string;
  kind: 'pipeline' | 'personal' | 'ephemeral' | string;
  tier: string;
  account: string;
  region: string;
  config: Record<string, string>;
  secrets: Record<string, string>;
  /** How each secret reference rotates, as read at the last successful deploy (never a value). */
  secretRotation?: Record<string, SecretRotation>;
  protected: boolean;
  owner?: string;
  expiresAt?: string;
  expired?: boolean;
  frozen?: Mark;
  pinned?: Mark;
  deployedVersion?: string;
  deployedDigest?: string;
  /** The id of the deployment that put the deployed version there. */
  deployedBy?: string;
  deployedAt?: string;
  createdAt?: string;
  createdBy?: string;
  revision?: number;
  age?: string;
  costToDate?: string;
  drift?: Drift | string;
  templateRevision?: number | string;
  resources?: { logicalId: string; type: string; physicalId?: string }[];
  outputs?: Record<string, string>;
}

export interface PlanSummary {
  adds: number;
  modifies: number;
  removes: number;
  replacements: number;
  unsupported: number;
}

export interface Plan {
  summary: PlanSummary;
  changes: { logicalId: string; type: string; action: string; replacement: boolean; supported: boolean }[];
  blastRadius?: unknown;
  cost?: unknown;
  [other: string]: unknown;
}

export interface Deployment {
  id: string;
  app: string;
  environment: string;
  tier: string;
  action: 'deploy' | 'destroy';
  version?: string;
  digest?: string;
  status: 'requested' | 'provisioning' | 'succeeded' | 'failed' | 'superseded' | string;
  reason?: string;
  plan?: Plan;
  outputs: Record<string, string>;
  requestedBy: string;
  origin: string;
  attempts: number;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMillis?: number;
  templateRevision?: number | string;
}

export interface Release {
  app: string;
  version: string;
  artifactUri: string;
  digest: string;
  commit?: string;
  createdAt: string;
  createdBy: string;
  intake?: 'checked' | 'rejected';
  intakeReason?: string;
  templateRevision?: number | string;
}

export interface Decision {
  principal: string;
  decision: 'approve' | 'reject';
  comment?: string;
  at: string;
  groups?: string[];
}

export interface Approval {
  approvalId: string;
  app: string;
  promotionId: string;
  environment: string;
  version: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired' | 'superseded' | string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  policy: ApprovalPolicy;
  missing?: { group: string; count: number }[];
  decisions: Decision[];
  plan?: Plan;
  [other: string]: unknown;
}

export type StageStatus =
  | 'pending'
  | 'awaiting_approval'
  | 'deploying'
  | 'verifying'
  | 'soaking'
  | 'promoted'
  | 'failed'
  | 'rolled_back';

export interface PromotionStage {
  environment: string;
  status: StageStatus | string;
  approvalId?: string;
  deploymentId?: string;
  startedAt?: string;
  finishedAt?: string;
  reason?: string;
  [other: string]: unknown;
}

export interface Promotion {
  promotionId: string;
  app: string;
  version: string;
  digest: string;
  status: 'running' | 'succeeded' | 'failed' | 'superseded' | string;
  stage?: string;
  requestedBy: string;
  startedAt: string;
  finishedAt?: string;
  failure?: string;
  reason?: string;
  stages: PromotionStage[];
  pendingApprovals?: Approval[];
}
