/**
 * Strict parsing of single trace fields. Number('') is 0 and Number(' ') is 0 in JS, so plain
 * coercion would turn an empty cell into a silent zero; these helpers reject that instead.
 */

/** A finite number, or NaN for empty/blank/non-numeric text. */
export function parseNumber(s: string): number {
  if (s.length === 0) return NaN;
  const v = +s;
  if (v === 0 && s.trim().length === 0) return NaN;
  return Number.isFinite(v) ? v : NaN;
}

/** A non-negative integer (e.g. a token count), or NaN. */
export function parseCount(s: string): number {
  const v = parseNumber(s);
  return Number.isInteger(v) && v >= 0 ? v : NaN;
}

/**
 * Naive date-time stamps such as `2023-11-16 18:15:46.6805900` (any number of fractional
 * digits; `T` or space between date and time; an optional `Z` or ±HH:MM offset, which is
 * applied). JS `Date` rejects the 7th fractional digit of the Azure traces, and a float64 of
 * epoch seconds only resolves ~0.2 µs, so whole seconds and the fraction are kept apart and
 * only differences from the first stamp seen are returned.
 */
export class TimestampClock {
  private originWhole = NaN;
  private originFrac = 0;
  private static readonly PATTERN =
    /^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/;

  /** Seconds since the first stamp this clock parsed, or NaN if `s` is not a valid stamp. */
  secondsSinceFirst(s: string): number {
    const fast = fastStamp(s);
    if (fast >= 0) return this.relative(fast, s.length > 19 ? +s.slice(19) : 0);
    const m = TimestampClock.PATTERN.exec(s);
    if (m === null) return NaN;
    const month = +m[2]!;
    const day = +m[3]!;
    const h = +m[4]!;
    const min = +m[5]!;
    const sec = +m[6]!;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(+m[1]!, month) || h > 23 || min > 59 || sec > 60)
      return NaN;
    let whole = daysFromCivil(+m[1]!, month, day) * 86400 + h * 3600 + min * 60 + sec;
    const zone = m[8];
    if (zone !== undefined && zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      whole -= sign * (+digits.slice(0, 2) * 3600 + +digits.slice(2) * 60);
    }
    return this.relative(whole, m[7] === undefined ? 0 : +m[7]);
  }

  private relative(whole: number, frac: number): number {
    if (Number.isNaN(this.originWhole)) {
      this.originWhole = whole;
      this.originFrac = frac;
    }
    return whole - this.originWhole + (frac - this.originFrac);
  }
}

/**
 * Fast path for the exact shape `YYYY-MM-DD HH:MM:SS[.digits]` (the Azure traces), read by
 * character codes; the regex costs several times more per row. Returns whole epoch seconds, or
 * −1 when the text has any other shape (then the regex path decides).
 */
function fastStamp(s: string): number {
  const n = s.length;
  if (n < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
    return -1;
  const sep = s.charCodeAt(10);
  if (sep !== 32 && sep !== 84) return -1;
  if (n > 19) {
    if (s.charCodeAt(19) !== 46 || n === 20) return -1;
    for (let i = 20; i < n; i++) if (!isDigit(s.charCodeAt(i))) return -1;
  }
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > daysInMonth(y, mo) ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    se < 0 ||
    se > 60
  )
    return -1;
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

/** Days in a month of the proleptic Gregorian calendar: 2023-02-30 is not a date. */
function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The decimal value of s[at..at+len), or −1 if any is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
