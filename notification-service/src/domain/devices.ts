import { newId, type PageRequest } from '@micropay/platform';
import type { Device } from './channel-delivery';
import { notificationErrors } from './errors';
import type { DeviceStore, PushSender } from './ports';

/** A user's push devices: registering creates (or finds) the SNS platform endpoint of the token. */
export class Devices {
  constructor(
    private readonly store: DeviceStore,
    private readonly push: PushSender,
  ) {}

  /**
   * Idempotent: the same token registered again by its user answers the same device (`created:
   * false`); a disabled device is enabled again, a token registered by another user moves to this one.
   */
  async register(userId: string, platform: Device['platform'], token: string) {
    const existing = await this.store.findByToken(platform, token);
    if (existing && existing.userId === userId && existing.status === 'enabled')
      return { device: existing, created: false };
    const endpointArn = await this.push.register(platform, token);
    return this.store.upsertDevice({ id: newId('dev'), userId, platform, token, endpointArn });
  }

  list(userId: string, page: PageRequest) {
    return this.store.listDevices(userId, page);
  }

  async remove(userId: string, id: string) {
    if (!(await this.store.deleteDevice(userId, id))) throw notificationErrors.device_not_found.create();
  }
}
