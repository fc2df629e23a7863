/**
 * One writer per projector group: the process that holds the group's Postgres advisory lock runs it;
 * a second replica (a rolling update, a scaled Deployment) waits as a hot standby and takes over the
 * moment the holder's session ends. The lock lives on its own connection: if that connection is lost,
 * so is the lock, and the process must stop writing at once (`onLost`; the deployable exits and its
 * supervisor restarts it as a standby).
 */
import pg from 'pg';

export interface Leadership {
  /** Resolves once this process holds the lock. */
  readonly acquired: Promise<void>;
  isLeader(): boolean;
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const holdLeadership = (options: {
  readonly connectionString: string;
  /** e.g. `pinggai:projector:ratings`; hashed to the lock's 64-bit key by Postgres. */
  readonly key: string;
  readonly log: (line: string) => void;
  readonly onLost: (error: unknown) => void;
  readonly retryMs?: number;
}): Leadership => {
  const client = new pg.Client({ connectionString: options.connectionString, application_name: options.key });
  let leader = false;
  let released = false;
  client.on('error', (error) => {
    if (released) return;
    leader = false;
    options.onLost(error);
  });
  const acquired = (async () => {
    await client.connect();
    let said = false;
    while (!released) {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [options.key]);
      if (rows[0]?.locked) {
        leader = true;
        options.log(`${options.key}: this process holds the lock and runs the group`);
        return;
      }
      if (!said) options.log(`${options.key}: another process runs the group; waiting as a standby`);
      said = true;
      await sleep(options.retryMs ?? 2_000);
    }
  })();
  return {
    acquired,
    isLeader: () => leader,
    async release() {
      released = true;
      leader = false;
      await acquired.catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
};
