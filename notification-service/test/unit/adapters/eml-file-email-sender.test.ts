import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EmlFileEmailSender } from '../../../src/adapters/eml-file-email-sender';

describe('EmlFileEmailSender', () => {
  let root: string;
  beforeEach(async () => void (root = await mkdtemp(path.join(os.tmpdir(), 'eml-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));

  const email = (id: string) => ({
    id,
    from: 'MicroPay <receipts@micropay.local>',
    to: 'ana@example.com',
    subject: 'Your receipt',
    text: 'Paid $10.50.',
    html: '<p>Paid $10.50.</p>',
  });

  it('writes each email as <id>.eml, making the directory on the first send and again if it is removed', async () => {
    const dir = path.join(root, 'mail');
    const sender = new EmlFileEmailSender(dir);
    expect((await sender.send(email('emd_1'))).messageId).to.equal(`file:${path.join(dir, 'emd_1.eml')}`);
    await rm(dir, { recursive: true });
    await sender.send(email('emd_2'));
    expect(await readdir(dir)).to.deep.equal(['emd_2.eml']);
    const mime = await readFile(path.join(dir, 'emd_2.eml'), 'utf8');
    expect(mime).to.contain('Subject: Your receipt').and.contain('To: ana@example.com');
  });
});
