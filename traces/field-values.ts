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
    const m = TimestampClock.PATTERN.exec(s);
    if (m === null) return NaN;
    const month = +m[2]!;
    const day = +m[3]!;
    const h = +m[4]!;
    const min = +m[5]!;
    const sec = +m[6]!;
    if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || min > 59 || sec > 60) return NaN;
    let whole = daysFromCivil(+m[1]!, month, day) * 86400 + h * 3600 + min * 60 + sec;
    const zone = m[8];
    if (zone !== undefined && zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      whole -= sign * (+digits.slice(0, 2) * 3600 + +digits.slice(2) * 60);
    }
    const frac = m[7] === undefined ? 0 : +m[7];
    if (Number.isNaN(this.originWhole)) {
      this.originWhole = whole;
      this.originFrac = frac;
    }
    return whole - this.originWhole + (frac - this.originFrac);
  }
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
