import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  DockerfileParser,
  type Dockerfile,
  type ImageTemplate,
  type Instruction,
  type JSONInstruction,
} from 'dockerfile-ast';
import { SERVICES } from '@micropay/platform';

// The image rules of issue #5, checked on the Dockerfile itself because no Docker engine runs in
// CI: multi-stage, bases pinned by tag and digest, production dependencies only, a numeric
// non-root user, a distroless runtime (no shell), nothing that needs a writable root filesystem,
// and an exec-form command so SIGTERM reaches node. One Dockerfile serves every service: it is
// checked as `docker build --build-arg SERVICE=… --build-arg PORT=…` would read it for each.

const ROOT = path.resolve(__dirname, '../..');
const DOCKERFILE = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DISTROLESS_NODE = /^gcr\.io\/distroless\/nodejs\d+-debian\d+$/;

const keyword = (i: Instruction) => i.getKeyword().toUpperCase();
const isJsonForm = (i: Instruction) =>
  (i as JSONInstruction).getJSONStrings?.().length > 0 && (i.getRawArgumentsContent() ?? '').trim().startsWith('[');
const jsonArgs = (i: Instruction) => (i as JSONInstruction).getJSONStrings().map((a) => a.getJSONValue());

/**
 * The Dockerfile as the builder sees it with these build arguments: `${NAME}` and `$NAME` of a
 * declared ARG replaced by its value, where Docker substitutes them (not in RUN, CMD or
 * ENTRYPOINT, which a shell or nothing expands later).
 */
function withBuildArgs(text: string, args: Record<string, string>): string {
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(RUN|CMD|ENTRYPOINT)\b/i.test(line)) return line;
      return line.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => args[(a ?? b)!] ?? whole);
    })
    .join('\n');
}

/** Every rule this Dockerfile breaks when built for `expected.service`, as sentences; empty when it meets them all. */
function dockerfileViolations(source: string, expected: { service: string; port: number }): string[] {
  const problems: string[] = [];
  const declared = new Set([...source.matchAll(/^ARG (\w+)/gm)].map((m) => m[1]));
  for (const arg of ['SERVICE', 'PORT']) {
    if (!declared.has(arg)) problems.push(`no ARG ${arg}: one Dockerfile must build every service`);
  }
  const text = withBuildArgs(source, { SERVICE: expected.service, PORT: String(expected.port) });
  const file: Dockerfile = DockerfileParser.parse(text);
  const stages: ImageTemplate[] = file.getFROMs().map((from) => file.getContainingImage(from.getRange().start)!);
  const stageNames = new Set<string>();

  if (stages.length < 2) problems.push('not multi-stage: build tools must stay out of the runtime image');

  for (const from of file.getFROMs()) {
    const image = from.getImage() ?? '';
    if (stageNames.has(image)) {
      // FROM an earlier stage: pinned by that stage.
    } else if (image.includes('$')) {
      problems.push(`FROM ${image}: base image comes from a build argument, so it is not pinned in the file`);
    } else {
      if (!from.getImageTag()) problems.push(`FROM ${image}: base image has no tag`);
      if (!DIGEST.test(from.getImageDigest() ?? ''))
        problems.push(`FROM ${image}: base image is not pinned by @sha256 digest`);
    }
    const stage = from.getBuildStage();
    if (stage) stageNames.add(stage);
  }

  const runtime = stages.at(-1);
  if (!runtime) return [...problems, 'no FROM instruction'];
  const runtimeFrom = runtime.getFROMs()[0]!;
  const runtimeImage = [runtimeFrom.getRegistry(), runtimeFrom.getImageName()].filter(Boolean).join('/');
  if (!DISTROLESS_NODE.test(runtimeImage))
    problems.push(`runtime base ${runtimeImage} is not a distroless Node image (it ships a shell)`);
  const runtimeInstructions = runtime.getInstructions();
  if (runtimeInstructions.some((i) => keyword(i) === 'RUN'))
    problems.push('runtime stage has RUN: it needs a shell, and distroless has none');
  if (runtimeInstructions.some((i) => keyword(i) === 'VOLUME'))
    problems.push('runtime stage declares a VOLUME: the service must need no writable path');
  if (runtimeInstructions.some((i) => keyword(i) === 'ADD')) problems.push('runtime stage uses ADD: use COPY --from');

  // npm ci --omit=dev in the stage whose node_modules the runtime copies.
  const nodeModulesFrom = runtimeInstructions
    .filter((i) => keyword(i) === 'COPY' && /node_modules/.test(i.getRawArgumentsContent() ?? ''))
    .map((i) => /--from=(\S+)/.exec(i.toString())?.[1]);
  if (nodeModulesFrom.length === 0 || nodeModulesFrom.some((s) => !s)) {
    problems.push('runtime does not copy node_modules from a dependencies stage');
  }
  for (const stageName of new Set(nodeModulesFrom.filter((s): s is string => Boolean(s)))) {
    const stage = stages.find((s) => s.getFROMs()[0]?.getBuildStage() === stageName);
    const installs =
      stage
        ?.getInstructions()
        .filter((i) => keyword(i) === 'RUN' && /\bnpm (ci|clean-install)\b/.test(i.getRawArgumentsContent() ?? '')) ??
      [];
    if (installs.length === 0 || installs.some((i) => !/--omit=dev\b/.test(i.getRawArgumentsContent() ?? ''))) {
      problems.push(`stage ${stageName} installs node_modules for the runtime without npm ci --omit=dev`);
    }
  }

  const users = runtimeInstructions.filter((i) => keyword(i) === 'USER');
  const user = users.at(-1)?.getRawArgumentsContent()?.trim() ?? '';
  const numeric = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!numeric) problems.push(`runtime USER "${user || '(none: root)'}" is not a numeric uid[:gid]`);
  else if (numeric[1] === '0' || numeric[2] === '0') problems.push('runtime USER is root (uid or gid 0)');

  const entrypoints = runtimeInstructions.filter((i) => keyword(i) === 'ENTRYPOINT');
  const cmds = runtimeInstructions.filter((i) => keyword(i) === 'CMD');
  if (cmds.length === 0) problems.push('runtime has no CMD');
  for (const i of [...entrypoints, ...cmds]) {
    if (!isJsonForm(i))
      problems.push(`${keyword(i)} is in shell form: /bin/sh -c becomes PID 1 and SIGTERM never reaches node`);
    else if (jsonArgs(i).some((a) => /^(npm|yarn|sh|bash|\/bin\/sh)$/.test(path.basename(a)))) {
      problems.push(
        `${keyword(i)} starts node through ${jsonArgs(i).join(' ')}: that wrapper does not forward SIGTERM`,
      );
    }
  }
  const workdir =
    runtimeInstructions
      .filter((i) => keyword(i) === 'WORKDIR')
      .map((i) => i.getRawArgumentsContent()?.trim() ?? '/')
      .reduce((dir, next) => path.posix.resolve(dir, next), '/') ?? '/';
  const command = [
    ...(entrypoints.at(-1) && isJsonForm(entrypoints.at(-1)!) ? jsonArgs(entrypoints.at(-1)!) : []),
    ...(cmds.at(-1) && isJsonForm(cmds.at(-1)!) ? jsonArgs(cmds.at(-1)!) : []),
  ].map((arg) => (arg.endsWith('.js') ? path.posix.resolve(workdir, arg) : arg));
  if (!command.includes(`/app/${expected.service}/dist/main.js`))
    problems.push(`the command does not run /app/${expected.service}/dist/main.js`);

  const exposed = runtimeInstructions
    .filter((i) => keyword(i) === 'EXPOSE')
    .map((i) => i.getRawArgumentsContent()?.trim());
  if (!exposed.includes(String(expected.port))) problems.push(`runtime does not EXPOSE ${expected.port}`);
  const env = runtimeInstructions
    .filter((i) => keyword(i) === 'ENV')
    .map((i) => i.getRawArgumentsContent() ?? '')
    .join(' ');
  if (!/\bNODE_ENV=production\b/.test(env)) problems.push('runtime does not set NODE_ENV=production');
  if (!new RegExp(`\\bPORT=${expected.port}\\b`).test(env)) problems.push(`runtime does not set PORT=${expected.port}`);
  return problems;
}

describe('service images (one Dockerfile, checked statically for each service)', () => {
  for (const { name, port } of SERVICES) {
    it(`built for ${name} (PORT=${port}), the Dockerfile meets every image rule`, () => {
      expect(dockerfileViolations(DOCKERFILE, { service: name, port })).to.deep.equal([]);
    });
  }

  it('no service keeps a Dockerfile of its own beside the shared one', () => {
    for (const { name } of SERVICES) expect(existsSync(path.join(ROOT, name, 'Dockerfile')), name).to.equal(false);
  });

  it('make images builds each service with its own SERVICE and PORT from the manifest', () => {
    const makefile = readFileSync(path.join(ROOT, 'Makefile'), 'utf8');
    expect(makefile).to.match(/--build-arg SERVICE=/);
    expect(makefile).to.match(/--build-arg PORT=/);
    expect(makefile).to.contain('platform/src/manifest/services.json');
  });

  describe('the production dependency tree the deps stage installs', () => {
    /** `npm ci --omit=dev` exactly as the Dockerfile's deps stage runs it, in a scratch directory. */
    function productionTree(service: string): string[] {
      // The test runner's NODE_OPTIONS load tsx, which the scratch directory does not have.
      const env = { ...process.env, NODE_OPTIONS: '' };
      const dir = mkdtempSync(path.join(os.tmpdir(), `micropay-image-${service}-`));
      try {
        for (const file of ['package.json', 'package-lock.json', 'platform/package.json', `${service}/package.json`]) {
          mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          copyFileSync(path.join(ROOT, file), path.join(dir, file));
        }
        execFileSync(
          'npm',
          [
            'ci',
            '--omit=dev',
            '--workspace',
            'platform',
            '--workspace',
            service,
            '--ignore-scripts',
            '--no-audit',
            '--no-fund',
            '--prefer-offline',
          ],
          { cwd: dir, env, stdio: 'pipe' },
        );
        // Every package on disk, nested node_modules included: what the image would carry.
        const names = new Set<string>();
        const walk = (modules: string) => {
          if (!existsSync(modules)) return;
          for (const entry of readdirSync(modules)) {
            if (entry.startsWith('.')) continue;
            const packages = entry.startsWith('@')
              ? readdirSync(path.join(modules, entry)).map((p) => `${entry}/${p}`)
              : [entry];
            for (const name of packages) {
              names.add(name);
              walk(path.join(modules, name, 'node_modules'));
            }
          }
        };
        walk(path.join(dir, 'node_modules'));
        return [...names];
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    for (const { name } of SERVICES) {
      it(`${name}: has the service's runtime libraries and no embedded PostgreSQL (PGlite is for npm start and tests)`, function () {
        this.timeout(120_000);
        const tree = productionTree(name);
        expect(tree).to.include.members(['@micropay/platform', 'express', 'pg', 'knex']);
        expect(tree.filter((n) => n.startsWith('@electric-sql/'))).to.deep.equal([]);
      });
    }
  });

  it('.dockerignore keeps dependencies, build output, VCS data, local data and secrets out of the build context', () => {
    const lines = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const pattern of [
      '**/node_modules',
      '**/dist',
      '.git',
      '.micropay',
      '.tools',
      '.env',
      '.env.*',
      '**/*.pem',
      '**/*.tsbuildinfo',
    ]) {
      expect(lines, pattern).to.include(pattern);
    }
  });

  describe('the checker itself', () => {
    const good = DOCKERFILE;
    const check = (text: string) => dockerfileViolations(text, { service: 'payment-service', port: 8083 });

    it('rejects a single-stage image on an unpinned full Node base, run as root through npm in shell form', () => {
      const broken = [
        'FROM node:20',
        'WORKDIR /app',
        'COPY . .',
        'RUN npm install && npm run build',
        'EXPOSE 8083',
        'CMD npm start',
      ].join('\n');
      const problems = check(broken);
      expect(problems.join('\n')).to.match(/not multi-stage/);
      expect(problems.join('\n')).to.match(/not pinned by @sha256 digest/);
      expect(problems.join('\n')).to.match(/not a distroless Node image/);
      expect(problems.join('\n')).to.match(/runtime stage has RUN/);
      expect(problems.join('\n')).to.match(/without npm ci --omit=dev|does not copy node_modules/);
      expect(problems.join('\n')).to.match(/USER "\(none: root\)"/);
      expect(problems.join('\n')).to.match(/CMD is in shell form/);
    });

    it('rejects each rule broken alone in an otherwise good Dockerfile', () => {
      const cases: [string, (t: string) => string, RegExp][] = [
        ['shell-form CMD', (t) => t.replace(/^CMD \[.*\]$/m, 'CMD node dist/main.js'), /CMD is in shell form/],
        ['root user', (t) => t.replace(/^USER .*$/m, 'USER 0:0'), /USER is root/],
        ['named user', (t) => t.replace(/^USER .*$/m, 'USER nonroot'), /not a numeric uid/],
        [
          'tag without digest',
          (t) => t.replace(/^FROM (node:[^@\s]+)@sha256:[0-9a-f]+/m, 'FROM $1'),
          /not pinned by @sha256 digest/,
        ],
        ['digest without tag', (t) => t.replace(/^FROM node:[^@\s]+@/m, 'FROM node@'), /has no tag/],
        [
          'base from a build argument',
          (t) => `ARG BASE=node:20\n${t.replace(/^FROM node:\S+ AS node$/m, 'FROM ${BASE} AS node')}`,
          /build argument/,
        ],
        ['dev dependencies shipped', (t) => t.replace('npm ci --omit=dev', 'npm ci'), /without npm ci --omit=dev/],
        [
          'npm as the entrypoint',
          (t) => t.replace('ENTRYPOINT ["/nodejs/bin/node"]', 'ENTRYPOINT ["npm", "start"]'),
          /does not forward SIGTERM/,
        ],
        [
          'a shell in the runtime',
          (t) => t.replace(/^USER /m, 'RUN mkdir -p /app/tmp\nUSER '),
          /runtime stage has RUN/,
        ],
        ['a writable volume', (t) => t.replace(/^USER /m, 'VOLUME /app/data\nUSER '), /declares a VOLUME/],
        ['wrong port', (t) => t.replace(/^EXPOSE .*$/m, 'EXPOSE 3000'), /does not EXPOSE 8083/],
        [
          'one service hard-coded',
          (t) => t.replace(/^ARG SERVICE$/gm, 'ARG SERVICE_NAME').replace(/\$\{SERVICE\}/g, 'auth-service'),
          /no ARG SERVICE/,
        ],
        [
          'the command of another service',
          (t) => t.replace(/^WORKDIR \/app\/\$\{SERVICE\}$/m, 'WORKDIR /app/auth-service'),
          /does not run \/app\/payment-service\/dist\/main.js/,
        ],
      ];
      expect(check(good)).to.deep.equal([]);
      for (const [name, breakIt, expected] of cases) {
        const broken = breakIt(good);
        expect(broken, name).to.not.equal(good);
        expect(check(broken).join('\n'), name).to.match(expected);
      }
    });
  });
});
