// What the hosted pages share: escaping, money and date formats, and the page frame.

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Centavos as Brazilians write them: 123456 → "R$ 1.234,56". */
export function formatBrl(cents: number): string {
  const reais = Math.floor(Math.abs(cents) / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${cents < 0 ? '-' : ''}R$ ${reais},${String(Math.abs(cents) % 100).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD' → 'DD/MM/YYYY'. */
export function formatDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

export interface Frame {
  title: string;
  css: string;
  body: string;
  script?: string;
  /** Nonce for the inline <style> and <script>, for a Content-Security-Policy that names it. */
  cspNonce?: string;
}

/** A complete document that loads nothing from the network: styles and script are inline. */
export function htmlDocument(frame: Frame): string {
  const nonce = frame.cspNonce ? ` nonce="${escapeHtml(frame.cspNonce)}"` : '';
  return `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(frame.title)}</title>
<style${nonce}>${frame.css}</style>
</head>
<body>
${frame.body}
${frame.script ? `<script${nonce}>${frame.script}</script>` : ''}
</body>
</html>
`;
}

export const BASE_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f4f5f7;color:#1d2330}
main{max-width:560px;margin:24px auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.3rem;margin:0 0 4px}
.amount{font-size:2rem;font-weight:700;margin:8px 0}
.muted{color:#5b6475;font-size:.9rem}
button{font:inherit;padding:10px 16px;border-radius:8px;border:0;background:#1d4ed8;color:#fff;cursor:pointer}
.notice{padding:16px;border-radius:8px;margin:16px 0;font-weight:600}
.notice.expired{background:#fdecea;color:#9b1c1c}
.notice.paid{background:#e7f6ec;color:#166534}
[hidden]{display:none!important}
`;
