import { Logger } from '@aws-lambda-powertools/logger';

/** Structured logs of metadata only (route, status, latency): never a request body, key or token. */
export const logger = new Logger({ serviceName: 'roukey-management' });
