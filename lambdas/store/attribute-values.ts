import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A record made only of what `toAttributeMap` encodes: the activity table's metadata items. */
type FlatValue = string | number | boolean | undefined | readonly FlatValue[] | { readonly [key: string]: FlatValue };

/**
 * A metadata record as DynamoDB attribute values, undefined fields left out — what the document client's
 * `marshall` with `removeUndefinedValues` makes of it, for the few value types such a record holds. The router
 * writes one per request, and the document client's generic marshalling (it walks every value for sets,
 * binaries, class instances and big numbers) was most of the SDK's CPU per item.
 */
export function toAttributeMap(record: { readonly [key: string]: FlatValue }): Record<string, AttributeValue> {
  const map: Record<string, AttributeValue> = {};
  for (const key in record) {
    const value = record[key];
    if (value !== undefined) map[key] = toAttributeValue(value);
  }
  return map;
}

function toAttributeValue(value: Exclude<FlatValue, undefined>): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no DynamoDB number`);
      return { N: String(value) };
    default:
      if (isList(value)) return { L: value.filter((v) => v !== undefined).map(toAttributeValue) };
      if (value === null || Object.getPrototypeOf(value) !== Object.prototype) throw new TypeError('only plain objects are encoded');
      return { M: toAttributeMap(value) };
  }
}

function isList(value: object): value is readonly FlatValue[] {
  return Array.isArray(value);
}

/** An attribute value as a stream record carries it (Lambda's event and the Streams API use the same JSON). */
export interface StreamAttributeValue {
  S?: string;
  N?: string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: StreamAttributeValue[];
  M?: { [key: string]: StreamAttributeValue };
}

/**
 * The inverse of `toAttributeMap` for the value types metadata items hold (strings, numbers, booleans, lists,
 * maps); other types (sets, binaries) decode to undefined, which the readers' schemas then refuse.
 */
export function fromAttributeMap(map: { readonly [key: string]: StreamAttributeValue }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in map) {
    const value = map[key];
    if (value !== undefined) out[key] = fromAttributeValue(value);
  }
  return out;
}

function fromAttributeValue(value: StreamAttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromAttributeMap(value.M);
  return undefined;
}
