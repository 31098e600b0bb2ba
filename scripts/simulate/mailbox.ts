import { simpleParser } from 'mailparser';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A file untouched this long is whole. */
const SETTLED_MS = 150;
const LINK = /\/liaison\/requests\/([0-9a-f-]{36})\?token=([A-Za-z0-9._~%-]+)/g;

/**
 * The embassies' mailboxes: every message Sira sends lands as an .eml file in the mail folder (the dev
 * stack's SMTP catcher writes them to `DATA_DIR/mail`). A liaison answers a request through the signed
 * link in its e-mail; this finds that link by the request's id.
 */
export class LiaisonMailbox {
  private readonly links = new Map<string, string>();
  /** Files read once and for all; a file is read once it has stopped changing (the catcher may be writing it). */
  private readonly read = new Set<string>();
  private scanning: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  /** The path and query of the request's liaison link (`/liaison/requests/<id>?token=…`), once its e-mail is there. */
  async linkFor(requestId: string, timeoutMs = 120_000): Promise<string | undefined> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const link = this.links.get(requestId);
      if (link) return link;
      if (Date.now() > until) return undefined;
      await this.scan();
      if (!this.links.has(requestId)) await new Promise((r) => setTimeout(r, 200));
    }
  }

  private scan(): Promise<void> {
    this.scanning ??= this.readNew().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async readNew(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.eml') || this.read.has(name)) continue;
      const file = path.join(this.dir, name);
      const modified = (await stat(file).catch(() => undefined))?.mtimeMs;
      if (modified === undefined || Date.now() - modified < SETTLED_MS) continue;
      this.read.add(name);
      const mail = await simpleParser(await readFile(file)).catch(() => undefined);
      const text = `${mail?.text ?? ''}\n${typeof mail?.html === 'string' ? mail.html : ''}`;
      for (const [link, requestId] of text.matchAll(LINK)) {
        if (!this.links.has(requestId)) this.links.set(requestId, link);
      }
    }
  }
}
