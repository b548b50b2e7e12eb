import { defineErrors } from '@micropay/platform';

export const notificationErrors = defineErrors({
  webhook_endpoint_not_found: { status: 404, description: 'No such webhook endpoint, or it is not yours.' },
  webhook_delivery_not_found: { status: 404, description: 'No such delivery on this webhook endpoint.' },
  device_not_found: { status: 404, description: 'No such device, or it is not yours.' },
  webhook_endpoint_disabled: {
    status: 409,
    description: 'The webhook endpoint is disabled; enable it (PATCH status: "enabled") before resending.',
  },
});
