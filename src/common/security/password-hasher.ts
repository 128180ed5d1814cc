import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// argon2 runs on libuv's thread pool; a storm of sign-ins hashing on every
// core starves the event loop and every other page. One core stays free.
const MAX_CONCURRENT = Math.max(1, availableParallelism() - 1);

@Injectable()
export class PasswordHasher {
  private dummyHash: Promise<string> | null = null;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, OPTIONS));
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await this.limited(() => verify(hashed, password));
    } catch {
      return false;
    }
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_CONCURRENT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Spends the same time as a real verification, for accounts that do not exist. */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash('seatdesk-dummy-password-for-timing');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
