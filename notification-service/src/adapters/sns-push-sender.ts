import { randomUUID } from 'node:crypto';
import {
  CreatePlatformEndpointCommand,
  GetEndpointAttributesCommand,
  PublishCommand,
  SetEndpointAttributesCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { Device, PushMessage } from '../domain/channel-delivery';
import { EndpointDisabledError, PermanentSendError, type PushSender } from '../domain/ports';

export interface PushApplications {
  /** PUSH_PLATFORM_APPLICATION_ARN_APNS / _FCM: the SNS platform applications. */
  apns?: string;
  fcm?: string;
}

/**
 * Mobile push through SNS: a device token becomes a platform endpoint of the platform's
 * application (CreatePlatformEndpoint), and each push is a Publish to that endpoint's ARN. A
 * platform without an application ARN (always, locally) keeps its devices local: registering
 * stores the token only, and a push is recorded as a notification without leaving the process.
 */
export class SnsPushSender implements PushSender {
  constructor(
    private readonly client: SNSClient | undefined,
    private readonly applications: PushApplications,
  ) {}

  async register(platform: Device['platform'], token: string): Promise<string | null> {
    const application = this.applications[platform];
    if (!application || !this.client) return null;
    const { EndpointArn } = await this.client.send(
      new CreatePlatformEndpointCommand({ PlatformApplicationArn: application, Token: token }),
    );
    if (!EndpointArn) throw new Error('SNS returned no EndpointArn');
    // AWS's advice for a token registered again: the endpoint may exist disabled, or with another token.
    const { Attributes = {} } = await this.client.send(new GetEndpointAttributesCommand({ EndpointArn }));
    if (Attributes.Enabled !== 'true' || Attributes.Token !== token) {
      await this.client.send(
        new SetEndpointAttributesCommand({ EndpointArn, Attributes: { Token: token, Enabled: 'true' } }),
      );
    }
    return EndpointArn;
  }

  async publish(device: Device, message: PushMessage) {
    if (!device.endpointArn || !this.client) return { messageId: `local:${randomUUID()}` };
    try {
      const { MessageId } = await this.client.send(
        new PublishCommand({
          TargetArn: device.endpointArn,
          MessageStructure: 'json',
          Message: JSON.stringify(platformPayloads(message)),
        }),
      );
      return { messageId: MessageId ?? '' };
    } catch (error) {
      const name = (error as Error).name;
      // The provider told SNS the token is no longer valid (app removed, token expired), or the endpoint is gone.
      if (name === 'EndpointDisabledException' || name === 'NotFoundException')
        throw new EndpointDisabledError(`SNS: ${name}: ${(error as Error).message}`);
      if (name === 'InvalidParameterException')
        throw new PermanentSendError(`SNS refused the push: ${(error as Error).message}`);
      throw error;
    }
  }
}

/** One JSON message with a payload per platform (MessageStructure=json): APNs `aps`, FCM `notification`. */
export function platformPayloads(message: PushMessage) {
  const apns = JSON.stringify({ aps: { alert: { title: message.title, body: message.body } }, ...message.data });
  return {
    default: message.body,
    APNS: apns,
    APNS_SANDBOX: apns,
    GCM: JSON.stringify({ notification: { title: message.title, body: message.body }, data: message.data }),
  };
}
