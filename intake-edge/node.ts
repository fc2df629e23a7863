import { serve } from '@hono/node-server';
import { createLocalBlobStore } from '../core/blobs/local.node.ts';
import { composeIntake } from './compose.ts';

// Intake on Node: `PINGGAI_DATABASE_URL=… PINGGAI_PII_KEYS=… PINGGAI_INTAKE_CONFIG=… tsx intake-edge/node.ts`
const env = process.env;
const intake = composeIntake(env, { blobs: createLocalBlobStore({ root: env['PINGGAI_BLOB_DIR'] ?? './data/blobs' }) });
if (env['PINGGAI_INTAKE_BACKGROUND'] !== '0') intake.startBackground();
const server = serve({ fetch: intake.app.fetch, port: intake.port }, (info) => console.log(`intake listening on http://localhost:${info.port}`));

const shutdown = () => {
  server.close();
  void intake.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
