import { expect } from 'chai';
import { periodicJob } from '../../../src';
import { testLogger } from '../../../src/testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('periodicJob', () => {
  it('runs on start, then every interval, and never overlaps', async () => {
    let running = 0;
    let maxConcurrent = 0;
    let runs = 0;
    const job = periodicJob(
      't',
      20,
      async () => {
        running += 1;
        maxConcurrent = Math.max(maxConcurrent, running);
        runs += 1;
        await sleep(15);
        running -= 1;
      },
      testLogger(),
    );
    job.start();
    await sleep(10);
    job.wake();
    job.wake();
    await sleep(120);
    await job.stop();
    expect(maxConcurrent).to.equal(1);
    expect(runs).to.be.within(3, 8);
    const after = runs;
    await sleep(60);
    expect(runs).to.equal(after);
  });

  it('runs again at once while a pass reports more work', async () => {
    let remaining = 5;
    const job = periodicJob(
      't',
      10_000,
      async () => {
        remaining -= 1;
        return remaining > 0;
      },
      testLogger(),
    );
    job.start();
    await sleep(50);
    await job.stop();
    expect(remaining).to.equal(0);
  });

  it('survives a failing pass', async () => {
    let runs = 0;
    const job = periodicJob(
      't',
      5,
      async () => {
        runs += 1;
        throw new Error('boom');
      },
      testLogger(),
    );
    job.start();
    await sleep(40);
    await job.stop();
    expect(runs).to.be.greaterThan(1);
  });
});
