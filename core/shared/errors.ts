/**
 * A refusal the domain or a port means to make: it carries a stable code that clients, logs and
 * problem+json responses share. Anything else that escapes is a bug (HTTP 500).
 *
 * @example
 *   throw new DomainError('WARNING_ALREADY_DISPATCHED', '该预警已派单', { status: 409 });
 */
export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: { status?: number; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.status = options.status ?? 409;
    this.details = options.details ?? {};
  }
}
