import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { TABLES, type TableName } from '../../lambdas/store/tables.js';

const tableShape = Object.fromEntries(Object.keys(TABLES).map((t) => [t, z.string().min(1)])) as Record<TableName, z.ZodString>;

/** `<dataDir>/local.json`: how to reach the local stack (read by tests, the bench and the dashboard). */
export const localConfigSchema = z.object({
  gatewayUrl: z.url(),
  region: z.string().min(1),
  userPoolId: z.string().min(1),
  userPoolClientId: z.string().min(1),
  cognitoEndpoint: z.url(),
  dynamodbEndpoint: z.url(),
  /** The local S3-protocol server (path-style, credentials S3RVER/S3RVER). */
  s3Endpoint: z.url().optional(),
  tables: z.object(tableShape),
  devUser: z.object({ email: z.email(), password: z.string().min(8) }),
  /** The local GitHub OIDC provider and its one client's credentials, when GitHub sign-in is configured. */
  githubOidc: z.object({ issuer: z.url(), clientId: z.string().min(1), clientSecret: z.string().min(16) }).optional(),
});

export type LocalConfig = z.infer<typeof localConfigSchema>;

export function localConfigPath(dataDir: string): string {
  return join(dataDir, 'local.json');
}

/** The config a previous start wrote, or undefined when there is none (or it no longer parses). */
export async function readLocalConfig(dataDir: string): Promise<LocalConfig | undefined> {
  try {
    return localConfigSchema.parse(JSON.parse(await readFile(localConfigPath(dataDir), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Written atomically and readable by the owner only: it holds the dev user's password. */
export async function writeLocalConfig(dataDir: string, config: LocalConfig): Promise<void> {
  const file = localConfigPath(dataDir);
  await writeFile(`${file}.tmp`, `${JSON.stringify(localConfigSchema.parse(config), null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}
