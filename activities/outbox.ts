import type { Db } from '../db';
import { addToOutbox, isNotificationSent, recordSendFailure, recordSent } from '../db/queries/notifications';
import type { Mailer, OutgoingMail } from './mailer';

export interface OutboxMessage extends Omit<OutgoingMail, 'messageId'> {
  /** What the message is about, e.g. `overdue:<caseId>:<task>:1`: the same key is sent at most once. */
  key: string;
  kind: string;
  caseId?: string;
}

/**
 * Sends a message once in effect: its outbox row is written before sending and marked sent after,
 * so a retried activity finds the row sent and does not send again. A failure is recorded on the
 * row (attempts, last error) and rethrown for the activity's retry with backoff.
 */
export async function sendOnce(db: Db, mailer: Mailer, message: OutboxMessage): Promise<'sent' | 'already_sent'> {
  await addToOutbox(db, { key: message.key, caseId: message.caseId, kind: message.kind, recipient: message.to, subject: message.subject });
  if (await isNotificationSent(db, message.key)) return 'already_sent';
  const messageId = `<${message.key.replace(/[^A-Za-z0-9.-]/g, '.')}@sira>`;
  try {
    await mailer.send({ to: message.to, subject: message.subject, text: message.text, html: message.html, attachments: message.attachments, messageId });
  } catch (error) {
    await recordSendFailure(db, message.key, error);
    throw error;
  }
  await recordSent(db, message.key, messageId);
  return 'sent';
}
