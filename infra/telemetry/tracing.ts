/**
 * OpenTelemetry tracing for a Node deployable. Off unless configured: with no provider registered
 * the API calls in core/telemetry cost next to nothing. `OTEL_EXPORTER_OTLP_ENDPOINT` (the standard
 * variable, e.g. http://otel-collector:4318) turns it on with the OTLP/HTTP exporter; tests pass
 * their own exporter.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { WorkerTracing } from '../../workflows/worker.ts';

export interface Tracing extends WorkerTracing {
  /** Flushes what is buffered and unregisters nothing (the provider lives as long as the process). */
  shutdown(): Promise<void>;
}

/**
 * Registers a global tracer provider for `service` that sends spans to `exporter`
 * (batched; `immediate` exports each span when it ends — for tests).
 */
export const startTracing = (options: { readonly service: string; readonly exporter: SpanExporter; readonly immediate?: boolean }): Tracing => {
  const resource = new Resource({ 'service.name': options.service, 'service.namespace': 'pinggai' });
  const spanProcessor: SpanProcessor = options.immediate ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(options.exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { spanProcessor, resource, shutdown: () => provider.shutdown() };
};

/** Tracing from the environment: on when OTEL_EXPORTER_OTLP_ENDPOINT is set, otherwise null. */
export const tracingFromEnv = (env: NodeJS.ProcessEnv, service: string): Tracing | null => {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return null;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`OTEL_EXPORTER_OTLP_ENDPOINT: not a URL (${endpoint})`);
  }
  return startTracing({ service: env.OTEL_SERVICE_NAME?.trim() || service, exporter: new OTLPTraceExporter({ url: new URL('v1/traces', url.href.endsWith('/') ? url : `${url.href}/`).href }) });
};
