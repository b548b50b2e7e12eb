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
  constructor(private readonly directory: string) {}

  async send(email: OutgoingEmail) {
    const mime = await composeMime(email, domainOf(email.from));
    await mkdir(this.directory, { recursive: true });
    const file = path.join(this.directory, `${email.id}.eml`);
    // Written whole, then renamed, so a reader never sees half a message.
    await writeFile(`${file}.tmp`, mime);
    await rename(`${file}.tmp`, file);
    return { messageId: `file:${file}` };
  }
}
