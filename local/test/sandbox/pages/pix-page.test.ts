import { expect } from 'chai';
import { launchBrowser } from '@micropay/platform/testing';
import type { Browser } from 'playwright-core';
import { buildBrCode } from '../../../src/sandbox/codecs/br-code';
import { qrPngDataUrl } from '../../../src/sandbox/codecs/qr-png';
import { formatBrl } from '../../../src/sandbox/pages/html';
import { pixPage, type PixPageInput } from '../../../src/sandbox/pages/pix-page';
import { decodeQrPng } from '../support/decoders';

async function page(overrides: Partial<PixPageInput> = {}): Promise<PixPageInput> {
  const data = buildBrCode({
    pixKey: 'sandbox@micropay.dev',
    merchantName: 'MicroPay Sandbox',
    merchantCity: 'Sao Paulo',
    amountCents: 1050,
    txid: `pay${Date.now()}`,
  });
  return {
    amountCents: 1050,
    data,
    imageUrl: await qrPngDataUrl(data),
    expiresAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}

describe('hosted Pix page', () => {
  it('formats amounts in reais', () => {
    expect(formatBrl(1050)).to.equal('R$ 10,50');
    expect(formatBrl(1)).to.equal('R$ 0,01');
    expect(formatBrl(123_456_789)).to.equal('R$ 1.234.567,89');
  });

  it('escapes every interpolated value', async () => {
    const html = pixPage(
      await page({ description: '<script>alert(1)</script>', imageUrl: '"><img src=x onerror=alert(1)>' }),
    );
    expect(html).not.to.contain('<script>alert(1)').and.not.to.contain('"><img src=x');
    expect(html).to.contain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('loads nothing from the network', async () => {
    const html = pixPage(await page());
    expect(html).not.to.match(/(src|href)="(https?:)?\/\//);
  });

  it('is an expired notice, without the code, once expires_at has passed or the payment was canceled', async () => {
    const past = pixPage(await page({ expiresAt: new Date(Date.now() - 1000) }));
    expect(past)
      .to.match(/<div id="active" hidden>/)
      .and.match(/id="expired">/);
    const canceled = pixPage(await page({ status: 'canceled' }));
    expect(canceled)
      .to.match(/<div id="active" hidden>/)
      .and.match(/id="expired">/);
    const paid = pixPage(await page({ status: 'succeeded' }));
    expect(paid)
      .to.match(/<div id="active" hidden>/)
      .and.match(/id="paid">/)
      .and.match(/id="expired" hidden>/);
  });

  describe('in headless Chromium', function () {
    let browser: Browser | undefined;
    before(async function () {
      browser = await launchBrowser();
      if (!browser) this.skip();
    });
    after(() => browser?.close());

    it('shows the QR code (decoded from a screenshot), the copy-paste code, the amount and a countdown', async () => {
      const input = await page({ description: 'Pedido 42' });
      const tab = await browser!.newPage({ viewport: { width: 800, height: 1000 } });
      try {
        await tab.setContent(pixPage(input));
        expect(await tab.locator('#amount').innerText()).to.equal('R$ 10,50');
        expect(await tab.locator('#code').inputValue()).to.equal(input.data);
        expect(await tab.locator('#code').isVisible()).to.equal(true);
        expect(await tab.locator('#copy').isVisible()).to.equal(true);
        expect(await tab.getByText('Pedido 42').isVisible()).to.equal(true);
        expect(await tab.locator('#countdown').innerText()).to.match(/^0(0:59:[0-5]\d|1:00:00)$/);
        expect(await tab.locator('#expired').isVisible()).to.equal(false);
        expect(decodeQrPng(await tab.screenshot({ fullPage: true }))).to.equal(input.data);
      } finally {
        await tab.close();
      }
    });

    it('turns into the expired notice when the countdown reaches zero', async () => {
      const input = await page({ expiresAt: new Date(Date.now() + 1500) });
      const tab = await browser!.newPage();
      try {
        await tab.setContent(pixPage(input));
        await tab.locator('#expired').waitFor({ state: 'visible', timeout: 15_000 });
        expect(await tab.locator('#countdown').innerText()).to.equal('00:00:00');
        expect(await tab.locator('#qr').isVisible()).to.equal(false);
        expect(await tab.locator('#code').isVisible()).to.equal(false);
        expect(decodeQrPng(await tab.screenshot({ fullPage: true }))).to.equal(undefined);
      } finally {
        await tab.close();
      }
    });
  });
});
