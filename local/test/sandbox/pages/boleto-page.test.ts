import { expect } from 'chai';
import { launchBrowser } from '@micropay/platform/testing';
import type { Browser } from 'playwright-core';
import { buildBoleto } from '../../../src/sandbox/codecs/boleto';
import { boletoPage, type BoletoPageInput } from '../../../src/sandbox/pages/boleto-page';
import { decodeItfSvg } from '../support/decoders';

function voucher(overrides: Partial<BoletoPageInput> = {}): BoletoPageInput {
  const boleto = buildBoleto({
    bankCode: '001',
    amountCents: 123_456,
    dueDate: '2026-12-07',
    freeField: '0000001234567890123456789',
  });
  return {
    amountCents: 123_456,
    number: boleto.number,
    barcode: boleto.barcode,
    dueDate: '2026-12-07',
    expiresAt: new Date('2026-12-08T02:59:00Z'),
    payerName: 'Maria da Silva',
    payerTaxId: '529.982.247-25',
    beneficiary: { name: 'Loja Exemplo Ltda', taxId: '11222333000181' },
    now: new Date('2026-12-04T12:00:00Z'),
    ...overrides,
  };
}

describe('hosted boleto voucher', () => {
  it('shows the payer tax id masked, and nothing that would load from the network', () => {
    const html = boletoPage(voucher());
    expect(html).to.contain('***.982.247-**').and.not.contain('529.982.247-25').and.not.contain('52998224725');
    expect(html).to.contain('11.222.333/0001-81'); // a company beneficiary's CNPJ is public
    expect(html).not.to.match(/(src|href)="(https?:)?\/\//);
  });

  it('escapes every interpolated value', () => {
    const html = boletoPage(
      voucher({ payerName: '<b>Eve</b>', beneficiary: { name: '"&' }, description: "<i>x</i>'" }),
    );
    expect(html).not.to.contain('<b>Eve</b>').and.not.to.contain('<i>x</i>');
    expect(html).to.contain('&#60;b&#62;Eve&#60;/b&#62;').and.contain('&#34;&#38;');
  });

  it('shows an expired notice after expires_at and a paid one once paid', () => {
    expect(boletoPage(voucher({ now: new Date('2026-12-08T03:00:00Z') }))).to.match(/id="expired">/);
    expect(boletoPage(voucher())).to.match(/id="expired" hidden>/);
    expect(boletoPage(voucher({ status: 'succeeded' }))).to.match(/id="paid">/);
  });

  describe('in headless Chromium', function () {
    let browser: Browser | undefined;
    before(async function () {
      browser = await launchBrowser();
      if (!browser) this.skip();
    });
    after(() => browser?.close());

    it('renders the formatted linha digitável, amount, due date, payer and the ITF barcode as SVG', async () => {
      const input = voucher();
      const tab = await browser!.newPage({ viewport: { width: 900, height: 1000 } });
      try {
        await tab.setContent(boletoPage(input));
        const number = await tab.locator('#number').innerText();
        expect(number).to.equal(
          buildBoleto({
            bankCode: '001',
            amountCents: 123_456,
            dueDate: '2026-12-07',
            freeField: '0000001234567890123456789',
          }).formattedNumber,
        );
        expect(await tab.locator('#amount').innerText()).to.equal('R$ 1.234,56');
        expect(await tab.locator('#due-date').innerText()).to.equal('07/12/2026');
        expect(await tab.locator('#payer').innerText()).to.equal('Maria da Silva — ***.982.247-**');
        const svg = tab.locator('#barcode svg');
        expect(await svg.isVisible()).to.equal(true);
        const box = await svg.boundingBox();
        expect(box!.width).to.be.greaterThan(300);
        expect(decodeItfSvg(await svg.evaluate((el) => el.outerHTML))).to.equal(input.barcode);
        const printed = await tab.pdf({ format: 'A4' }); // the print stylesheet lays it out
        expect(printed.subarray(0, 4).toString()).to.equal('%PDF');
      } finally {
        await tab.close();
      }
    });
  });
});
