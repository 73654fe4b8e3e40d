import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RESPONSE_STATE_PURPOSE, STATE_KEY_CONTEXT_KEYS } from '../lambdas/crypto/account-state-keys.js';
import { ENCRYPTION_CONTEXT_KEYS, ENDPOINT_CONTEXT_KEY, PROVIDER_KEY_PURPOSE } from '../lambdas/crypto/encryption-context.js';
import type { RouKeyFunction } from './function.js';

/**
 * Only provider-key ciphertexts may be produced or opened: the purpose must be RouKey's, and the context may carry
 * no keys beyond the known ones (so a caller cannot smuggle in a context of its own choosing).
 */
export const PROVIDER_KEY_CONDITIONS = {
  StringEquals: { 'kms:EncryptionContext:purpose': PROVIDER_KEY_PURPOSE },
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...ENCRYPTION_CONTEXT_KEYS] },
} as const;

/** New ciphertexts must bind the endpoint the key may be sent to (lambdas/keys/provider-key-context.ts). */
export const WRAP_CONDITIONS = {
  ...PROVIDER_KEY_CONDITIONS,
  Null: { [`kms:EncryptionContext:${ENDPOINT_CONTEXT_KEY}`]: 'false' },
} as const;

/** Accounts' state keys (the Responses API's sealed ids): their own purpose, and only the account in the context. */
export const STATE_KEY_CONDITIONS = {
  StringEquals: { 'kms:EncryptionContext:purpose': RESPONSE_STATE_PURPOSE },
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...STATE_KEY_CONTEXT_KEYS] },
  Null: { 'kms:EncryptionContext:accountId': 'false' },
} as const;

/**
 * The customer-managed key that wraps provider-key data keys (P2), and accounts' state keys under a purpose of their
 * own; separate from the table key.
 */
export class ProviderKeyKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'RouKey provider-key envelope encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Lets `fn` create data keys for new provider keys (and sets KMS_KEY_ID). */
  grantWrap(fn: RouKeyFunction): void {
    this.grant(fn, 'kms:GenerateDataKey', WRAP_CONDITIONS);
  }

  /** Lets `fn` open provider-key ciphertexts (and sets KMS_KEY_ID). */
  grantUnwrap(fn: RouKeyFunction): void {
    this.grant(fn, 'kms:Decrypt', PROVIDER_KEY_CONDITIONS);
  }

  /** Lets `fn` make and open accounts' state keys, and nothing else (sets KMS_KEY_ID). */
  grantStateKeys(fn: RouKeyFunction): void {
    this.grant(fn, ['kms:GenerateDataKey', 'kms:Decrypt'], STATE_KEY_CONDITIONS);
  }

  private grant(fn: RouKeyFunction, action: string | string[], conditions: Record<string, unknown>): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: [action].flat(), resources: [this.key.keyArn], conditions }));
    fn.addEnvironment('KMS_KEY_ID', this.key.keyArn);
  }
}
