import { logger } from '../http/logger.js';
import type { RuntimeConfig } from '../runtime-config.js';
import { authEventKind, type AuthEvent, type AuthEventSource } from '../security/auth-events.js';
import { cognitoConnector } from './cognito-user-directory.js';

/** Cognito's largest page of AdminListUserAuthEvents. */
const PAGE_SIZE = 60;

/** The user pool's per-user auth events (AdminListUserAuthEvents), newest first, read page by page until `from`. */
export function createCognitoAuthEvents(config: Pick<RuntimeConfig, 'region' | 'cognito'>): AuthEventSource {
  const connect = cognitoConnector(config);
  return {
    async list(username, { from, to }, max) {
      const userPoolId = config.cognito.userPoolId;
      if (!userPoolId) return [];
      const { sdk, client } = await connect();
      const events: AuthEvent[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await client.send(
            new sdk.AdminListUserAuthEventsCommand({ UserPoolId: userPoolId, Username: username, MaxResults: PAGE_SIZE, NextToken: token }),
          );
          for (const e of out.AuthEvents ?? []) {
            const time = e.CreationDate?.getTime();
            if (time === undefined || time > to) continue;
            if (time < from) return events;
            events.push(toAuthEvent(e, time));
            if (events.length >= max) return events;
          }
          token = out.NextToken;
        } while (token);
        return events;
      } catch (err) {
        // Without the Plus plan's history (or locally, where cognito-local keeps none) the listing shows RouKey's own.
        logger.warn('Cognito auth events not read', { errorName: (err as Error | null)?.name ?? 'unknown' });
        return events;
      }
    },
  };
}

type CognitoAuthEvent = NonNullable<import('@aws-sdk/client-cognito-identity-provider').AdminListUserAuthEventsResponse['AuthEvents']>[number];

function toAuthEvent(e: CognitoAuthEvent, time: number): AuthEvent {
  const context = e.EventContextData;
  const risk = e.EventRisk;
  return {
    time: new Date(time).toISOString(),
    kind: authEventKind(e.EventType, e.EventResponse),
    ...(e.EventType ? { code: e.EventType } : {}),
    ...(context?.IpAddress ? { sourceIp: context.IpAddress } : {}),
    ...(context?.DeviceName ? { device: context.DeviceName } : {}),
    ...(context?.City ? { city: context.City } : {}),
    ...(context?.Country ? { country: context.Country } : {}),
    ...(risk
      ? {
          risk: {
            ...(risk.RiskLevel ? { level: risk.RiskLevel } : {}),
            ...(risk.RiskDecision ? { decision: risk.RiskDecision } : {}),
            ...(risk.CompromisedCredentialsDetected === undefined ? {} : { compromisedCredentials: risk.CompromisedCredentialsDetected }),
          },
        }
      : {}),
  };
}
