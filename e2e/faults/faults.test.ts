import { expect } from 'chai';
import { SERVICES } from '@micropay/platform';
import {
  checkInvariants,
  newCustomer,
  Outcomes,
  runWorkload,
  startFaultStack,
  timeToReady,
  type Customer,
  type FaultStack,
} from './harness';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `npm run test:faults` (docs/operations.md): while card payments and transfers flow through the
 * gateway, each service in turn is frozen (SIGSTOP, then SIGCONT) and killed (SIGKILL, restarted
 * by the launcher). Afterwards every accepted payment is credited exactly once, the ledger
 * verifies, every notification arrived once, and clients saw only 2xx, 4xx or 503/504 with the
 * error body. Prints the figures.
 */
describe('fault injection: SIGSTOP/SIGCONT and SIGKILL of each service while money moves', function () {
  this.timeout(600_000);
  let stack: FaultStack;
  before(async function () {
    this.timeout(300_000);
    stack = await startFaultStack({ restart: { initialDelayMs: 250 } });
  });
  after(async function () {
    this.timeout(60_000);
    await stack?.teardown();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      process.stderr.write(`--- last lines of the stack ---\n${stack?.output.slice(-80).join('\n')}\n`);
  });

  it('keeps every invariant through a freeze and a kill of every service', async () => {
    const customers: Customer[] = [];
    for (let i = 0; i < 4; i++) customers.push(await newCustomer(stack, `faults${i}`));
    const outcomes = new Outcomes();
    const workload = runWorkload(stack.gateway, customers, outcomes, 4);
    const recovery: string[] = [];
    const freezeMs = Number(process.env.FAULTS_FREEZE_MS ?? 4000);
    const settleMs = Number(process.env.FAULTS_SETTLE_MS ?? 3000);
    await pause(settleMs);

    for (const { name } of SERVICES) {
      const url = stack.services[name]!;
      const frozen = stack.platform.pid(name)!;
      process.kill(frozen, 'SIGSTOP');
      await pause(freezeMs);
      process.kill(frozen, 'SIGCONT');
      const thawed = Date.now();
      recovery.push(`${name}: SIGSTOP ${freezeMs} ms, answering ${await timeToReady(url, thawed)} ms after SIGCONT`);
      await pause(settleMs);

      const killed = stack.platform.pid(name)!;
      const at = Date.now();
      process.kill(killed, 'SIGKILL');
      await pause(200);
      const ready = await timeToReady(url, at);
      expect(stack.platform.pid(name), `${name} was restarted`).to.be.a('number').and.not.equal(killed);
      recovery.push(`${name}: SIGKILL, restarted and ready in ${ready} ms`);
      await pause(settleMs);
    }

    const accepted = await workload.stop();
    const { problems, figures } = await checkInvariants(stack, customers, accepted);
    process.stdout.write(
      [
        '',
        `      ${outcomes.summary()}`,
        ...Object.entries(figures).map(([k, v]) => `      ${k}: ${v}`),
        ...recovery.map((line) => `      ${line}`),
        ...stack.notices.map((line) => `      launcher: ${line}`),
        '',
      ].join('\n'),
    );
    expect(outcomes.violations, 'answers a client must never see').to.deep.equal([]);
    expect(problems, `${problems.length} problems, first: ${problems.slice(0, 10).join('; ')}`).to.deep.equal([]);
    expect(accepted.payments.length, 'payments went through').to.be.greaterThan(0);
    for (const { name } of SERVICES) {
      const said = stack.notices.some((line) =>
        line.startsWith(`${name} exited with code 137 (SIGKILL); restarting in`),
      );
      expect(said, `the launcher reported ${name}'s crash`).to.equal(true);
    }
  });
});
