import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmailSender, OutgoingEmail } from '../domain/ports';
import { composeMime, domainOf } from './mime-message';

/**
 * The local mail transport (`npm start`, tests): each email is written as `<delivery id>.eml`
 * under the mail directory (`.micropay/mail/`), openable by any mail client. Writing the same
 * delivery twice overwrites one file, as a retried SES send is one message.
 */
export class EmlFileEmailSender implements EmailSender {
  /** Created on the first send (and again after a write found it gone), not on every one. */
  private made: Promise<unknown> | undefined;

  constructor(private readonly directory: string) {}

  async send(email: OutgoingEmail) {
    const mime = await composeMime(email, domainOf(email.from));
    try {
      await this.write(email.id, mime);
    } catch (error) {
      this.made = undefined; // made again on the next write (someone removed it, or making it failed)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await this.write(email.id, mime);
    }
    return { messageId: `file:${path.join(this.directory, `${email.id}.eml`)}` };
  }

  private async write(id: string, mime: Buffer | string): Promise<void> {
    this.made ??= mkdir(this.directory, { recursive: true });
    await this.made;
    const file = path.join(this.directory, `${id}.eml`);
    // Written whole, then renamed, so a reader never sees half a message.
    await writeFile(`${file}.tmp`, mime);
    await rename(`${file}.tmp`, file);
  }
}
