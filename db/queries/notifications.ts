import type { Knex } from 'knex';

/** One message in the outbox: its key (what it is about) is sent at most once. */
export interface OutboxEntry {
  key: string;
  kind: string;
  caseId?: string;
  recipient: string;
  subject: string;
}

/** Writes the message's row before it is sent; a row already there (an earlier attempt) is kept. */
export async function addToOutbox(db: Knex, entry: OutboxEntry): Promise<void> {
  await db('notifications')
    .insert({
      key: entry.key,
      case_id: entry.caseId ?? null,
      kind: entry.kind,
      recipient: entry.recipient,
      subject: entry.subject,
    })
    .onConflict('key')
    .ignore();
}

export async function isNotificationSent(db: Knex, key: string): Promise<boolean> {
  const row = await db('notifications').where({ key }).first('status');
  return row?.status === 'sent';
}

/** Counts a failed attempt and keeps its error (clipped) for whoever looks at the outbox. */
export async function recordSendFailure(db: Knex, key: string, error: unknown): Promise<void> {
  await db('notifications')
    .where({ key })
    .update({ attempts: db.raw('attempts + 1'), last_error: String(error).slice(0, 500) });
}

export async function recordSent(db: Knex, key: string, messageId: string): Promise<void> {
  await db('notifications')
    .where({ key })
    .update({ status: 'sent', attempts: db.raw('attempts + 1'), last_error: null, message_id: messageId, sent_at: db.fn.now() });
}
