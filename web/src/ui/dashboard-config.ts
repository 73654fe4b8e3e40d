import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { DashboardConfig } from '../runtime-config.js';

/** `/config.json` as the app loaded it, for the few pages that need more than the API's address. */
export const DashboardConfigContext = createContext<DashboardConfig | null>(null);

export function useDashboardConfig(): DashboardConfig | null {
  return useContext(DashboardConfigContext);
}
