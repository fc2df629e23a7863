import * as v from 'valibot';
import { createS3BlobStore } from '../../core/blobs/s3.ts';
import { composeIntake } from '../../intake-edge/compose.ts';

// Intake on Deno Deploy (or any isolate edge): the same app as intake-edge/deno.ts, with photos in an
// S3-compatible store (isolates have no writable disk) and no background loops (isolates are started and
// stopped per request load): the invitation reactor runs in the Node intake pods (infra/k8s/intake.yaml).
// Deploy with deployctl and infra/edge/deno-deploy.json; every variable is checked before serving.
declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(handler: (request: Request) => Response | Promise<Response>): unknown;
};

const text = v.pipe(v.string(), v.trim(), v.minLength(1));
const edgeEnv = v.object({
  PINGGAI_DATABASE_URL: v.pipe(text, v.regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')),
  PINGGAI_INTAKE_CONFIG: text,
  PINGGAI_BLOB_ENDPOINT: v.pipe(text, v.url()),
  PINGGAI_BLOB_BUCKET: text,
  PINGGAI_BLOB_REGION: text,
  PINGGAI_BLOB_ACCESS_KEY_ID: text,
  PINGGAI_BLOB_SECRET_ACCESS_KEY: text,
});

const raw = Deno.env.toObject();
const parsed = v.safeParse(edgeEnv, raw);
if (!parsed.success) {
  const named = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '?'}: ${issue.message}`).join('; ');
  throw new Error(`intake (Deno Deploy): bad environment: ${named}`);
}
const env = parsed.output;
const intake = composeIntake(raw, {
  blobs: createS3BlobStore({
    endpoint: env.PINGGAI_BLOB_ENDPOINT,
    bucket: env.PINGGAI_BLOB_BUCKET,
    region: env.PINGGAI_BLOB_REGION,
    accessKeyId: env.PINGGAI_BLOB_ACCESS_KEY_ID,
    secretAccessKey: env.PINGGAI_BLOB_SECRET_ACCESS_KEY,
    prefix: 'blobs/',
  }),
});
Deno.serve(intake.app.fetch);
