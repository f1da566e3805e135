// Fourteen days of orders as stacked bars: synced, failed, and the rest (waiting or skipped). Plain SVG, with the
// numbers in a table for screen readers.
export interface ChartDay {
  day: string;
  synced: number;
  failed: number;
  other: number;
}

export function DayChart({ days, label, compact = false }: { days: ChartDay[]; label: string; compact?: boolean }) {
  const max = Math.max(1, ...days.map((d) => d.synced + d.failed + d.other));
  const height = compact ? 28 : 120;
  const barWidth = compact ? 6 : 18;
  const gap = compact ? 2 : 8;
  const width = days.length * (barWidth + gap);
  const scale = (n: number) => (n / max) * (height - 2);
  return (
    <figure className="m-0">
      <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height + (compact ? 0 : 16)}`} className={compact ? "h-7 w-28" : "h-40 w-full"} preserveAspectRatio="none">
        {days.map((d, i) => {
          const x = i * (barWidth + gap);
          const synced = scale(d.synced);
          const failed = scale(d.failed);
          const other = scale(d.other);
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${d.synced} synced, ${d.failed} failed, ${d.other} other`}</title>
              <rect x={x} y={height - synced} width={barWidth} height={synced} className="fill-emerald-500" />
              <rect x={x} y={height - synced - failed} width={barWidth} height={failed} className="fill-red-500" />
              <rect x={x} y={height - synced - failed - other} width={barWidth} height={other} className="fill-slate-300" />
              {!compact && (i % 2 === 0 || i === days.length - 1) && (
                <text x={x + barWidth / 2} y={height + 12} textAnchor="middle" className="fill-slate-400 text-[8px]">
                  {d.day.slice(8)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {!compact && (
        <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-500">
          <span className="flex items-center gap-1"><span className="inline-block h-2 w-2 rounded-sm bg-emerald-500" aria-hidden /> Synced</span>
          <span className="flex items-center gap-1"><span className="inline-block h-2 w-2 rounded-sm bg-red-500" aria-hidden /> Failed</span>
          <span className="flex items-center gap-1"><span className="inline-block h-2 w-2 rounded-sm bg-slate-300" aria-hidden /> Waiting or skipped</span>
          <span>Days in UTC, by when the order arrived.</span>
        </figcaption>
      )}
      <table className="sr-only">
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Synced</th>
            <th scope="col">Failed</th>
            <th scope="col">Other</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <td>{d.day}</td>
              <td>{d.synced}</td>
              <td>{d.failed}</td>
              <td>{d.other}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
