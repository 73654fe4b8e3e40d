import { KMSClient } from '@aws-sdk/client-kms';
import { oauthAppSecretSchema } from '../auth/oauth-app-secret.js';
import { createKmsTokenSigningKey } from '../crypto/kms-token-signing-key.js';
import { createLocalTokenSigningKey } from '../crypto/local-token-signing-key.js';
import type { TokenSigningKey } from '../crypto/token-signing-key.js';
import { runtimeConfig } from '../runtime-config.js';
import { secretsManagerReader } from '../secrets-manager.js';
import { createDocumentClient } from '../store/dynamo.js';
import { createOneTimeItems } from '../store/limits-oidc.js';
import { createGitHubApi } from './github-api.js';
import { createGitHubOidcProvider, type GitHubOidcProvider, type ProviderSecrets } from './github-oidc-provider.js';
import { loadProviderConfig, type ProviderConfig } from './provider-config.js';

let provider: GitHubOidcProvider | undefined;

/** The provider of this container, wired on first use from the environment (the composition root). */
export function githubOidcProvider(): GitHubOidcProvider {
  if (provider) return provider;
  const config = loadProviderConfig();
  const runtime = runtimeConfig();
  provider = createGitHubOidcProvider({
    settings: { issuer: config.issuer, clientId: config.clientId, redirectUris: config.redirectUris, allowedOrgs: config.allowedOrgs },
    secrets: providerSecrets(config, runtime.region),
    github: createGitHubApi(config.github),
    items: createOneTimeItems(createDocumentClient(runtime), runtime.tables.limits),
    key: signingKey(config, runtime.region),
  });
  return provider;
}

function signingKey(config: ProviderConfig, region: string): TokenSigningKey {
  return config.signingKey.kind === 'kms'
    ? createKmsTokenSigningKey(new KMSClient({ region }), config.signingKey.keyId)
    : createLocalTokenSigningKey(config.signingKey.file);
}

/** Both secrets, read once per container (a failed read is retried on the next request). */
function providerSecrets(config: ProviderConfig, region: string): () => Promise<ProviderSecrets> {
  const read = secretsManagerReader(region);
  const load = async (): Promise<ProviderSecrets> => {
    const { clientSecret, githubApp } = config;
    const app = githubApp.kind === 'value' ? githubApp : oauthAppSecretSchema.parse(JSON.parse(await read(githubApp.secretId)));
    return {
      clientSecret: clientSecret.kind === 'value' ? clientSecret.value : await read(clientSecret.secretId),
      github: { clientId: app.clientId, clientSecret: app.clientSecret },
    };
  };
  let loaded: Promise<ProviderSecrets> | undefined;
  return () => {
    loaded ??= load();
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
}
