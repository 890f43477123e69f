// A QR code drawn as SVG from the modules qrcode-generator computes (no HTML strings injected).
import qrcode from 'qrcode-generator';

interface Props {
  value: string;
  /** What the image is, for screen readers. */
  label: string;
  size?: number;
}

export function QrCode({ value, label, size = 200 }: Props) {
  const qr = qrcode(0, 'M');
  qr.addData(value);
  qr.make();
  const n = qr.getModuleCount();
  const margin = 4;
  let d = '';
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++) if (qr.isDark(row, col)) d += `M${col + margin} ${row + margin}h1v1h-1z`;
  const total = n + 2 * margin;
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${total} ${total}`}
      shape-rendering="crispEdges"
    >
      <rect width={total} height={total} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
