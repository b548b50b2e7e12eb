import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every file git tracks, so build output and node_modules never count. */
function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('the repository explains itself', () => {
  it('cites no file outside it: no DESIGN.md, REFERENCES.md or ../shared', () => {
    const outside = /DESIGN\.md|REFERENCES\.md|\.\.\/shared\//;
    const offenders = trackedFiles()
      .filter((f) => /\.(ts|md|yaml|yml|json|mjs|cjs|sh)$/.test(f) && f !== 'e2e/test/repository-docs.test.ts')
      .filter((f) => outside.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('resolves every relative link in the Markdown files', () => {
    const broken: string[] = [];
    for (const file of trackedFiles().filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const resolved = path.resolve(ROOT, path.dirname(file), target!.split('#')[0]!);
        if (!existsSync(resolved)) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('gives every service in the manifest a README', () => {
    const { services } = JSON.parse(readFileSync(path.join(ROOT, 'platform/src/manifest/services.json'), 'utf8')) as {
      services: { name: string }[];
    };
    const missing = services.filter((s) => !existsSync(path.join(ROOT, s.name, 'README.md'))).map((s) => s.name);
    expect(missing).to.deep.equal([]);
  });
});
