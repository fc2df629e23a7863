import { createLocalBlobStore } from '../core/blobs/local.node.ts';
import { composeIntake } from './compose.ts';

// Intake on Deno: `deno task intake` (deno.json), same app and composition as node.ts.
declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(options: { port: number; onListen?: (addr: { port: number }) => void }, handler: (request: Request) => Response | Promise<Response>): { shutdown(): Promise<void> };
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
};

const env = Deno.env.toObject();
const intake = composeIntake(env, { blobs: createLocalBlobStore({ root: env['PINGGAI_BLOB_DIR'] ?? './data/blobs' }) });
if (env['PINGGAI_INTAKE_BACKGROUND'] !== '0') intake.startBackground();
const server = Deno.serve({ port: intake.port, onListen: ({ port }) => console.log(`intake listening on http://localhost:${port} (Deno)`) }, intake.app.fetch);

const shutdown = () => {
  void server.shutdown().then(() => intake.close()).then(() => Deno.exit(0));
};
Deno.addSignalListener('SIGINT', shutdown);
Deno.addSignalListener('SIGTERM', shutdown);
