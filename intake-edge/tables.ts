import type { Generated } from 'kysely';

/** Intake's working tables (migration 0200_intake). */
export interface IntakeNoncesTable {
  key_id: string;
  nonce: string;
  seen_at: Date;
}

export interface PendingInvitationsTable {
  invitation_id: string;
  next_due_at: Date;
  remind_at: Date | null;
  expires_at: Date;
  created_at: Date;
}

export interface IntakeRateLimitsTable {
  bucket: string;
  window_start: Date;
  hits: Generated<number>;
}

export interface IntakeDatabase {
  'app.intake_nonces': IntakeNoncesTable;
  'app.pending_invitations': PendingInvitationsTable;
  'app.intake_rate_limits': IntakeRateLimitsTable;
}
