/** Placeholder until the QR encoder lands: nothing is drawn. */
export function QrCode(_props: { text: string; label: string }) {
  return null;
}
