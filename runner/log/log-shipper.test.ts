import { describe, expect, it } from 'vitest';
import { StampStripper } from '../../server/contracts/log-format';
import { LogShipper, truncationMarker } from './log-shipper';

/** A server that keeps chunks by number (a resend replaces) and can be made to fail. */
function fakeServer(failures: (seq: number, call: number) => boolean = () => false) {
  const chunks = new Map<number, string>();
  let calls = 0;
  return {
    chunks,
    get calls() {
      return calls;
    },
    send: async (seq: number, text: string) => {
      calls++;
      await new Promise((r) => setTimeout(r, 1));
      if (failures(seq, calls)) throw new Error('connection refused');
      chunks.set(seq, text);
    },
    text(): string {
      const ordered = [...chunks.keys()].sort((a, b) => a - b).map((k) => chunks.get(k)!);
      const s = new StampStripper();
      return s.strip(ordered.join('')) + s.end();
    },
  };
}

describe('LogShipper', () => {
  it('delivers every line in order in numbered chunks of at most the chunk size', async () => {
    const server = fakeServer();
    const shipper = new LogShipper({ send: server.send, maxChunkChars: 1000, flushMs: 5 });
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`);
    for (const l of lines) shipper.write(l);
    await shipper.close();
    expect(server.text()).toBe(lines.join(''));
    expect([...server.chunks.keys()]).toEqual([...Array(server.chunks.size).keys()]);
    for (const c of server.chunks.values()) expect(c.length).toBeLessThanOrEqual(1000);
  });

  it('keeps and resends chunks the server did not acknowledge', async () => {
    // Every chunk fails twice before it goes through, like a web server restarting.
    const tries = new Map<number, number>();
    const server = fakeServer((seq) => {
      tries.set(seq, (tries.get(seq) ?? 0) + 1);
      return tries.get(seq)! <= 2;
    });
    const shipper = new LogShipper({ send: server.send, maxChunkChars: 100, flushMs: 1 });
    const text = Array.from({ length: 8 }, (_, i) => `${i}\n`).join('');
    shipper.write(text);
    await shipper.close();
    expect(server.text()).toBe(text);
    expect(server.calls).toBe(server.chunks.size * 3);
  });

  it('masks a secret split across two writes', async () => {
    const server = fakeServer();
    const shipper = new LogShipper({ send: server.send, secrets: ['p4ssw0rd!'], flushMs: 1 });
    shipper.write('the password is p4ss');
    await new Promise((r) => setTimeout(r, 20)); // the first piece is flushed on its own
    shipper.write('w0rd! ok\n');
    await shipper.close();
    expect(server.text()).toBe('the password is *** ok\n');
  });

  it('stops at the limit with a visible marker and says how much was dropped', async () => {
    const server = fakeServer();
    const shipper = new LogShipper({ send: server.send, limitBytes: 1000, flushMs: 1 });
    for (let i = 0; i < 100; i++) shipper.write(`${'x'.repeat(99)}\n`);
    await shipper.close();
    const text = server.text();
    expect(shipper.truncated).toBe(true);
    expect(text).toContain(truncationMarker(1000).trim());
    expect(text).toMatch(/KiB of output past the limit were dropped/);
    expect(text.split('x'.repeat(99)).length - 1).toBeLessThanOrEqual(1000 / 26);
  });

  it('gives up on a refused attempt without retrying', async () => {
    const server = fakeServer(() => true);
    let gaveUp = false;
    const shipper = new LogShipper({
      send: server.send,
      isFatal: () => true,
      flushMs: 1,
      onGiveUp: () => (gaveUp = true),
    });
    shipper.write('a\n');
    await shipper.close();
    expect(gaveUp).toBe(true);
    expect(server.calls).toBe(1);
  });

  it('keeps several chunks in flight in a flood, and they still read back in order', async () => {
    let inFlight = 0;
    let most = 0;
    const chunks = new Map<number, string>();
    const shipper = new LogShipper({
      maxChunkChars: 100,
      maxInFlight: 4,
      send: async (seq, text) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5 + ((seq * 7) % 11))); // acknowledged out of order
        chunks.set(seq, text);
        inFlight--;
      },
    });
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}\n`);
    for (const l of lines) shipper.write(l);
    await shipper.close();
    expect(most).toBe(4);
    const s = new StampStripper();
    const ordered = [...chunks.keys()].sort((a, b) => a - b).map((k) => chunks.get(k)!);
    expect(s.strip(ordered.join('')) + s.end()).toBe(lines.join(''));
  });
});
