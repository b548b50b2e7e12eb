// The hosted boleto voucher (Stripe's hosted_voucher_url): a printable "ficha de compensação"
// with the beneficiary, the payer, amount, due date, linha digitável and the ITF barcode.
import { formatBoletoNumber } from '../codecs/boleto';
import { itfSvg } from '../codecs/itf';
import { BASE_CSS, escapeHtml, formatBrl, formatDate, htmlDocument } from './html';

export interface BoletoPageInput {
  amountCents: number;
  /** Linha digitável, 47 digits (formatted or not). */
  number: string;
  /** The 44-digit barcode. */
  barcode: string;
  /** 'YYYY-MM-DD'. */
  dueDate: string;
  /** When the boleto stops being payable (23:59 America/Sao_Paulo on the due date). */
  expiresAt: Date;
  payerName: string;
  /** CPF or CNPJ digits (formatted or not); the page shows it masked. */
  payerTaxId: string;
  beneficiary: { name: string; taxId?: string };
  description?: string;
  /** The payment's status: `succeeded` shows a paid notice, `canceled` an expired one. */
  status?: string;
  now?: Date;
  cspNonce?: string;
}

const CSS = `${BASE_CSS}
main{max-width:820px}
table{width:100%;border-collapse:collapse;margin:16px 0}
td{border:1px solid #1d2330;padding:4px 8px;vertical-align:top}
td small{display:block;font-size:.7rem;color:#5b6475}
.line{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05rem;font-weight:700;letter-spacing:.02em}
.bank{display:flex;gap:16px;align-items:baseline;border-bottom:2px solid #1d2330;padding-bottom:4px}
.bank strong{font-size:1.2rem;border-left:2px solid #1d2330;border-right:2px solid #1d2330;padding:0 12px}
.barcode svg{width:103mm;height:13mm;display:block}
@media print{
  body{background:#fff}
  main{box-shadow:none;margin:0;max-width:none;padding:0}
  .no-print{display:none!important}
}
`;

const PRINT_SCRIPT = "document.getElementById('print').addEventListener('click', () => window.print());";

/** The whole HTML document. */
export function boletoPage(input: BoletoPageInput): string {
  const now = input.now ?? new Date();
  const paid = input.status === 'succeeded';
  const expired = !paid && (input.status === 'canceled' || now.getTime() >= input.expiresAt.getTime());
  const line = formatBoletoNumber(input.number);
  const bank = input.barcode.slice(0, 3);
  const amount = formatBrl(input.amountCents);
  const cell = (label: string, value: string, id?: string) =>
    `<td><small>${escapeHtml(label)}</small><span${id ? ` id="${id}"` : ''}>${escapeHtml(value)}</span></td>`;
  const beneficiary = input.beneficiary.taxId
    ? `${input.beneficiary.name} — ${maskTaxIdDigits(input.beneficiary.taxId, false)}`
    : input.beneficiary.name;
  const body = `<main>
  <h1>Boleto de ${escapeHtml(amount)}</h1>
  ${input.description ? `<p class="muted">${escapeHtml(input.description)}</p>` : ''}
  <p class="notice expired no-print" id="expired"${expired ? '' : ' hidden'}>Este boleto venceu e não pode mais ser pago.</p>
  <p class="notice paid no-print" id="paid"${paid ? '' : ' hidden'}>Pagamento recebido. Obrigado!</p>
  <p class="no-print"><button type="button" id="print">Imprimir</button></p>
  <div class="bank"><span>Banco</span><strong>${escapeHtml(`${bank}-9`)}</strong><span class="line" id="number">${escapeHtml(line)}</span></div>
  <table>
    <tr>${cell('Local de pagamento', 'Pagável em qualquer banco até o vencimento')}${cell('Vencimento', formatDate(input.dueDate), 'due-date')}</tr>
    <tr>${cell('Beneficiário', beneficiary, 'beneficiary')}${cell('Valor do documento', amount, 'amount')}</tr>
    <tr>${cell('Pagador', `${input.payerName} — ${maskTaxIdDigits(input.payerTaxId, true)}`, 'payer')}${cell('Data do documento', formatDate(now.toISOString().slice(0, 10)))}</tr>
  </table>
  <div class="barcode" id="barcode" role="img" aria-label="Código de barras ${escapeHtml(input.barcode)}">${itfSvg(input.barcode)}</div>
</main>`;
  return htmlDocument({
    title: `Boleto de ${amount}`,
    css: CSS,
    body,
    // A script, not an onclick attribute, so a nonce-based Content-Security-Policy allows it.
    script: PRINT_SCRIPT,
    ...(input.cspNonce ? { cspNonce: input.cspNonce } : {}),
  });
}

/**
 * A CPF or CNPJ masked for display (a CPF keeps its middle six digits; a CNPJ its first five and
 * last two). The payer's is always masked; a company beneficiary's CNPJ is public and shown whole.
 */
function maskTaxIdDigits(taxId: string, mask: boolean): string {
  const d = taxId.replace(/\D/g, '');
  if (d.length === 11)
    return mask
      ? `***.${d.slice(3, 6)}.${d.slice(6, 9)}-**`
      : `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
  if (d.length === 14) {
    return mask
      ? `${d.slice(0, 2)}.${d.slice(2, 5)}.***/****-${d.slice(12)}`
      : `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`;
  }
  return '***';
}
