// PostgreSQL NotificationLog: customer_notifications (migration 0006).
import type pg from 'pg';
import type { NotificationLog, SentNotification } from '../../ports/notification-log.js';
import { guarded } from './pool.js';

export class PostgresNotificationLog implements NotificationLog {
  constructor(private readonly pool: pg.Pool) {}

  record(n: SentNotification): Promise<void> {
    return guarded('recording a customer notification', async () => {
      await this.pool.query('INSERT INTO customer_notifications (request_id, phone_hash, purpose, message, sent_at) VALUES ($1, $2, $3, $4, $5)', [
        n.requestId ?? null,
        n.phoneHash,
        n.purpose,
        n.message,
        n.sentAt,
      ]);
    });
  }
}
