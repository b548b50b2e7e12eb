import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../tools/fetch-tools';
import { generatedFiles } from '../tools/generate-charts';

describe('generated chart files', () => {
  it('values.yaml, values.schema.json and the README values tables match charts/tools/values-model.ts (run npm run charts:generate)', async () => {
    const files = await generatedFiles();
    expect(Object.keys(files)).to.have.length(15);
    for (const [file, content] of Object.entries(files)) {
      expect(await readFile(path.join(REPO_ROOT, file), 'utf8'), file).to.equal(content);
    }
  });
});
