import { useMemo } from 'react';
import { encodeQr } from '../lib/qr.ts';

/** Draws `text` as a QR Code in SVG (dark on white, with the 4-module quiet zone scanners need). */
export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const qr = useMemo(() => encodeQr(text), [text]);
  const quiet = 4;
  const extent = qr.size + quiet * 2;
  const path = useMemo(() => {
    const parts: string[] = [];
    qr.modules.forEach((row, y) =>
      row.forEach((dark, x) => {
        if (dark) parts.push(`M${x + quiet} ${y + quiet}h1v1h-1z`);
      }),
    );
    return parts.join('');
  }, [qr]);
  return (
    <svg
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${extent} ${extent}`}
      shapeRendering="crispEdges"
      style={{ background: '#fff', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
    >
      <path d={path} fill="#000" />
    </svg>
  );
}
