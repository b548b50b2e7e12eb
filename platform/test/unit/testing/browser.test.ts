import { expect } from 'chai';
import sinon from 'sinon';
import { launchBrowser } from '../../../src/testing/browser';

describe('launchBrowser', () => {
  afterEach(() => sinon.restore());

  it('returns undefined and says why when there is no Chromium at CHROMIUM_PATH', async () => {
    const warn = sinon.stub(console, 'warn');
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      expect(await launchBrowser()).to.equal(undefined);
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
    expect(warn.calledOnce).to.equal(true);
    expect(String(warn.firstCall.args[0]))
      .to.contain('/nonexistent/chromium')
      .and.contain('apt-get install -y chromium');
  });
});
