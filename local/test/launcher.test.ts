import { expect } from 'chai';
import { DEFAULT_RESTART_POLICY, describeExit, restartDelayMs } from '../src/launcher';

describe('npm start restarts a crashed process', () => {
  it('waits 0.5 s, doubling on each further crash, never more than 30 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => restartDelayMs(DEFAULT_RESTART_POLICY, n));
    expect(delays).to.deep.equal([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('reads an exit as a shell does: a signal is 128 + its number', () => {
    expect(describeExit(null, 'SIGKILL')).to.equal('exited with code 137 (SIGKILL)');
    expect(describeExit(null, 'SIGSEGV')).to.equal('exited with code 139 (SIGSEGV)');
    expect(describeExit(1, null)).to.equal('exited with code 1');
  });
});
