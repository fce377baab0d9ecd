/**
 * What a long phase prints while it runs: how far, how fast, and when it should end, from the
 * items done so far and the time taken (the mean rate since the phase began: a million-chunk
 * insert slows as the index grows, so the ETA errs early rather than jumping about).
 */
export function progressLine(done: number, total: number, elapsedMs: number): string {
  const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? durationText((total - done) / rate) : '?';
  // A slow phase (full text scanning every row) runs at a few per second: keep a decimal there.
  return `${done}/${total} (${percent}%), ${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s, ETA ${eta}`;
}

/** 42 → "42 s", 754 → "12 min 34 s", 7384 → "2 h 3 min". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
