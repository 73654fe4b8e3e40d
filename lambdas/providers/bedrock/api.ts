import type { UpstreamCredentials } from '../types.js';

/**
 * Converse's REST address (`POST /model/{modelId}/converse[-stream]` on the regional runtime endpoint). The
 * request is described in this form, and send.ts reads region, model and mode back from it when the SDK signs it.
 */
export function converseUrl(credentials: UpstreamCredentials, model: string, stream: boolean): string {
  // Keys are created with a region; the deployment's own region stands in should a record lack one.
  const region = credentials.region ?? process.env.AWS_REGION ?? 'us-east-1';
  return `https://bedrock-runtime.${region}.amazonaws.com/model/${encodeURIComponent(model)}/${stream ? 'converse-stream' : 'converse'}`;
}

export interface ConverseTarget {
  readonly region: string;
  readonly modelId: string;
  readonly stream: boolean;
}

export function parseConverseUrl(url: string): ConverseTarget {
  const { hostname, pathname } = new URL(url);
  const region = /^bedrock-runtime\.([a-z0-9-]+)\.amazonaws\.com$/.exec(hostname)?.[1];
  const path = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(pathname);
  if (!region || !path) throw new Error('not a Converse URL');
  return { region, modelId: decodeURIComponent(path[1] ?? ''), stream: path[2] === 'converse-stream' };
}

/**
 * Models whose extended thinking Bedrock documents as `additionalModelRequestFields.thinking` (Anthropic's Claude,
 * also through cross-region inference profiles such as `us.anthropic.claude-…`). Judged by id: the request is all
 * the adapter knows of the model.
 */
export function isClaudeModel(model: string): boolean {
  return /(^|[.:/])anthropic\.claude-/.test(model);
}
