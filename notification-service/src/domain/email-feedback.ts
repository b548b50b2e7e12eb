import { z } from 'zod';
import type { SuppressionStore } from './ports';

/**
 * The parts of SES's bounce and complaint notifications this service reads. SES sends them to
 * an SNS topic, either as identity notifications (`notificationType`) or as configuration-set
 * events (`eventType`); the topic delivers them to the feedback queue.
 */
const Recipient = z.object({ emailAddress: z.string().min(3) });
const SesNotification = z.object({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  bounce: z
    .object({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(Recipient.extend({ diagnosticCode: z.string().optional() })),
    })
    .optional(),
  complaint: z
    .object({
      complainedRecipients: z.array(Recipient),
      complaintFeedbackType: z.string().optional(),
    })
    .optional(),
  mail: z.object({ messageId: z.string().optional() }).optional(),
});

export type SesFeedback =
  | { kind: 'bounce' | 'complaint'; emails: string[]; detail: string }
  /** Transient bounces, deliveries, opens…: nothing to suppress. */
  | { kind: 'ignored'; reason: string };

/** Reads one SQS body of the feedback queue; undefined when it is not an SES notification at all. */
export function parseSesFeedback(body: string): SesFeedback | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
    const outer = parsed as { Type?: unknown; Message?: unknown };
    if (outer.Type === 'Notification' && typeof outer.Message === 'string') parsed = JSON.parse(outer.Message);
  } catch {
    return undefined;
  }
  const result = SesNotification.safeParse(parsed);
  if (!result.success) return undefined;
  const n = result.data;
  const type = n.notificationType ?? n.eventType;
  if (!type) return undefined;
  const mail = n.mail?.messageId ? ` (SES message ${n.mail.messageId})` : '';
  if (type === 'Bounce' && n.bounce) {
    // Only a permanent bounce says the address will never work; transient ones (a full mailbox) pass.
    if (n.bounce.bounceType !== 'Permanent') return { kind: 'ignored', reason: `${n.bounce.bounceType} bounce` };
    return {
      kind: 'bounce',
      emails: n.bounce.bouncedRecipients.map((r) => r.emailAddress),
      detail: `Permanent/${n.bounce.bounceSubType ?? 'General'}${mail}`,
    };
  }
  if (type === 'Complaint' && n.complaint) {
    return {
      kind: 'complaint',
      emails: n.complaint.complainedRecipients.map((r) => r.emailAddress),
      detail: `${n.complaint.complaintFeedbackType ?? 'complaint'}${mail}`,
    };
  }
  if (type === 'Bounce' || type === 'Complaint') return undefined;
  return { kind: 'ignored', reason: type };
}

/** Applies SES feedback: bounced and complaining addresses are never mailed again. */
export async function applySesFeedback(store: SuppressionStore, feedback: SesFeedback): Promise<number> {
  if (feedback.kind === 'ignored') return 0;
  return store.suppress(
    feedback.emails.map((e) => e.trim().toLowerCase()),
    feedback.kind,
    feedback.detail,
  );
}
