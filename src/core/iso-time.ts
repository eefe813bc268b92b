// Wall-clock times as people and tools read them: ISO 8601 in the local zone with its offset
// (2026-12-02T07:30:00.123+01:00), so a report says when, in the zone it was taken, unambiguously.

export function isoWithZone(ms: number, offsetMinutes = -new Date(ms).getTimezoneOffset()): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().replace(/Z$/, '');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
