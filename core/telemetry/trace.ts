/**
 * Tracing through the OpenTelemetry API only, so core, intake and workflows code runs the same on
 * Node and Deno. Without a registered SDK (infra/telemetry/tracing.ts) every call here is a no-op.
 *
 * A trace follows one rating across processes through the events themselves: the store stamps
 * `metadata.traceparent` (W3C trace context) on what it appends, and whoever handles an event later
 * (projector, warning policy, forwarder) opens its span as a child of that traceparent.
 */
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('pinggai');

/** The context a traceparent names; the active context when there is none (or it is not a string). */
export const contextOf = (traceparent: unknown): Context =>
  typeof traceparent === 'string' ? propagation.extract(context.active(), { traceparent }) : context.active();

/** The W3C traceparent of the active span, or undefined when nothing is being traced. */
export const currentTraceparent = (): string | undefined => {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
};

/**
 * Runs `work` in a span named `name`, a child of `parent` (a traceparent) or of the active span.
 * The span records a thrown error and ends when the work settles.
 *
 * @example
 *   await inSpan('warning-policy', { parent: event.metadata.traceparent }, () => raise(event));
 */
export const inSpan = <T>(
  name: string,
  options: { readonly parent?: unknown; readonly attributes?: Attributes },
  work: (span: Span) => Promise<T>,
): Promise<T> =>
  tracer().startActiveSpan(name, { attributes: options.attributes ?? {} }, contextOf(options.parent), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });

/**
 * One span per traced event of a batch (a projector applies a batch in one transaction): each is a
 * child of its event's traceparent, started now and ended by `end`.
 */
export const eventSpans = (
  name: string,
  events: readonly { readonly id: string; readonly type: string; readonly metadata: { readonly traceparent?: unknown } }[],
): { end(error?: unknown): void } => {
  const spans = events
    .filter((event) => typeof event.metadata.traceparent === 'string')
    .map((event) =>
      tracer().startSpan(name, { attributes: { 'pinggai.event.id': event.id, 'pinggai.event.type': event.type } }, contextOf(event.metadata.traceparent)),
    );
  return {
    end(error) {
      for (const span of spans) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        span.end();
      }
    },
  };
};
