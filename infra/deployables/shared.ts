// Pieces more than one deployable builds the same way from its context.
import type { Kysely } from 'kysely';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import type { BlobStore } from '../../core/blobs/types.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import type { SmsGateway } from '../../core/sms/types.ts';
import type { IntakeServices } from '../../intake-edge/app.ts';
import { intakeServicesOf } from '../app/application.ts';
import { embeddedIntakeConfig } from '../app/embedded-intake-config.ts';
import type { DeployableContext } from './runtime.ts';

/** Outgoing SMS go through the outbox table (the gateway adapter sends from there). */
export const smsOf = (context: DeployableContext): SmsGateway =>
  createOutboxSmsGateway({ db: context.db as Kysely<SmsDatabase>, vault: context.vault, log: (line) => context.log(`SMS outbox: ${line}`) });

export const blobsOf = (context: DeployableContext): BlobStore => createLocalBlobStore({ root: context.env.blobDir! });

/** The intake services: links signed with PINGGAI_INTAKE_SECRETS, pointing at PINGGAI_PUBLIC_URL. */
export const intakeOf = (context: DeployableContext): IntakeServices =>
  intakeServicesOf({
    store: context.store,
    db: context.db,
    vault: context.vault,
    sms: smsOf(context),
    blobs: blobsOf(context),
    intakeConfig: embeddedIntakeConfig({ publicBaseUrl: context.env.publicBaseUrl!, secrets: context.env.intakeSecrets! }),
    clock: { now: context.now },
    log: context.log,
  });
