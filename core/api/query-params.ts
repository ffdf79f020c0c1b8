// Query parameters as the route table declares them: the same specs validate every request and
// become the OpenAPI document's parameters, so what is documented is what is checked. A parameter
// that is not declared, given twice, or out of range is a 400 that names it and says what fits.
import { badRequest } from './api-error.ts';

export type ParamValue = string | number | boolean;

export interface ParamSpec {
  name: string;
  description: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  maxLength?: number;
  /** `date-time`: ISO-8601 date or date-time, answered as a UTC instant. */
  format?: 'date-time';
  default?: ParamValue;
  required?: boolean;
}

export type ParsedParams = Record<string, ParamValue | undefined>;

/** Reads an ISO-8601 date (`2026-12-01`) or date-time as a UTC instant; undefined when it is not one. */
export function isoInstant(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function parseOne(spec: ParamSpec, raw: string): ParamValue {
  const fail = (what: string): never => {
    throw badRequest(`parameter ${spec.name}: ${what}`);
  };
  switch (spec.type) {
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail(`'${raw}' is not true or false`);
    case 'integer':
    case 'number': {
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value) || (spec.type === 'integer' && !Number.isInteger(value))) return fail(`'${raw}' is not ${spec.type === 'integer' ? 'a whole number' : 'a number'}`);
      if (spec.minimum !== undefined && value < spec.minimum) return fail(`${value} is below the minimum ${spec.minimum}`);
      if (spec.maximum !== undefined && value > spec.maximum) return fail(`${value} is above the maximum ${spec.maximum}`);
      return value;
    }
    case 'string': {
      if (spec.maxLength !== undefined && raw.length > spec.maxLength) return fail(`longer than ${spec.maxLength} characters`);
      if (spec.enum && !spec.enum.includes(raw)) return fail(`'${raw.slice(0, 40)}' is not one of ${spec.enum.join(', ')}`);
      if (spec.pattern && !new RegExp(spec.pattern).test(raw)) return fail(`'${raw.slice(0, 40)}' does not match ${spec.pattern}`);
      if (spec.format === 'date-time') return isoInstant(raw) ?? fail(`'${raw.slice(0, 40)}' is not an ISO-8601 date or date-time (e.g. 2026-12-01 or 2026-12-01T09:00:00Z)`);
      return raw;
    }
  }
}

export function parseQuery(query: URLSearchParams, specs: readonly ParamSpec[]): ParsedParams {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  for (const name of new Set(query.keys())) {
    if (!byName.has(name)) throw badRequest(`unknown parameter ${name.slice(0, 40)}; this endpoint takes ${specs.length > 0 ? specs.map((spec) => spec.name).join(', ') : 'no parameters'}`);
    if (query.getAll(name).length > 1) throw badRequest(`parameter ${name} is given more than once`);
  }
  const parsed: ParsedParams = {};
  for (const spec of specs) {
    const raw = query.get(spec.name);
    if (raw === null) {
      if (spec.required) throw badRequest(`parameter ${spec.name} is required: ${spec.description}`);
      parsed[spec.name] = spec.default;
    } else {
      parsed[spec.name] = parseOne(spec, raw);
    }
  }
  return parsed;
}
