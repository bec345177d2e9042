/**
 * What an operator types, with the checks that need no database: the CLI builds its commands and
 * checks their flags from here before it loads any service (`lienthong --help` must not load the
 * hub). Each name is defined once, where the store keeps it; this module only gathers them.
 */
export { DELIVERY_STATES, type DeliveryState } from '../store/delivery-state.ts';
export { checkWebhookUrl } from '../store/node-delivery.repository.ts';
export { OPERATOR_ROLES, type OperatorRole } from '../store/operator-account.repository.ts';
