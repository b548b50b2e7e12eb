// QR images of a BR Code, drawn by the `qrcode` library. Error correction M (15 %) is what bank
// apps scan comfortably; the 4-module quiet zone is the QR standard's minimum.
import QRCode from 'qrcode';

const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** A PNG of the QR code of exactly `data`, 8 pixels a module. */
export function qrPng(data: string): Promise<Buffer> {
  return QRCode.toBuffer(data, { ...OPTIONS, type: 'png', scale: 8 });
}

/** The same QR code as an SVG document, for pages that inline it. */
export function qrSvg(data: string): Promise<string> {
  return QRCode.toString(data, { ...OPTIONS, type: 'svg' });
}

/** `data:image/png;base64,…` of `qrPng(data)`, for an <img> that needs no second request. */
export async function qrPngDataUrl(data: string): Promise<string> {
  return `data:image/png;base64,${(await qrPng(data)).toString('base64')}`;
}
