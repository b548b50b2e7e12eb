import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../tools/fetch-tools';
import { generatedFiles } from '../tools/generate-charts';

describe('generated deployment files', () => {
  it('values.yaml, values.schema.json, the README values tables and the API Gateway routes match their models (run npm run deploy:generate)', async () => {
    const files = await generatedFiles();
    expect(Object.keys(files)).to.have.length(16);
    for (const [file, content] of Object.entries(files)) {
      expect(await readFile(path.join(REPO_ROOT, file), 'utf8'), file).to.equal(content);
    }
  });
});
