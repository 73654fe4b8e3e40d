// Worker threads do not inherit tsx's loader on Node 20, so each registers it before loading its TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./thread-entry.ts');
