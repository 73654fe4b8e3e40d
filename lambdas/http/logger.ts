import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs of metadata only (route, status, latency, error names): never a body, key or token. */
export function serviceLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

export const logger = serviceLogger('roukey-management');
