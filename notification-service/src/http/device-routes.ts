import { auth, defineRoute, listBody, pageRequest } from '@micropay/platform';
import type { Devices } from '../domain/devices';
import { notificationErrors } from '../domain/errors';
import { presentDevice } from '../domain/presenters';
import { DeviceIdParams, DeviceListQuery, DeviceListSchema, DeviceSchema, RegisterDeviceBody } from './schemas';

/** Push devices: each event that notifies a person in-app is also pushed to their enabled devices. */
export function deviceRoutes(devices: Devices) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/devices',
      operationId: 'registerDevice',
      summary: 'Register a device for push notifications',
      description:
        'In AWS the token becomes an SNS platform endpoint of the APNs or FCM application. Registering the same token again answers the same device (200) and enables it again if SNS had disabled it.',
      tags: ['devices'],
      auth: auth.user(),
      request: { body: RegisterDeviceBody },
      responses: {
        201: { description: 'The device, registered.', schema: DeviceSchema },
        200: { description: 'The token was already registered: the same device.', schema: DeviceSchema },
      },
      async handler({ body, caller }) {
        const { device, created } = await devices.register(caller.sub, body.platform, body.token);
        return { status: created ? 201 : 200, body: presentDevice(device) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/devices',
      operationId: 'listDevices',
      summary: 'List your devices, newest first',
      tags: ['devices'],
      auth: auth.user(),
      request: { query: DeviceListQuery },
      responses: { 200: { description: 'A page of devices.', schema: DeviceListSchema } },
      async handler({ query, caller }) {
        return { status: 200, body: listBody(await devices.list(caller.sub, pageRequest(query)), presentDevice) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/devices/:id',
      operationId: 'deleteDevice',
      summary: 'Stop pushing to a device',
      tags: ['devices'],
      auth: auth.user(),
      request: { params: DeviceIdParams },
      responses: { 204: { description: 'Deleted; its queued pushes are dropped.' } },
      errors: [notificationErrors.device_not_found],
      async handler({ params, caller }) {
        await devices.remove(caller.sub, params.id);
        return { status: 204 };
      },
    }),
  ];
}
