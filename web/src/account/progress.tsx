/** A job's progress (0–100, as the export and deletion status routes answer it) as a labelled bar and its figure. */
export function JobProgress({ label, percent }: { label: string; percent: number }) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <p class="job-progress">
      <progress max={100} value={value} aria-label={label} />
      <span>{value} %</span>
    </p>
  );
}

/** A byte count as people read it: 1.2 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
