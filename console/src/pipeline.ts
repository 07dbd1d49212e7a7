import { Api, ApiError, Limiter, enc } from './api';
import type { App, Deployment, Environment } from './types';

/** One stage of an app's pipeline as the Apps and App views draw it. */
export interface StageView {
  name: string;
  env?: Environment;
  /** The latest deployment into the environment, whatever its outcome. */
  latest?: Deployment | null;
  /** The deployment that put the deployed version there (for when and by whom). */
  deployed?: Deployment | null;
}

export interface AppPipeline {
  stages: StageView[];
  /** Environments outside the pipeline (personal, ephemeral, others) on the first page read. */
  others: Environment[];
  /** Whether the app has more environments than the page read. */
  moreOthers: boolean;
}

/**
 * Reads an app's pipeline stages for the Apps list: the first page of its environments, then the
 * latest deployment of each stage (and, when it is not the one deployed, that one), so a row shows
 * what runs where, since when and by whom.
 */
export async function loadPipeline(api: Api, app: App, limiter: Limiter, signal?: AbortSignal): Promise<AppPipeline> {
  const page = await limiter.run(() => api.page<Environment>(`v1/apps/${enc(app.name)}/environments`, 100, undefined, signal));
  const byName = new Map(page.items.map((e) => [e.name, e]));
  const stageNames = app.pipeline.map((s) => s.environment);
  const stages = await Promise.all(
    stageNames.map(async (name): Promise<StageView> => {
      const env = byName.get(name);
      if (!env) {
        return page.nextCursor ? loadStage(api, app.name, name, limiter, signal) : { name };
      }
      const { latest, deployed } = await deploymentsOf(api, env, limiter, signal);
      return { name, env, latest, deployed };
    }),
  );
  const inPipeline = new Set(stageNames);
  return {
    stages,
    others: page.items.filter((e) => !inPipeline.has(e.name)),
    moreOthers: page.nextCursor !== undefined,
  };
}

export async function deploymentsOf(
  api: Api,
  env: Environment,
  limiter: Limiter,
  signal?: AbortSignal,
): Promise<{ latest: Deployment | null; deployed: Deployment | null }> {
  const latest = await latestDeployment(api, env.app, env.name, limiter, signal);
  return { latest, deployed: await deployedOne(api, env, latest, limiter, signal) };
}

function latestDeployment(api: Api, app: string, env: string, limiter: Limiter, signal?: AbortSignal): Promise<Deployment | null> {
  return limiter
    .run(() => api.page<Deployment>(`v1/apps/${enc(app)}/environments/${enc(env)}/deployments`, 1, undefined, signal))
    .then((p) => p.items[0] ?? null);
}

/** The deployment that put the deployed version there: usually the latest, else read by its id. */
async function deployedOne(api: Api, env: Environment, latest: Deployment | null, limiter: Limiter, signal?: AbortSignal): Promise<Deployment | null> {
  if (!env.deployedBy) return null;
  if (latest && latest.id === env.deployedBy) return latest;
  return limiter.run(() => api.get<Deployment>(`v1/apps/${enc(env.app)}/deployments/${enc(env.deployedBy!)}`, signal)).catch(() => null);
}

/**
 * One pipeline stage read on its own: the environment and its latest deployment side by side (two
 * calls at once, not one after the other), then the deployed one only when it is not the latest.
 */
export async function loadStage(api: Api, app: string, name: string, limiter: Limiter, signal?: AbortSignal): Promise<StageView> {
  const [env, latest] = await Promise.all([
    limiter.run(() => api.get<Environment>(`v1/apps/${enc(app)}/environments/${enc(name)}`, signal)).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }),
    latestDeployment(api, app, name, limiter, signal).catch(() => null),
  ]);
  if (!env) return { name };
  return { name, env, latest, deployed: await deployedOne(api, env, latest, limiter, signal) };
}
