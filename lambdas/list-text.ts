import { z } from 'zod';

/**
 * A list setting as operators write it: a JSON array (cdk.json), or comma-separated text as `cdk deploy -c` and
 * environment variables pass it. `schema` checks the resulting array.
 */
export function listText<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value.split(',').filter((item) => item.trim() !== '');
    }
  }, schema);
}
