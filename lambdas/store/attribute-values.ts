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
