import { Hono } from 'hono';
import type * as v from 'valibot';
import type { StaffAction } from '../../../core/access/permissions.ts';
import type { StaffPrincipal } from '../../../core/access/scope.ts';
import { handleCommand } from '../../../core/decider/command-handler.ts';
import type { Actor } from '../../../core/eventstore/types.ts';
import type { WarningCommand } from '../../../core/warning/commands.ts';
import { warningDecider } from '../../../core/warning/decider.ts';
import { warningStreamId } from '../../../core/warning/stream.ts';
import { idempotencyKey, readBody, staffCommand } from '../body.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import {
  AppealReviewSchema,
  AppealSchema,
  CollaborationSchema,
  DispatchSchema,
  EvidenceSchema,
  OnSiteCheckSchema,
  PhoneCallbackSchema,
  ReplySchema,
  StatusSchema,
} from '../schemas.ts';
import type { LoadedWarning } from '../warning-access.ts';
import { deciderActor, evidenceFromBlobs, loadVisibleWarning, metadataActor, requireKnownDepartments } from '../warning-access.ts';
import { staffRoute } from '../openapi.ts';

interface ActionContext {
  readonly principal: StaffPrincipal;
  /** The actor as the warning decider checks it. */
  readonly actor: Actor;
  readonly at: Date;
  readonly loaded: LoadedWarning;
}

/**
 * Staff actions on one warning (预警处置). Each route: 401 without a session, 403 for a role the
 * permission matrix refuses, 400 without an Idempotency-Key, 422 for a bad body, 404 for a warning
 * outside the caller's scope, then the warning decider decides (its refusals keep their codes).
 * The same Idempotency-Key from the same account is the same command: a retry appends nothing, and
 * the key sent with another action or body on the same warning is refused (422 IDEMPOTENCY_KEY_REUSED).
 */
export const warningActionRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();

  const action = <S extends v.GenericSchema>(
    path: string,
    summary: string,
    permission: StaffAction,
    schema: S,
    build: (body: v.InferOutput<S>, context: ActionContext) => WarningCommand | Promise<WarningCommand>,
  ): void => {
    app.post(`/:id/${path}`, staffRoute({ tag: 'warning actions', summary, body: schema, idempotent: true, problems: [404, 409] }), requirePermission(permission), async (c) => {
      const principal = principalOf(c);
      const key = idempotencyKey(c);
      const body = await readBody(c, schema);
      const warningId = c.req.param('id')!;
      const loaded = await loadVisibleWarning(deps.store, principal, warningId);
      const at = deps.clock.now();
      const command = await build(body, { principal, actor: deciderActor(principal, permission), at, loaded });
      const result = await handleCommand(deps.store, warningStreamId(warningId), warningDecider, command, {
        ...staffCommand(c, principal.accountId, key, body),
        actor: metadataActor(principal),
        now: at,
      });
      if (result.alreadyHandled) c.header('idempotent-replayed', 'true');
      return c.json({
        warningId,
        alreadyHandled: result.alreadyHandled,
        version: result.streamVersion,
        appended: result.appended.map((event) => ({ id: event.id, type: event.type, streamVersion: event.streamVersion })),
        warning: result.state,
      });
    });
  };

  const evidence = (keys: readonly { blobKey: string }[], field: string) =>
    evidenceFromBlobs(
      deps.blobs,
      keys.map((ref) => ref.blobKey),
      (index) => `${field}.${index}.blobKey`,
    );

  action('dispatch', '派单 Dispatch', 'warning.dispatch', DispatchSchema, async (body, { actor, at }) => {
    if (body.leadDepartment) await requireKnownDepartments(deps.queries, [body.leadDepartment], () => 'leadDepartment');
    await requireKnownDepartments(deps.queries, body.cooperatingDepartments ?? [], (index) => `cooperatingDepartments.${index}`);
    return {
      type: 'DispatchWarning',
      at,
      actor,
      ...(body.leadDepartment ? { leadDepartment: body.leadDepartment } : {}),
      ...(body.cooperatingDepartments ? { cooperatingDepartments: body.cooperatingDepartments } : {}),
      ...(body.note ? { note: body.note } : {}),
    };
  });

  action('reply', '答复 Reply with evidence', 'warning.reply', ReplySchema, async (body, { actor, at }) => ({
    type: 'ReplyToWarning',
    at,
    actor,
    text: body.text,
    evidence: await evidence(body.evidence, 'evidence'),
  }));

  action('collaboration', '协办 Request collaboration', 'warning.collaborate', CollaborationSchema, async (body, { actor, at }) => {
    await requireKnownDepartments(deps.queries, body.departments, (index) => `departments.${index}`);
    return { type: 'RequestCollaboration', at, actor, departments: body.departments, note: body.note };
  });

  action('evidence', 'Add evidence', 'warning.evidence', EvidenceSchema, async (body, { actor, at }) => {
    const [item] = await evidenceFromBlobs(deps.blobs, [body.blobKey], () => 'blobKey');
    return { type: 'AddEvidence', at, actor, evidence: item!, ...(body.description ? { description: body.description } : {}) };
  });

  action('status', 'Status note', 'warning.status', StatusSchema, (body, { actor, at }) => ({ type: 'UpdateWarningStatus', at, actor, note: body.note }));

  action('phone-callback', '电话回访 Phone callback', 'warning.phone_callback', PhoneCallbackSchema, (body, { actor, at }) => ({
    type: 'RecordPhoneCallback',
    at,
    actor,
    calledAt: new Date(body.calledAt),
    satisfied: body.satisfied,
    notes: body.notes,
  }));

  action('onsite-check', '实地核查 On-site check', 'warning.onsite_check', OnSiteCheckSchema, async (body, { actor, at }) => {
    const [photo] = await evidenceFromBlobs(deps.blobs, [body.photoBlobKey], () => 'photoBlobKey', { images: true });
    return { type: 'RecordOnSiteCheck', at, actor, checkedAt: new Date(body.checkedAt), satisfied: body.satisfied, notes: body.notes, photo: photo! };
  });

  action('appeal', '申诉 Appeal', 'warning.appeal', AppealSchema, async (body, { actor, at }) => ({
    type: 'FileAppeal',
    at,
    actor,
    reason: body.reason,
    evidence: await evidence(body.evidence, 'evidence'),
  }));

  action('appeal-review', '申诉复核 Review an appeal', 'warning.appeal_review', AppealReviewSchema, (body, { actor, at }) => ({
    type: 'ReviewAppeal',
    at,
    actor,
    decision: body.decision,
    reason: body.reason,
  }));

  return app;
};
