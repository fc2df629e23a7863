/**
 * Times are shown in Beijing time (Asia/Shanghai) whatever the browser's zone: deadlines are
 * counted in it (24:00 of the 3rd working day), so an officer travelling or a test machine in UTC
 * sees the same numbers.
 */
export const TIME_ZONE = 'Asia/Shanghai';

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const parts = (format: Intl.DateTimeFormat, date: Date): Record<string, string> =>
  Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));

/** '2026-02-13 17:05' in Beijing time; '—' for no value. */
export const formatShanghai = (iso: string | Date | null | undefined): string => {
  if (iso === null || iso === undefined) return '—';
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return '—';
  const p = parts(dateTime, date);
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}`;
};

/** The Beijing calendar day ('YYYY-MM-DD') of an instant. */
export const shanghaiDay = (date: Date): string => {
  const p = parts(dateTime, date);
  return `${p['year']}-${p['month']}-${p['day']}`;
};

/** Adds whole days to a 'YYYY-MM-DD' civil date. */
export const addDays = (day: string, days: number): string => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

/** Days from `from` to `to`, both included. */
export const daysInclusive = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/** The period of the same length just before [from, to] (环比). */
export const previousPeriod = (from: string, to: string): { from: string; to: string } => {
  const length = daysInclusive(from, to);
  return { from: addDays(from, -length), to: addDays(from, -1) };
};

export interface DurationParts {
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
}

export const splitDuration = (ms: number): DurationParts => {
  const minutesTotal = Math.floor(Math.abs(ms) / 60_000);
  return { days: Math.floor(minutesTotal / 1440), hours: Math.floor((minutesTotal % 1440) / 60), minutes: minutesTotal % 60 };
};

/** A local date-time input value ('YYYY-MM-DDTHH:mm', Beijing) → ISO instant. */
export const shanghaiInputToIso = (value: string): string => new Date(`${value}:00+08:00`).toISOString();

/** Now as a Beijing 'YYYY-MM-DDTHH:mm' (the default of call-back time pickers). */
export const nowShanghaiInput = (now = new Date()): string => {
  const p = parts(dateTime, now);
  return `${p['year']}-${p['month']}-${p['day']}T${p['hour']}:${p['minute']}`;
};
