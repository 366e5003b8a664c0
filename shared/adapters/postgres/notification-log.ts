// PostgreSQL NotificationLog: customer_notifications (migration 0006), and the SMS cap counted in it (migration 0013).
import type pg from 'pg';
import type { NotificationLog, SentNotification } from '#shared/ports/notification-log.js';
import { guarded } from './pool.js';

export class PostgresNotificationLog implements NotificationLog {
  constructor(private readonly pool: pg.Pool) {}

  record(n: SentNotification): Promise<void> {
    return guarded('recording a customer notification', async () => {
      await this.pool.query(
        'INSERT INTO customer_notifications (request_id, phone_hash, purpose, message, sent_at) VALUES ($1, $2, $3, $4, $5)',
        [n.requestId ?? null, n.phoneHash, n.purpose, n.message, n.sentAt],
      );
    });
  }

  recordWithinCap(n: SentNotification, cap: number): Promise<{ id: string } | 'capped'> {
    return guarded('recording a customer notification within the SMS cap', async () => {
      const { rows } = await this.pool.query<{ id: string | null }>(
        'SELECT record_customer_sms_within_cap($1, $2, $3, $4, $5, $6)::text AS id',
        [n.requestId ?? null, n.phoneHash, n.purpose, n.message, n.sentAt, cap],
      );
      const id = rows[0]?.id;
      return id ? { id } : 'capped';
    });
  }

  withdraw(id: string): Promise<void> {
    return guarded('withdrawing a customer notification not sent', async () => {
      await this.pool.query('DELETE FROM customer_notifications WHERE notification_id = $1', [id]);
    });
  }
}
