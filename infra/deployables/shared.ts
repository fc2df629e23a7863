// Pieces more than one deployable builds the same way from its context.
import type { Kysely } from 'kysely';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import type { BlobStore } from '../../core/blobs/types.ts';
import { assertSmsTemplates, providerSignName, smsGatewayOf } from '../../core/sms/from-config.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import type { SmsGateway } from '../../core/sms/types.ts';
import type { IntakeServices } from '../../intake-edge/app.ts';
import { invitationTemplateCodes } from '../../intake-edge/invitations/send.ts';
import { intakeServicesOf } from '../app/application.ts';
import { embeddedIntakeConfig } from '../app/embedded-intake-config.ts';
import type { DeployableContext } from './runtime.ts';

/**
 * Outgoing SMS through the gateway PINGGAI_SMS names (Aliyun or Tencent Cloud); each send is kept in
 * the send log (app.sms_outbox) either way. Unset, messages only go to the development outbox, and
 * the start-up log says so: nothing reaches a phone.
 */
export const smsOf = (context: DeployableContext, templates: readonly string[]): SmsGateway => {
  const config = context.env.sms;
  assertSmsTemplates(config, templates, `${context.role} deployable`);
  context.log(
    config.provider === 'outbox'
      ? 'SMS: 仅写入开发发件箱,不会发到手机 development outbox only, nothing reaches a phone (set PINGGAI_SMS to send through Aliyun or Tencent Cloud)'
      : `SMS: sent through ${config.provider}, sign name 【${config.signName}】`,
  );
  return smsGatewayOf(config, { db: context.db as Kysely<SmsDatabase>, vault: context.vault, log: (line) => context.log(`SMS outbox: ${line}`) });
};

export const blobsOf = (context: DeployableContext): BlobStore => createLocalBlobStore({ root: context.env.blobDir! });

/** The intake services: links signed with PINGGAI_INTAKE_SECRETS, pointing at PINGGAI_PUBLIC_URL. */
export const intakeOf = (context: DeployableContext): IntakeServices => {
  // The one-segment check of every invitation counts the sign name the provider puts in front.
  const intakeConfig = embeddedIntakeConfig({
    publicBaseUrl: context.env.publicBaseUrl!,
    secrets: context.env.intakeSecrets!,
    trustedProxyHops: context.env.trustedProxyHops,
    ...(providerSignName(context.env.sms) ? { signName: providerSignName(context.env.sms)! } : {}),
  });
  return intakeServicesOf({
    store: context.store,
    db: context.db,
    vault: context.vault,
    sms: smsOf(context, invitationTemplateCodes(intakeConfig)),
    blobs: blobsOf(context),
    intakeConfig,
    clock: { now: context.now },
    log: context.log,
  });
};
