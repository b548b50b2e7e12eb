import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { HELM, KUBECTL_VERSION, REPO_ROOT } from '../../tools/fetch-tools';
import { SERVICES } from '../../tools/values-model';
import type { KubeObject } from './kube-schema';

const run = promisify(execFile);

export const CHARTS_DIR = path.join(REPO_ROOT, 'charts');
/** One chart per service, named like it (the values model lists the services). */
export const SERVICE_CHARTS = SERVICES.map((s) => s.name);
export const UMBRELLA = 'micropay';
export const LIBRARY = 'micropay-lib';
/** The installable charts, in dependency order (the umbrella packs the service charts). */
export const APP_CHARTS = [...SERVICE_CHARTS, UMBRELLA];

export const chartDir = (chart: string) => path.join(CHARTS_DIR, chart);

/** The cluster version the charts are rendered and linted for (the Kubernetes API models are 1.33). */
export const KUBE_VERSION = KUBECTL_VERSION;

/** `helm lint --strict` of a chart for that cluster version. */
export const lintArgs = (chart: string, valuesFiles: string[] = []) => [
  'lint',
  '--strict',
  '--kube-version',
  KUBE_VERSION,
  chartDir(chart),
  ...valuesFiles.flatMap((f) => ['--values', f]),
];

/** The chart's ci/*-values.yaml scenarios, by file name. */
export function scenarios(chart: string): string[] {
  return readdirSync(path.join(chartDir(chart), 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .sort();
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function helm(args: string[]): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await run(HELM, args, { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

export async function helmOk(args: string[]): Promise<string> {
  const result = await helm(args);
  if (result.code !== 0)
    throw new Error(`helm ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

let built: Promise<void> | undefined;

/**
 * `helm dependency build` of every chart with dependencies, service charts before the umbrella
 * (which packs them). Once per mocha run; the output (charts/<chart>/charts/, Chart.lock) is
 * gitignored.
 */
export function buildDependencies(): Promise<void> {
  built ??= (async () => {
    for (const chart of APP_CHARTS) await helmOk(['dependency', 'build', chartDir(chart), '--skip-refresh']);
  })();
  return built;
}

export interface RenderOptions {
  valuesFiles?: string[];
  set?: string[];
  release?: string;
  namespace?: string;
  dir?: string;
}

export function templateArgs(chart: string, options: RenderOptions = {}): string[] {
  return [
    'template',
    options.release ?? 'micropay',
    options.dir ?? chartDir(chart),
    '--namespace',
    options.namespace ?? 'micropay',
    '--kube-version',
    KUBE_VERSION,
    ...(options.valuesFiles ?? []).flatMap((f) => ['--values', f]),
    ...(options.set ?? []).flatMap((s) => ['--set', s]),
  ];
}

/** `helm template` (with test hooks) parsed into objects. */
export async function render(chart: string, options: RenderOptions = {}): Promise<KubeObject[]> {
  const out = await helmOk(templateArgs(chart, options));
  return parseAllDocuments(out)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${chart}: rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null);
}

export const ciValues = (chart: string, scenario: string) => path.join(chartDir(chart), 'ci', scenario);
