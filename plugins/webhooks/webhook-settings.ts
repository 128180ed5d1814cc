import { Injectable } from '@nestjs/common';

/**
 * Delivery tuning. The defaults suit production; a test changes them on the
 * instance it gets from the container (`app.get(WebhookSettings).timeoutMs = 300`).
 */
@Injectable()
export class WebhookSettings {
  /** One attempt, from connecting to the response status, may take this long. */
  timeoutMs = 5_000;
  /** Attempts before a delivery is marked failed. */
  maxAttempts = 8;
  /** Wait before the second attempt; doubles after each failure. */
  backoffSeconds = 30;
  /** Longest wait between two attempts. */
  maxBackoffSeconds = 3_600;
  /** Deliveries one claim takes; the job claims batches until none is due. */
  batchSize = 25;
}
