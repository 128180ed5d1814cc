import { Injectable } from '@nestjs/common';

// Time is injected so expiry, lockouts and tokens are tested without sleeping.
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests move by hand. */
export class FixedClock extends Clock {
  private current: number;

  constructor(start: Date | number = Date.now()) {
    super();
    this.current = +start;
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    this.current += seconds * 1000;
  }

  set(time: Date | number): void {
    this.current = +time;
  }
}
