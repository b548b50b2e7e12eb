import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { PermanentSendError, type EmailSender, type OutgoingEmail } from '../domain/ports';
import { composeMime, domainOf } from './mime-message';

/** SES answers that retrying the same message cannot change. */
const PERMANENT = new Set([
  'MessageRejected',
  'BadRequestException',
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
]);

/**
 * SES v2 SendEmail with the raw MIME message (the same bytes as the local .eml). The endpoint
 * comes from the SDK's standard AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL, the credentials from
 * the pod's IAM role; `configurationSet` routes bounces and complaints to the feedback topic.
 */
export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async send(email: OutgoingEmail) {
    const raw = await composeMime(email, domainOf(email.from));
    try {
      const result = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: { ToAddresses: [email.to] },
          Content: { Raw: { Data: raw } },
          ConfigurationSetName: this.configurationSet,
          EmailTags: [{ Name: 'delivery', Value: email.id }],
        }),
      );
      return { messageId: result.MessageId ?? '' };
    } catch (error) {
      const name = (error as Error).name;
      if (PERMANENT.has(name))
        throw new PermanentSendError(`SES refused the message: ${name}: ${(error as Error).message}`);
      throw error;
    }
  }
}
