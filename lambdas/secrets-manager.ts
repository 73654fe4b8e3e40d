/** GetSecretValue, with the SDK loaded on first use (locally secrets are plain values and it never loads). */
export function secretsManagerReader(region: string): (secretId: string) => Promise<string> {
  let client: Promise<{ send: (secretId: string) => Promise<string | undefined> }> | undefined;
  return async (secretId) => {
    client ??= import('@aws-sdk/client-secrets-manager').then(({ SecretsManagerClient, GetSecretValueCommand }) => {
      const sdk = new SecretsManagerClient({ region });
      return { send: async (id: string) => (await sdk.send(new GetSecretValueCommand({ SecretId: id }))).SecretString };
    });
    const value = await (await client).send(secretId);
    if (!value) throw new Error('The secret has no string value');
    return value;
  };
}
