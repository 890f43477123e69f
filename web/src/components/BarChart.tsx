// A horizontal bar chart as plain SVG (no chart library): one bar per labelled value; values
// hidden by disclosure control (null) are drawn as an empty bar with their display text ("x").
import { useI18n } from '../i18n/context';
import { useMedia } from './useMedia';

export interface Bar {
  label: string;
  value: number | null;
  display: string;
}

export function BarChart({ title, bars, id }: { title: string; bars: Bar[]; id: string }) {
  const { t } = useI18n();
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  // A phone draws it narrower (shorter labels and bars) rather than shrinking the text.
  const narrow = useMedia('(max-width: 48rem)');
  const row = 26;
  const labelW = narrow ? 130 : 210;
  const barW = narrow ? 150 : 300;
  const h = bars.length * row + 8;
  const room = narrow ? 19 : 32;
  const short = (s: string) => (s.length > room ? `${s.slice(0, room - 1)}…` : s);
  return (
    <figure class="chart-figure">
      <figcaption id={`${id}-t`}>{title}</figcaption>
      {bars.length === 0 ? (
        <p class="muted">{t('dash.no_data')}</p>
      ) : (
        <svg class="chart" role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${labelW + barW + 60} ${h}`} width={labelW + barW + 60} height={h} preserveAspectRatio="xMinYMin meet">
          <desc id={`${id}-d`}>{bars.map((b) => `${b.label}: ${b.display}`).join('; ')}</desc>
          {bars.map((b, i) => {
            const w = b.value === null ? 0 : Math.max(b.value > 0 ? 2 : 0, (b.value / max) * barW);
            const y = i * row + 4;
            return (
              <g key={i}>
                <text x={labelW - 6} y={y + 15} text-anchor="end">
                  <title>{b.label}</title>
                  {short(b.label)}
                </text>
                <rect class="bar" x={labelW} y={y + 3} width={w} height={row - 8} />
                {b.value === null && <rect x={labelW} y={y + 3} width={18} height={row - 8} fill="none" stroke="#4a4a4a" stroke-dasharray="3 2" />}
                <text x={labelW + w + (b.value === null ? 24 : 6)} y={y + 15}>
                  {b.display}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
