/**
 * Feed dates as publishers really write them: RFC 822 (RSS, with its usual slips) and W3C-DTF /
 * ISO 8601 (Atom, Dublin Core). A date without a zone is taken as UTC, so the same feed gives
 * the same instant on every machine.
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** RFC 822's zone names, North American zones, and the military letters RFC 1123 keeps. */
const ZONE_HOURS: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -5,
  edt: -4,
  cst: -6,
  cdt: -5,
  mst: -7,
  mdt: -6,
  pst: -8,
  pdt: -7,
  a: -1,
  m: -12,
  n: 1,
  y: 12,
};

function zoneMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const numeric = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  const hours = ZONE_HOURS[zone.toLowerCase()];
  return hours === undefined ? undefined : hours * 60;
}

function instant(parts: {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  ms?: number;
  offsetMinutes: number;
}): string | undefined {
  const { year, month, day, hour = 0, minute = 0, second = 0, ms = 0 } = parts;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return undefined;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms) - parts.offsetMinutes * 60_000;
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  // Date.UTC rolls 31 February into March; a day the month does not have is not a date.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  return date.toISOString();
}

function fullYear(year: string): number {
  const n = Number(year);
  if (year.length > 2) return n;
  return n < 50 ? 2000 + n : 1900 + n;
}

const RFC822 =
  /^(?:[a-z]{2,9}\.?,?\s+)?(\d{1,2})[\s-]+([a-z]{3})[a-z]*\.?[\s-]+(\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*([a-z]{1,4}|[+-]\d{1,2}:?\d{2})?$/i;

/** `Thu, 01 Jan 2004 19:48:21 GMT`, with or without the weekday, seconds or zone, a 2-digit year. */
function rfc822(text: string): string | undefined {
  const m = RFC822.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]!.toLowerCase()];
  const offsetMinutes = zoneMinutes(m[7]);
  if (!month || offsetMinutes === undefined) return undefined;
  return instant({
    year: fullYear(m[3]!),
    month,
    day: Number(m[1]),
    hour: m[4] ? Number(m[4]) : 0,
    minute: m[5] ? Number(m[5]) : 0,
    second: m[6] ? Number(m[6]) : 0,
    offsetMinutes,
  });
}

const W3CDTF =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;

/** `2003-12-31T10:14:55Z`, `2003-12-31T10:14:55.08-05:00`, `2003-12-31`, `20031231T101455Z`, `2003`. */
function w3cdtf(text: string): string | undefined {
  const m = W3CDTF.exec(text);
  if (!m) return undefined;
  const offsetMinutes = zoneMinutes(m[8]);
  if (offsetMinutes === undefined) return undefined;
  return instant({
    year: Number(m[1]),
    month: m[2] ? Number(m[2]) : 1,
    day: m[3] ? Number(m[3]) : 1,
    hour: m[4] ? Number(m[4]) : 0,
    minute: m[5] ? Number(m[5]) : 0,
    second: m[6] ? Number(m[6]) : 0,
    ms: m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0,
    offsetMinutes,
  });
}

/** The instant a feed's date names, as an ISO string; undefined when it names none. */
export function parseFeedDate(raw: string | undefined): string | undefined {
  const text = raw?.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  return w3cdtf(text) ?? rfc822(text);
}
