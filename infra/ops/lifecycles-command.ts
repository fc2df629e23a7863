/**
 * The `--lifecycles [--repair]` part of `npm run ops` (infra/cli/ops.ts parses the arguments and opens
 * the database; this connects to Temporal the way the deployables do and prints the outcome).
 *   TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE (default), PINGGAI_TASK_QUEUE (warning-lifecycle)
 * Exit code 0: every open warning has a running workflow, or all were started again; 1: some have none
 * (or Temporal could not be reached); 2: bad input.
 */
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { EventStore } from '../../core/eventstore/types.ts';
import { defaultWarningTaskQueue } from '../../workflows/worker.ts';
import { CliInputError } from '../cli/database.ts';
import { checkLifecycles, formatLifecycles, lifecyclesExitCode } from './lifecycles.ts';

/** What is wrong with the arguments of an `npm run ops` that mentions lifecycles, or null. */
export const lifecyclesUsageProblem = (values: {
  readonly lifecycles?: boolean;
  readonly repair?: boolean;
  readonly 'retry-webhooks'?: boolean;
  readonly endpoint?: string;
}): string | null => {
  if (values.repair && !values.lifecycles) return '--repair goes with --lifecycles';
  if (values.lifecycles && (values['retry-webhooks'] || values.endpoint !== undefined)) return '--lifecycles and --retry-webhooks are separate runs';
  return null;
};

const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));
const TemporalEnv = v.object({
  TEMPORAL_ADDRESS: v.optional(v.pipe(v.string(), v.regex(/^[^\s/]+:\d{1,5}$/, 'TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233')), '127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: v.optional(nonEmpty, 'default'),
  PINGGAI_TASK_QUEUE: v.optional(nonEmpty, defaultWarningTaskQueue),
});

/** Where the warning workflows run, as the worker and the forwarder read it; CliInputError names a bad variable. */
export const temporalOfEnv = (env: Readonly<Record<string, string | undefined>>) => {
  const set = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in TemporalEnv.entries && value !== undefined && value !== ''));
  const parsed = v.safeParse(TemporalEnv, set);
  if (!parsed.success) throw new CliInputError(parsed.issues[0].message);
  return { address: parsed.output.TEMPORAL_ADDRESS, namespace: parsed.output.TEMPORAL_NAMESPACE, taskQueue: parsed.output.PINGGAI_TASK_QUEUE };
};

/** Runs the check (and the repair); returns the exit code. */
export const runLifecyclesCommand = async (deps: {
  readonly db: Kysely<unknown>;
  readonly store: EventStore;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly repair: boolean;
  readonly json: boolean;
  readonly now: Date;
  /** Progress and report lines (the CLI prefixes `[ops] ` and hides them with --json). */
  readonly log: (line: string) => void;
  /** Standard error: bad variables, Temporal out of reach (shown with --json too). */
  readonly warn: (line: string) => void;
  /** Standard output, for --json. */
  readonly write: (text: string) => void;
}): Promise<0 | 1 | 2> => {
  let temporal;
  try {
    temporal = temporalOfEnv(deps.env);
  } catch (error) {
    if (!(error instanceof CliInputError)) throw error;
    deps.warn(`ops: ${error.message}`);
    return 2;
  }
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: temporal.address, connectTimeout: '10s' });
  } catch (error) {
    deps.warn(`ops: 无法连接 Temporal cannot reach Temporal at ${temporal.address}: ${String(error)}`);
    return 1;
  }
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    deps.log(`Temporal ${temporal.address} · namespace ${temporal.namespace}${deps.repair ? ' · 修复 repair' : ''}`);
    const report = await checkLifecycles({ db: deps.db, store: deps.store, client, taskQueue: temporal.taskQueue, repair: deps.repair, now: deps.now, log: deps.log });
    if (deps.json) deps.write(`${JSON.stringify(report, null, 2)}\n`);
    else formatLifecycles(report).forEach((line) => deps.log(line));
    return lifecyclesExitCode(report);
  } finally {
    await connection.close();
  }
};
