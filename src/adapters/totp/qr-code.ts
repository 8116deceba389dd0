import QRCode from 'qrcode';

/** The reference renders the key URI as a 200×200 PNG (TOKENS.md §10.4). */
const IMAGE_SIZE_PX = 200;

/**
 * A PNG QR code of `text` as a `data:image/png;base64,…` URL, 200×200 pixels with error
 * correction level M, as the reference's image.
 */
export function qrCodeDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { type: 'image/png', errorCorrectionLevel: 'M', width: IMAGE_SIZE_PX, margin: 1 });
}
