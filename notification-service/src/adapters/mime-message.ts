import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingEmail } from '../domain/ports';

/**
 * The RFC 5322 message of an email: multipart/alternative with the text and the HTML part,
 * composed by nodemailer's MailComposer. The same bytes are written as the local .eml file and
 * sent to SES as a raw message, so what a developer opens is what a customer receives.
 */
export function composeMime(email: OutgoingEmail, domain: string): Promise<Buffer> {
  const composer = new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    // A stable Message-ID per delivery: a retried send is recognisably the same message.
    messageId: `<${email.id}@${domain}>`,
    headers: { 'X-MicroPay-Delivery': email.id },
  });
  return new Promise((resolve, reject) =>
    composer.compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}

/** The domain of an address such as `MicroPay <no-reply@micropay.example>`. */
export function domainOf(address: string): string {
  return /@([^>\s]+)>?\s*$/.exec(address)?.[1] ?? 'micropay.local';
}
