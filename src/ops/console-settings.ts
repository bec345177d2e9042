/**
 * When a delivery is overdue (QĐ 28/2018/QĐ-TTg: hỏa tốc at once, thượng khẩn and khẩn within
 * hours, thường within the working day). The numbers are the hub's, set per deployment.
 */
export interface OverdueRules {
  /** Hỏa tốc and hỏa tốc hẹn giờ (priority 3, 4): minutes (LIENTHONG_OVERDUE_EXPRESS_MINUTES, default 30). */
  readonly expressMinutes: number;
  /** Thượng khẩn (priority 2): hours (LIENTHONG_OVERDUE_VERY_URGENT_HOURS, default 2). */
  readonly veryUrgentHours: number;
  /** Khẩn (priority 1): hours (LIENTHONG_OVERDUE_URGENT_HOURS, default 4). */
  readonly urgentHours: number;
  /**
   * Thường (priority 0): the end of the working day it arrived on, Monday to Friday, Vietnam time
   * (LIENTHONG_WORKDAY_END, default 17:00); after that hour or on a weekend, the next working day's.
   */
  readonly workdayEndMinutes: number;
}

/** What raises an alert. */
export interface AlertRules {
  /** A node that called the hub before but not for this long (LIENTHONG_ALERT_NODE_SILENCE_MINUTES, default 60). */
  readonly nodeSilenceMinutes: number;
  /** Failed push attempts to one node within the last hour (LIENTHONG_ALERT_NODE_FAILURES, default 10). */
  readonly nodeFailuresPerHour: number;
  /** Certificates and CRLs expiring within this many days (LIENTHONG_ALERT_EXPIRY_DAYS, default 60, as Domibus). */
  readonly expiryDays: number;
  /** A peer hub this hub calls that has failed for this long (LIENTHONG_ALERT_PEER_MINUTES, default 15). */
  readonly peerUnreachableMinutes: number;
}

/** Where alerts are also sent (signed like deliveries: docs/console.md). */
export interface AlertWebhook {
  /** LIENTHONG_ALERT_WEBHOOK_URL */
  readonly url: string;
  /** LIENTHONG_ALERT_WEBHOOK_SECRET: the HMAC key of the signature. */
  readonly secret: string;
  /** How often alerts are computed and new ones sent, ms (LIENTHONG_ALERT_INTERVAL_MS, default 60 000). */
  readonly intervalMs: number;
}

/** The operator console's settings (docs/console.md). */
export interface ConsoleSettings {
  readonly overdue: OverdueRules;
  readonly alerts: AlertRules;
  readonly alertWebhook: AlertWebhook | null;
  /** How long a console session lasts, minutes (LIENTHONG_CONSOLE_SESSION_MINUTES, default 480). */
  readonly sessionMinutes: number;
  /** Failed logins in a row that lock an account (LIENTHONG_CONSOLE_MAX_FAILURES, default 5). */
  readonly maxLoginFailures: number;
  /** How long a locked account stays locked, minutes (LIENTHONG_CONSOLE_LOCK_MINUTES, default 15). */
  readonly lockMinutes: number;
}

export const DEFAULT_CONSOLE_SETTINGS: ConsoleSettings = Object.freeze({
  overdue: Object.freeze({
    expressMinutes: 30,
    veryUrgentHours: 2,
    urgentHours: 4,
    workdayEndMinutes: 17 * 60,
  }),
  alerts: Object.freeze({
    nodeSilenceMinutes: 60,
    nodeFailuresPerHour: 10,
    expiryDays: 60,
    peerUnreachableMinutes: 15,
  }),
  alertWebhook: null,
  sessionMinutes: 480,
  maxLoginFailures: 5,
  lockMinutes: 15,
});
