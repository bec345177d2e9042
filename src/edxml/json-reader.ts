import type { Finding } from '../core/index.ts';
import { compact } from './read-common.ts';

export type JsonObject = Record<string, unknown>;

/** Reads untrusted JSON field by field, reporting every shape problem as EDXML_BAD_MODEL. */
export class JsonReader {
  readonly findings: Finding[] = [];

  bad(path: string, message: string): undefined {
    this.findings.push({ code: 'EDXML_BAD_MODEL', severity: 'error', path, message });
    return undefined;
  }

  /** An object with only the listed fields. */
  object(v: unknown, path: string, keys: readonly string[]): JsonObject | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return this.bad(path, 'an object is expected');
    for (const key of Object.keys(v)) if (!keys.includes(key)) this.bad(`${path}.${key}`, 'unknown field');
    return v as JsonObject;
  }

  str(o: JsonObject, key: string, path: string, required = false): string | undefined {
    const v = o[key];
    if (v === undefined) return required ? this.bad(`${path}.${key}`, 'a string is required') : undefined;
    return typeof v === 'string' ? v : this.bad(`${path}.${key}`, 'a string is expected');
  }

  /** An object whose fields are all strings (`required` ones must be present); undefined when absent. */
  strings<T extends object>(
    v: unknown,
    path: string,
    keys: readonly string[],
    required: readonly string[] = [],
  ): T | undefined {
    if (v === undefined && required.length === 0) return undefined;
    const o = this.object(v, path, keys);
    if (!o) return undefined;
    const out: JsonObject = {};
    for (const key of keys) out[key] = this.str(o, key, path, required.includes(key));
    return compact(out) as T;
  }

  list<T>(
    o: JsonObject,
    key: string,
    path: string,
    item: (v: unknown, path: string) => T | undefined,
  ): T[] | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.bad(`${path}.${key}`, 'an array is expected');
    return v.map((x, i) => item(x, `${path}.${key}[${i}]`)).filter((x): x is T => x !== undefined);
  }

  texts(o: JsonObject, key: string, path: string): string[] | undefined {
    return this.list(o, key, path, (v, p) =>
      typeof v === 'string' ? v : this.bad(p, 'a string is expected'),
    );
  }

  int<T extends number>(o: JsonObject, key: string, path: string, max: number): T | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max) return v as T;
    return this.bad(`${path}.${key}`, `an integer 0–${max} is expected`);
  }
}
