// Fakes for driving live.js without a browser: a socket and a clock.

/** A socket.io-client stand-in: records emits; the test answers their acks. */
export class FakeSocket {
  constructor() {
    this.connected = false;
    this.handlers = new Map();
    this.sent = []; // {event, payload, ack}
  }

  on(event, fn) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(fn);
  }

  off(event, fn) {
    this.handlers.set(event, (this.handlers.get(event) || []).filter((f) => f !== fn));
  }

  emit(event, payload, ack) {
    this.sent.push({ event, payload, ack });
  }

  fire(event, ...args) {
    for (const fn of this.handlers.get(event) || []) fn(...args);
  }

  connect() {
    this.connected = true;
    this.fire("connect");
  }

  disconnect() {
    this.connected = false;
    this.fire("disconnect");
  }

  /** The emits of `event` so far. */
  of(event) {
    return this.sent.filter((s) => s.event === event);
  }
}

/** setTimeout/clearTimeout on a clock that moves only when told to. */
export class FakeClock {
  constructor() {
    this.now = 0;
    this.timers = new Map();
    this.next = 1;
  }

  setTimeout(fn, ms) {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(id) {
    this.timers.delete(id);
  }

  /** Delays of the timers still pending, soonest first. */
  pending() {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  async advance(ms) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at);
      if (!due.length) break;
      const [id, timer] = due[0];
      this.timers.delete(id);
      this.now = timer.at;
      timer.fn();
      await settle();
    }
    this.now = until;
  }
}

/** Let pending promise callbacks run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}
