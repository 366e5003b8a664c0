// PostgreSQL log of what would have been sent about synthetic requests (the drill reads it back).
import type pg from 'pg';
import type { Notification, SyntheticNotificationLog, SyntheticTag } from '#shared/ports/notifier.js';
import { guarded } from './pool.js';

export class PostgresSyntheticNotificationLog implements SyntheticNotificationLog {
  constructor(private readonly pool: pg.Pool) {}

  record(n: Notification & Required<SyntheticTag>, at: Date): Promise<void> {
    return guarded('recording a synthetic notification', async () => {
      await this.pool.query(
        'INSERT INTO synthetic_notifications (request_id, channel, purpose, recipient, body, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [
          n.synthetic.requestId,
          n.channel,
          n.purpose,
          n.channel === 'sms' ? n.to : null,
          n.channel === 'sms' ? n.text : `${n.subject}\n${n.text}`,
          at,
        ],
      );
    });
  }

  listFor(requestId: string) {
    return guarded('reading synthetic notifications', async () => {
      const { rows } = await this.pool.query<{
        channel: string;
        purpose: string;
        recipient: string | null;
        body: string;
        recorded_at: Date;
      }>(
        'SELECT channel, purpose, recipient, body, recorded_at FROM synthetic_notifications WHERE request_id = $1 ORDER BY id',
        [requestId],
      );
      return rows.map((r) => ({
        channel: r.channel,
        purpose: r.purpose,
        ...(r.recipient ? { to: r.recipient } : {}),
        text: r.body,
        recordedAt: r.recorded_at,
      }));
    });
  }
}
