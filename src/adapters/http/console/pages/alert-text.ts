import type { Alert } from '../../../../ops/index.ts';
import { vnDate, vnDateTime } from '../format.ts';
import type { Translator } from '../i18n.ts';

/** One alert in a sentence, in the page's language. */
export function alertText(tr: Translator, alert: Alert): string {
  const d = alert.detail;
  const vi = tr.lang === 'vi';
  switch (alert.kind) {
    case 'overdue':
      return vi
        ? `${d['count']} gói ${tr.priority(Number(d['priority'])).toLowerCase()} quá hạn chưa chuyển được (quá hạn từ ${vnDateTime(alert.since)})`
        : `${d['count']} ${tr.priority(Number(d['priority'])).toLowerCase()} deliveries overdue (since ${vnDateTime(alert.since)})`;
    case 'node_failures':
      return vi
        ? `Hệ thống ${alert.subject}: ${d['failures']} lần gửi lỗi trong 1 giờ qua`
        : `Node ${alert.subject}: ${d['failures']} failed pushes in the last hour`;
    case 'node_silent':
      return vi
        ? `Hệ thống ${alert.subject} không liên lạc ${d['minutes']} phút (${d['waiting']} gói đang chờ)`
        : `Node ${alert.subject} has not called for ${d['minutes']} min (${d['waiting']} waiting)`;
    case 'certificate_expiring': {
      const where = d['use'] === 'signer' ? `${d['organ']} / ${d['node']}` : String(d['file']);
      const expired = Number(d['days']) < 0;
      return vi
        ? `Chứng thư ${alert.subject} (${where}) ${expired ? 'đã hết hạn' : 'hết hạn'} ngày ${vnDate(String(d['notAfter']))}${expired ? '' : ` (còn ${d['days']} ngày)`}`
        : `Certificate ${alert.subject} (${where}) ${expired ? 'expired' : 'expires'} on ${vnDate(String(d['notAfter']))}${expired ? '' : ` (${d['days']} days left)`}`;
    }
    case 'crl_expiring':
      return vi
        ? `CRL của ${alert.subject} (${d['file']}) cần cập nhật trước ${vnDateTime(String(d['nextUpdate']))}`
        : `CRL of ${alert.subject} (${d['file']}) must be replaced by ${vnDateTime(String(d['nextUpdate']))}`;
    case 'peer_unreachable':
      return vi
        ? `Không kết nối được trục ${alert.subject} trong ${d['minutes']} phút (${d['backlog']} gói tồn): ${d['error']}`
        : `Hub ${alert.subject} unreachable for ${d['minutes']} min (${d['backlog']} waiting): ${d['error']}`;
  }
}
