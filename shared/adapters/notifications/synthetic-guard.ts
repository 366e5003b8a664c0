// A Notifier in front of the real one: messages about synthetic requests are recorded and never leave the system.
import type { Clock } from '../../ports/clock.js';
import type { Notification, Notifier, SyntheticNotificationLog } from '../../ports/notifier.js';

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
