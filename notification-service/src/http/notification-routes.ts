import { auth, defineRoute, listBody, pageRequest } from '@micropay/platform';
import type { NotificationStore } from '../domain/ports';
import { presentNotification } from '../domain/presenters';
import { NotificationListQuery, NotificationListSchema } from './schemas';

export function notificationRoutes(store: NotificationStore) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/notifications',
      operationId: 'listNotifications',
      summary: 'List your notifications, newest first',
      tags: ['notifications'],
      auth: auth.user(),
      request: { query: NotificationListQuery },
      responses: { 200: { description: 'A page of notifications.', schema: NotificationListSchema } },
      async handler({ query, caller }) {
        const page = await store.listForUser(caller.sub, pageRequest(query));
        return { status: 200, body: listBody(page, presentNotification) };
      },
    }),
  ];
}
