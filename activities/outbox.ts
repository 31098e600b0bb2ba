import type { Db } from '../db';
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
  await db('notifications')
    .insert({
      key: message.key,
      case_id: message.caseId ?? null,
      kind: message.kind,
      recipient: message.to,
      subject: message.subject,
    })
    .onConflict('key')
    .ignore();
  const row = await db('notifications').where({ key: message.key }).first('status');
  if (row?.status === 'sent') return 'already_sent';
  const messageId = `<${message.key.replace(/[^A-Za-z0-9.-]/g, '.')}@sira>`;
  try {
    await mailer.send({ to: message.to, subject: message.subject, text: message.text, html: message.html, messageId });
  } catch (error) {
    await db('notifications')
      .where({ key: message.key })
      .update({ attempts: db.raw('attempts + 1'), last_error: String(error).slice(0, 500) });
    throw error;
  }
  await db('notifications')
    .where({ key: message.key })
    .update({ status: 'sent', attempts: db.raw('attempts + 1'), last_error: null, message_id: messageId, sent_at: db.fn.now() });
  return 'sent';
}
