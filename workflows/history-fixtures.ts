/**
 * Finished test histories kept as replay fixtures (workflows/fixtures/*.json). They are written with
 * the generated proto's own toObject/fromObject: the SDK's historyToJSON/historyFromJSON fail in this
 * install because @temporalio/common and @temporalio/proto each carry their own protobufjs copy.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const HistoryType = temporal.api.history.v1.History;

export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export const saveHistoryFixture = (name: string, history: History): void => {
  mkdirSync(fixturesDir, { recursive: true });
  const plain = HistoryType.toObject(HistoryType.fromObject(history), { longs: String, enums: String, bytes: String });
  writeFileSync(path.join(fixturesDir, `${name}.json`), `${JSON.stringify(plain, null, 1)}\n`);
};

export const loadHistoryFixtures = (): { workflowId: string; history: temporal.api.history.v1.History; eventCount: number }[] =>
  readdirSync(fixturesDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = HistoryType.fromObject(JSON.parse(readFileSync(path.join(fixturesDir, file), 'utf8')));
      return { workflowId: file.replace(/\.json$/, ''), history, eventCount: history.events.length };
    });
