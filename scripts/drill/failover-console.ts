// The two-region drill's drFailover, run in a process of its own (./failover-process.ts) as its Lambda runs in a
// container of its own: its steps' deadlines (the pool's 3 s connect, the SDK's 1 s connect and 2 s answer, drDrill's
// step budgets) then run on an event loop of their own. Run beside the load, in the drill's one process, a callback
// due in time waited behind every intake in flight, and a deadline fired before it: a shorter deadline than Lambda's.
import { fork, type ChildProcess } from 'node:child_process';
import type { FailoverResult } from '#functions/disaster-recovery/dr-failover.js';
import type { OperationReport } from '#functions/disaster-recovery/dr-operation.js';

export interface FailoverSetup {
  /** The settings eu-west-1's functions run with (the drill's shared settings, its region and database). */
  env: Record<string, string>;
  /** The two servers, for the local control plane (promotion is pg_ctl promote on eu-west-1's data directory). */
  servers: Record<'primary' | 'standby', { name: string; serverUrl: string; dataDir: string }>;
  activeRegionCacheMs: number;
  verify: boolean;
}

export type FailoverReport = OperationReport<Record<string, unknown>, FailoverResult>;

/** What the process says, in order: ready (composed), planned (the dry run), done (the failover), or failed. */
export type FailoverMessage =
  | { kind: 'ready' }
  | { kind: 'planned'; plan: FailoverReport }
  | { kind: 'done'; failover: FailoverReport; journalRestored: number }
  | { kind: 'failed'; error: string };

export interface FailoverConsole {
  /** The dry run, then drFailover for real, as the on-call engineer runs them; onPlanned hears the dry run's outcome. */
  run(onPlanned: (plan: FailoverReport) => void): Promise<{ failover: FailoverReport; journalRestored: number }>;
  stop(): void;
}

/** Starts the process and waits until it has composed drFailover's container (and drDrill's), before any load. */
export async function startFailoverConsole(setup: FailoverSetup): Promise<FailoverConsole> {
  const child: ChildProcess = fork(new URL('./failover-process.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TYREHERO_DRILL_FAILOVER: JSON.stringify(setup) },
  });
  // Messages queue until asked for: the dry run's and the failover's can arrive in one read of the channel.
  const inbox: FailoverMessage[] = [];
  const waiting: Array<(message: FailoverMessage) => void> = [];
  child.on('message', (message) => {
    const take = waiting.shift();
    if (take) take(message as FailoverMessage);
    else inbox.push(message as FailoverMessage);
  });
  child.once('exit', (code) => {
    for (const take of waiting.splice(0)) take({ kind: 'failed', error: `the process exited (${code})` });
  });
  const next = () =>
    new Promise<FailoverMessage>((resolve) => {
      const queued = inbox.shift();
      if (queued) resolve(queued);
      else if (child.exitCode !== null || child.signalCode !== null)
        resolve({ kind: 'failed', error: `the process exited (${child.exitCode ?? child.signalCode})` });
      else waiting.push(resolve);
    });
  const expect = async <K extends FailoverMessage['kind']>(kind: K) => {
    const message = await next();
    if (message.kind === 'failed') throw new Error(`drFailover process: ${message.error}`);
    if (message.kind !== kind) throw new Error(`drFailover process said ${message.kind}, expected ${kind}`);
    return message as Extract<FailoverMessage, { kind: K }>;
  };
  try {
    await expect('ready');
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    async run(onPlanned) {
      child.send({ kind: 'run' });
      onPlanned((await expect('planned')).plan);
      const { failover, journalRestored } = await expect('done');
      return { failover, journalRestored };
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
