// A Notifier in front of the real one: messages about synthetic requests are recorded and never leave the system.
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notification, Notifier, SyntheticNotificationLog } from '#shared/ports/notifier.js';

export class SyntheticGuardNotifier implements Notifier {
  constructor(
    private readonly real: Notifier,
    private readonly log: SyntheticNotificationLog,
    private readonly clock: Clock,
  ) {}

  async send(notification: Notification): Promise<void> {
    const { synthetic } = notification;
    if (synthetic) return this.log.record({ ...notification, synthetic }, this.clock.now());
    return this.real.send(notification);
  }
}

/**
 * For a function without the database (weather scaling), whose messages are never about a request: should one ever be
 * tagged synthetic, it is logged and dropped, still never sent.
 */
export function unrecordedSynthetic(log: Log): SyntheticNotificationLog {
  return {
    record: (notification) => {
      log.warn('synthetic notification dropped: this function cannot record it', {
        requestId: notification.synthetic.requestId,
        channel: notification.channel,
        purpose: notification.purpose,
      });
      return Promise.resolve();
    },
    listFor: () => Promise.resolve([]),
  };
}
