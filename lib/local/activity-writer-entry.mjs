// The writer thread's entry (activity-writer-thread.ts). The local runtime runs from TypeScript source, and a
// worker does not inherit the tsx loader of the thread that starts it, in plain Node or under jest: so it
// registers tsx here, then loads the worker's TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./activity-writer-worker.ts');
