import { expect } from 'chai';
import {
  checkInvariants,
  newCustomer,
  Outcomes,
  runWorkload,
  startFaultStack,
  timeToReady,
  type Customer,
  type FaultStack,
} from '../faults/harness';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The launcher keeps the platform up when a service dies (issue #14): SIGKILL in the middle of
 * a stream of writes, on the embedded PostgreSQL by default (where a half-written directory
 * would show), and every write that was answered 2xx is still there after the restart.
 */
describe('e2e: a service killed during writes is restarted by `npm start` and loses nothing', function () {
  this.timeout(300_000);
  let stack: FaultStack;
  before(async function () {
    this.timeout(300_000);
    stack = await startFaultStack();
  });
  after(async function () {
    this.timeout(60_000);
    await stack?.teardown();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      process.stderr.write(`--- last lines of the stack ---\n${stack?.output.slice(-80).join('\n')}\n`);
  });

  it('payment-service and transaction-service, SIGKILLed mid-stream, come back; every 2xx write is there once and the ledger verifies', async () => {
    const customers: Customer[] = [];
    for (let i = 0; i < 3; i++) customers.push(await newCustomer(stack, `crash${i}`));
    const outcomes = new Outcomes();
    const workload = runWorkload(stack.gateway, customers, outcomes, 3);
    for (const name of ['payment-service', 'transaction-service']) {
      const before = workload.accepted.payments.length;
      while (workload.accepted.payments.length < before + 3) await pause(100);
      const pid = stack.platform.pid(name)!;
      process.kill(pid, 'SIGKILL');
      await pause(200);
      await timeToReady(stack.services[name]!, Date.now());
      expect(stack.platform.pid(name)).to.be.a('number').and.not.equal(pid);
      // The launcher said what happened, in the words of a shell.
      expect(stack.notices).to.include(`${name} exited with code 137 (SIGKILL); restarting in 0.5 s (attempt 1)`);
      // Requests succeed again.
      const after = workload.accepted.payments.length;
      while (workload.accepted.payments.length < after + 3) await pause(100);
    }
    // A second crash soon after the first waits twice as long.
    const again = stack.platform.pid('payment-service')!;
    process.kill(again, 'SIGKILL');
    await pause(200);
    await timeToReady(stack.services['payment-service']!, Date.now());
    expect(stack.notices).to.include('payment-service exited with code 137 (SIGKILL); restarting in 1 s (attempt 2)');
    const accepted = await workload.stop();
    const { problems } = await checkInvariants(stack, customers, accepted);
    expect(outcomes.violations).to.deep.equal([]);
    expect(problems, `${problems.length} problems, first: ${problems.slice(0, 10).join('; ')}`).to.deep.equal([]);
  });
});
