// The hosted Pix instructions page (Stripe's hosted_instructions_url): the QR code to scan, the
// "copia e cola" code, the amount and a live countdown; it turns into an expired or paid notice.
import { BASE_CSS, escapeHtml, formatBrl, htmlDocument } from './html';

export interface PixPageInput {
  amountCents: number;
  /** The BR Code, shown for "Pix copia e cola". */
  data: string;
  /** The QR image: the PNG's URL, or a data URL (qrPngDataUrl) for a page that needs no second request. */
  imageUrl: string;
  expiresAt: Date;
  description?: string;
  /** The payment's status: `succeeded` shows a paid notice, `canceled` an expired one. */
  status?: string;
  /** The page's clock, for tests; the countdown then runs on the browser's clock. */
  now?: Date;
  cspNonce?: string;
}

const CSS = `${BASE_CSS}
.qr{display:block;margin:16px auto;width:264px;height:264px;image-rendering:pixelated}
.code{width:100%;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem;padding:8px;border:1px solid #c8cdd6;border-radius:8px;resize:none;word-break:break-all}
.row{display:flex;gap:8px;align-items:center;margin-top:8px}
.countdown{font-variant-numeric:tabular-nums;font-weight:600}
`;

// Counts down to data-expires-at; at zero hides the code and shows the expired notice.
const SCRIPT = `(() => {
  const root = document.getElementById('pix');
  const active = document.getElementById('active');
  const expired = document.getElementById('expired');
  const countdown = document.getElementById('countdown');
  if (active.hidden) return; // already paid or expired
  const expiresAt = Date.parse(root.dataset.expiresAt);
  const pad = (n) => String(n).padStart(2, '0');
  const tick = () => {
    const left = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    const days = Math.floor(left / 86400);
    const clock = pad(Math.floor(left / 3600) % 24) + ':' + pad(Math.floor(left / 60) % 60) + ':' + pad(left % 60);
    countdown.textContent = (days ? days + ' d ' : '') + clock;
    if (left === 0) {
      active.hidden = true;
      expired.hidden = false;
      clearInterval(timer);
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
  document.getElementById('copy').addEventListener('click', async () => {
    const code = document.getElementById('code');
    try {
      await navigator.clipboard.writeText(code.value);
    } catch {
      code.select();
      document.execCommand('copy');
    }
    document.getElementById('copied').hidden = false;
  });
})();`;

/** The whole HTML document. */
export function pixPage(input: PixPageInput): string {
  const now = input.now ?? new Date();
  const paid = input.status === 'succeeded';
  const expired = !paid && (input.status === 'canceled' || now.getTime() >= input.expiresAt.getTime());
  const amount = formatBrl(input.amountCents);
  const body = `<main id="pix" data-expires-at="${escapeHtml(input.expiresAt.toISOString())}">
  <h1>Pague com Pix</h1>
  ${input.description ? `<p class="muted">${escapeHtml(input.description)}</p>` : ''}
  <p class="amount" id="amount">${escapeHtml(amount)}</p>
  <div id="active"${paid || expired ? ' hidden' : ''}>
    <p>Abra o app do seu banco, escolha Pix e leia o QR code, ou use o Pix copia e cola.</p>
    <img class="qr" id="qr" src="${escapeHtml(input.imageUrl)}" alt="QR code Pix de ${escapeHtml(amount)}">
    <label for="code" class="muted">Pix copia e cola</label>
    <textarea class="code" id="code" rows="4" readonly>${escapeHtml(input.data)}</textarea>
    <div class="row">
      <button type="button" id="copy">Copiar código</button>
      <span id="copied" class="muted" hidden>Copiado!</span>
    </div>
    <p>Expira em <span class="countdown" id="countdown">${escapeHtml(remaining(input.expiresAt, now))}</span>
      <span class="muted">(${escapeHtml(input.expiresAt.toISOString())})</span></p>
  </div>
  <p class="notice expired" id="expired"${expired ? '' : ' hidden'}>Este Pix expirou e não pode mais ser pago.</p>
  <p class="notice paid" id="paid"${paid ? '' : ' hidden'}>Pagamento recebido. Obrigado!</p>
</main>`;
  return htmlDocument({
    title: `Pix de ${amount}`,
    css: CSS,
    body,
    script: SCRIPT,
    ...(input.cspNonce ? { cspNonce: input.cspNonce } : {}),
  });
}

/** The countdown's first text, as the script would write it, for a page read without script. */
function remaining(expiresAt: Date, now: Date): string {
  const left = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(left / 86400);
  const clock = `${pad(Math.floor(left / 3600) % 24)}:${pad(Math.floor(left / 60) % 60)}:${pad(left % 60)}`;
  return `${days ? `${days} d ` : ''}${clock}`;
}
