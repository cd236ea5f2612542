/**
 * Turns zod issues into ScenarioIssues with messages in the user's terms: units read from the key
 * suffix (`_s` seconds, `_per_s` per second, `_ms` milliseconds), unknown keys and values with a
 * did-you-mean over what is valid at that exact path.
 */
import type { z } from 'zod';
import { didYouMean } from './issues.js';

export interface Located {
  readonly path: readonly PropertyKey[];
  /** Point at the key itself rather than its value (unknown keys). */
  readonly atKey?: boolean;
  readonly message: string;
  readonly hint?: string;
}

type AnySchema = z.core.$ZodType;

interface DefLike {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  in?: AnySchema;
}

const defOf = (s: AnySchema): DefLike => (s as unknown as { _zod: { def: DefLike } })._zod.def;

/** The object keys a strict object at `path` accepts (discriminated unions resolved from `raw`). */
export function validKeysAt(schema: AnySchema, raw: unknown, path: readonly PropertyKey[]): string[] {
  let s: AnySchema | undefined = schema;
  let value: unknown = raw;
  let i = 0;
  while (s !== undefined) {
    const def = defOf(s);
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
      s = def.innerType;
      continue;
    }
    if (def.type === 'pipe') {
      s = def.in;
      continue;
    }
    if (def.type === 'union') {
      const disc = def.discriminator;
      const tag = disc !== undefined && isRecord(value) ? value[disc] : undefined;
      s =
        def.options?.find((o) => {
          const shape = objectShape(o);
          const lit = shape?.[disc ?? ''];
          return lit !== undefined && (defOf(lit) as unknown as { values?: unknown[] }).values?.includes(tag);
        }) ?? def.options?.[0];
      continue;
    }
    if (i === path.length) return Object.keys(objectShape(s) ?? {});
    const seg = path[i++]!;
    if (def.type === 'object') {
      s = def.shape?.[String(seg)];
      value = isRecord(value) ? value[String(seg)] : undefined;
      continue;
    }
    if (def.type === 'array') {
      s = def.element;
      value = Array.isArray(value) ? value[Number(seg)] : undefined;
      continue;
    }
    return [];
  }
  return [];
}

function objectShape(s: AnySchema): Record<string, AnySchema> | undefined {
  const def = defOf(s);
  return def.type === 'object' ? def.shape : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unitOf(key: string): string {
  if (key.endsWith('_per_s')) return ' per second';
  if (key.endsWith('_tok_s')) return ' of tokens/s';
  if (key.endsWith('_gb_s')) return ' of GB/s';
  if (key.endsWith('_ms')) return ' of milliseconds';
  if (key.endsWith('_s')) return ' of seconds';
  if (key.endsWith('_mbps')) return ' of Mbit/s';
  return '';
}

/** A string as echoed in a message: long ones cut, so a 3 MB value never fills the terminal. */
export function clip(v: string, max = 80): string {
  return v.length <= max ? v : `${v.slice(0, max)}… (${v.length} chars)`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return `"${clip(v)}"`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${clip(v)}"`;
  return `${typeof v} ${String(v)}`;
}

/** What an enum at this path lists, for the message ("unknown device type"). */
function enumNoun(path: readonly PropertyKey[]): string {
  const key = String(path[path.length - 1]);
  const parent = String(path[0]);
  if (parent === 'devices' && key === 'type') return 'device type';
  if (parent === 'links' && key === 'type') return 'link type';
  if (key === 'model') return 'model';
  if (parent === 'policy' && key === 'name') return 'policy';
  return `value for ${key}`;
}

export function fromZodIssue(issue: z.core.$ZodIssue, schema: AnySchema, raw: unknown): Located[] {
  const path = issue.path;
  const key = String(path[path.length - 1] ?? '');
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const valid = validKeysAt(schema, raw, path);
      return issue.keys.map((k) => {
        const hint = didYouMean(k, valid);
        return {
          path: [...path, k],
          atKey: true,
          message: `unknown key "${clip(k)}"`,
          ...(hint !== undefined ? { hint } : {}),
        };
      });
    }
    case 'invalid_type': {
      if (input === undefined) return [{ path: path.slice(0, -1), message: `missing required key "${key}"` }];
      const expected =
        issue.expected === 'int'
          ? 'an integer'
          : issue.expected === 'array'
            ? 'a list'
            : issue.expected === 'object'
              ? 'a mapping'
              : `a ${issue.expected}`;
      return [{ path, message: `expected ${expected}${unitOf(key)}, got ${typeName(input)}` }];
    }
    case 'too_small': {
      if (issue.origin === 'array')
        return [{ path, message: `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}` }];
      if (issue.origin === 'string') return [{ path, message: 'must not be empty' }];
      const bound = Number(issue.minimum);
      const what =
        bound === 0 && !issue.inclusive
          ? 'a positive number'
          : bound === 0
            ? 'a non-negative number'
            : `a number ${issue.inclusive ? '≥' : '>'} ${bound}`;
      return [{ path, message: `expected ${what}${unitOf(key)}, got ${show(input)}` }];
    }
    case 'too_big':
      return [
        {
          path,
          message: `expected a number ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}${unitOf(key)}, got ${show(input)}`,
        },
      ];
    case 'invalid_value': {
      const values = issue.values.map(String);
      const hint = didYouMean(clip(String(input)), values);
      return [{ path, message: `unknown ${enumNoun(path)} ${show(input)}`, ...(hint !== undefined ? { hint } : {}) }];
    }
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string }).discriminator;
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      if (disc !== undefined) {
        const tag = isRecord(input) ? input[disc] : undefined;
        const at = path[path.length - 1] === disc ? path : [...path, disc];
        if (tag === undefined)
          return [
            { path: at.slice(0, -1), message: `missing required key "${disc}"`, hint: `one of: ${options.join(', ')}` },
          ];
        const hint = didYouMean(String(tag), options);
        return [{ path: at, message: `unknown ${disc} ${show(tag)}`, ...(hint !== undefined ? { hint } : {}) }];
      }
      return [{ path, message: 'does not match any allowed form' }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}
