import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ClientAckWindow, ServerAckWindow } from "./ack-window.js";

describe("ClientAckWindow", () => {
  it("SET_ACK(1, 20) then 126 messages → ACK_SYNC(1) and 6 ACKs, as spice-gtk did live", () => {
    const a = new ClientAckWindow();
    expect(a.received()).toBe(false); // SET_ACK itself, counted before it is handled
    expect(a.setAck(1, 20)).toBe(1);
    const acks: number[] = [];
    for (let i = 1; i <= 126; i++) if (a.received()) acks.push(i);
    expect(acks).toEqual([20, 40, 60, 80, 100, 120]);
    expect(a.acksSent).toBe(6);
  });

  it("window 0 disables ACKs; a new SET_ACK restarts the count", () => {
    const a = new ClientAckWindow();
    a.setAck(1, 0);
    for (let i = 0; i < 100; i++) expect(a.received()).toBe(false);
    a.setAck(2, 3);
    expect([a.received(), a.received(), a.received(), a.received()]).toEqual([false, false, true, false]);
    a.setAck(3, 1);
    expect([a.received(), a.received()]).toEqual([true, true]);
  });
});

describe("ServerAckWindow", () => {
  it("stops after more than 2 windows unacknowledged and resumes on ACK of the current generation", () => {
    const s = new ServerAckWindow(20);
    expect(s.startWindow()).toEqual({ generation: 1, window: 20 });
    let sent = 0;
    while (s.canSend) s.sent(), sent++;
    expect(sent).toBe(41);
    s.onAck(); // before ACK_SYNC: ignored
    expect(s.canSend).toBe(false);
    s.onAckSync(1);
    s.onAck();
    expect(s.unacked).toBe(21);
    expect(s.canSend).toBe(true);
    // a new generation ignores ACKs of the old one until the client syncs
    expect(s.startWindow(40)).toEqual({ generation: 2, window: 40 });
    for (let i = 0; i < 10; i++) s.sent();
    s.onAck();
    expect(s.unacked).toBe(10);
    s.onAckSync(2);
    s.onAck();
    expect(s.unacked).toBe(0);
  });

  it("window 0 never blocks", () => {
    const s = new ServerAckWindow(0);
    for (let i = 0; i < 1000; i++) s.sent();
    expect(s.canSend).toBe(true);
  });

  it("a client that ACKs per its window never stalls the server (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 300 }), (window, n) => {
        const server = new ServerAckWindow(window);
        const client = new ClientAckWindow();
        const { generation } = server.startWindow();
        server.sent(); // SET_ACK
        client.received();
        server.onAckSync(client.setAck(generation, window));
        let stalled = 0;
        for (let i = 0; i < n; i++) {
          if (!server.canSend) stalled++;
          server.sent();
          if (client.received()) server.onAck();
        }
        expect(stalled).toBe(0);
        expect(server.unacked).toBeLessThanOrEqual(window + 1);
      }),
      { numRuns: 200 },
    );
  });
});
