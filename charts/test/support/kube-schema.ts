import path from 'node:path';
import ts from 'typescript';

/**
 * Validation of rendered objects against the Kubernetes 1.33 API models of `kubernetes-models`
 * (and `@kubernetes-models/prometheus-operator` for ServiceMonitor), in two layers:
 *
 * 1. the models' own validators (compiled JSON schemas): required fields, types, enums, formats;
 * 2. a strict walk, because those validators ignore fields they do not know: `replcas: 3` passes
 *    them silently and Kubernetes would drop it just as silently. The walk follows the models'
 *    TypeScript declarations (generated from the same OpenAPI schemas) and reports every field
 *    the API does not define, and every value of the wrong JSON type.
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

interface ModelSource {
  /** The package module exporting the model class named after the kind. */
  module: string;
}

function modelSource(apiVersion: string, kind: string): ModelSource {
  if (apiVersion === 'monitoring.coreos.com/v1')
    return { module: `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}` };
  // Core kinds (apiVersion "v1") live under kubernetes-models/v1, the others under <group>/<version>.
  return { module: `kubernetes-models/${apiVersion}/${kind}` };
}

/** The declaration file beside the model's module, holding `interface I<Kind>`. */
function declarationFile(apiVersion: string, kind: string): string {
  return require.resolve(modelSource(apiVersion, kind).module).replace(/\.js$/, '.d.ts');
}

type ModelClass = new (data: unknown) => { validate(): void };

/** Layer 1: the model's validator. Returns the problems, empty when the object is valid. */
export function modelProblems(object: KubeObject): string[] {
  let Model: ModelClass | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Model = (require(modelSource(object.apiVersion, object.kind).module) as Record<string, ModelClass>)[object.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`no Kubernetes 1.33 model for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (details?.length) return details.map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** Layer 2: the strict walk over the declared types. */
export class StrictChecker {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly roots = new Map<string, ts.Type>();

  constructor(kinds: { apiVersion: string; kind: string }[]) {
    const files = kinds.map((k) => declarationFile(k.apiVersion, k.kind));
    this.program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, strict: true, types: [] });
    this.checker = this.program.getTypeChecker();
    for (const k of kinds) {
      const file = declarationFile(k.apiVersion, k.kind);
      const source = this.program.getSourceFile(file);
      const moduleSymbol = source && this.checker.getSymbolAtLocation(source);
      const exported =
        moduleSymbol && this.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === `I${k.kind}`);
      if (!exported) throw new Error(`no interface I${k.kind} in ${path.basename(file)}`);
      this.roots.set(`${k.apiVersion}/${k.kind}`, this.checker.getDeclaredTypeOfSymbol(exported));
    }
  }

  /** Every unknown field and wrongly typed value of the object, as "<json pointer>: <problem>". */
  problems(object: KubeObject): string[] {
    const root = this.roots.get(`${object.apiVersion}/${object.kind}`);
    if (!root) return [`no declared type for ${object.apiVersion} ${object.kind}`];
    const out: string[] = [];
    this.walk(object, root, '', out);
    return out;
  }

  private members(type: ts.Type): ts.Type[] {
    const all = type.isUnion() ? type.types : [type];
    return all.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
  }

  private describe(type: ts.Type): string {
    return this.checker.typeToString(type);
  }

  private walk(value: unknown, type: ts.Type, at: string, out: string[]): void {
    const members = this.members(type);
    if (members.some((t) => t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return;
    if (value === null) return; // a YAML null is what Kubernetes reads as "unset"
    if (Array.isArray(value)) {
      const arrayType = members.find((t) => this.checker.isArrayType(t));
      if (!arrayType) {
        out.push(`${at || '/'}: is a list, the API expects ${this.describe(type)}`);
        return;
      }
      const [element] = this.checker.getTypeArguments(arrayType as ts.TypeReference);
      if (element) value.forEach((item, i) => this.walk(item, element, `${at}/${i}`, out));
      return;
    }
    if (typeof value === 'object') {
      const objectType = members.find((t) => t.flags & ts.TypeFlags.Object && !this.checker.isArrayType(t));
      if (!objectType) {
        out.push(`${at || '/'}: is an object, the API expects ${this.describe(type)}`);
        return;
      }
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        const property = objectType.getProperty(key);
        const childType = property ? this.checker.getTypeOfSymbol(property) : objectType.getStringIndexType();
        if (!childType) {
          const name = objectType.getSymbol()?.name;
          out.push(`${at}/${key}: unknown field${name && !name.startsWith('__') ? ` (not in ${name})` : ''}`);
          continue;
        }
        this.walk(child, childType, `${at}/${key}`, out);
      }
      return;
    }
    const flag =
      typeof value === 'string'
        ? ts.TypeFlags.StringLike
        : typeof value === 'number'
          ? ts.TypeFlags.NumberLike
          : typeof value === 'boolean'
            ? ts.TypeFlags.BooleanLike
            : 0;
    if (!members.some((t) => t.flags & flag)) {
      out.push(`${at || '/'}: ${JSON.stringify(value)} is a ${typeof value}, the API expects ${this.describe(type)}`);
    }
  }
}

/** Both layers over a set of objects; one line per problem, prefixed with the object. */
export function validateObjects(objects: KubeObject[], checker?: StrictChecker): string[] {
  const strict = checker ?? new StrictChecker(uniqueKinds(objects));
  return objects.flatMap((o) => {
    const name = `${o.kind}/${o.metadata?.name ?? '?'}`;
    return [...modelProblems(o), ...strict.problems(o)].map((p) => `${name} ${p}`);
  });
}

export function uniqueKinds(objects: { apiVersion: string; kind: string }[]): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of objects) seen.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  return [...seen.values()];
}

/** Every kind the MicroPay charts render. A kind outside this list fails validation. */
export const CHART_KINDS = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
];

let shared: StrictChecker | undefined;
/** One checker for the whole run: building it compiles the model declarations (about 2 s). */
export function chartChecker(): StrictChecker {
  shared ??= new StrictChecker(CHART_KINDS);
  return shared;
}
