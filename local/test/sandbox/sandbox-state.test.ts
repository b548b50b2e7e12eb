import { expect } from 'chai';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SandboxState, type Charge } from '../../src/sandbox/sandbox-state';

describe('SandboxState journal', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sandbox-state-'));
    file = path.join(dir, 'sandbox', 'state.jsonl');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const charge = (n: number, changes: Partial<Charge> = {}): Charge => ({
    id: `sbx_ch_${n}`,
    paymentId: `pay_${n}`,
    method: 'pix',
    amount: 100 * n,
    currency: 'brl',
    state: 'pending',
    capturedAmount: 0,
    refunded: 0,
    pix: { txid: `tx${n}`, data: `000201…${n}` },
    createdAt: '2026-12-07T00:00:00.000Z',
    ...changes,
  });
  const lines = async () => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

  it('appends only what changed, and reads back the latest version of every record', async () => {
    const state = await SandboxState.open(file);
    for (let n = 1; n <= 3; n++) state.put(charge(n));
    await state.save();
    const afterThree = (await lines()).length;
    state.put(charge(2, { state: 'paid', capturedAmount: 200 }));
    state.putRefund({ id: 'sbx_re_1', refundId: 're_1', paymentId: 'pay_2', amount: 50 });
    state.webhooks.push({ event: { id: 'evt_1' } as never, attempts: 0, nextAttemptAt: 0 });
    await state.save();
    // The second save wrote the changed charge, the refund and the webhook queue: not all three charges again.
    expect((await lines()).length - afterThree).to.equal(3);

    const reopened = await SandboxState.open(file);
    expect(reopened.charges.size).to.equal(3);
    expect(reopened.charges.get('pay_2')).to.include({ state: 'paid', capturedAmount: 200 });
    expect(reopened.findPix('000201…3')?.paymentId).to.equal('pay_3');
    expect(reopened.findRefund('re_1')).to.include({ amount: 50 });
    expect(reopened.webhooks.map((w) => w.event.id)).to.deep.equal(['evt_1']);
  });

  it('skips a last line torn by a crash mid-append, and refuses a damaged line before it', async () => {
    const state = await SandboxState.open(file);
    state.put(charge(1));
    await state.save();
    await appendFile(file, '{"charge":{"id":"sbx_ch_2","paym');
    expect((await SandboxState.open(file)).charges.size).to.equal(1);
    await appendFile(file, '\n{"webhooks":[]}\n');
    let refused: unknown;
    await SandboxState.open(file).catch((error) => (refused = error));
    expect(String(refused)).to.match(/line 3 is not JSON/);
  });

  it('rewrites the journal from memory once it holds far more lines than records', async () => {
    const state = await SandboxState.open(file, { compactAfterExtraLines: 20 });
    for (let i = 0; i < 30; i++) {
      state.put(charge(1 + (i % 2), { refunded: i }));
      await state.save();
    }
    // Two charges and the webhook queue; never more than 20 lines beyond them.
    expect((await lines()).length).to.be.at.most(3 + 20);
    const reopened = await SandboxState.open(file);
    expect(reopened.charges.get('pay_1')?.refunded).to.equal(28);
    expect(reopened.charges.get('pay_2')?.refunded).to.equal(29);
  });

  it('reads a whole-state snapshot as earlier versions wrote it', async () => {
    await writeFile(path.join(dir, 'old.json'), JSON.stringify({ charges: [charge(7)], refunds: [], webhooks: [] }));
    const state = await SandboxState.open(path.join(dir, 'old.json'));
    expect(state.charges.get('pay_7')?.amount).to.equal(700);
  });
});
