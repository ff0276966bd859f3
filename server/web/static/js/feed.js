// A branch's live events with snapshot + seq recovery: apply an event only when its seq is
// exactly the last one + 1; on a gap or a reconnect, ask the server for what was missed.

const BRANCH_EVENTS = ["ticket_issued", "ticket_called", "ticket_updated", "queue_changed", "counter_changed", "alert"];
const ACK_TIMEOUT = 8000;

export class BranchFeed {
  /**
   * @param {object} options
   * @param {object} options.auth Socket.IO auth ({token})
   * @param {number} options.branchId
   * @param {(snapshot: object) => void} options.onSnapshot a full state, replacing everything
   * @param {(name: string, data: object, meta: {live: boolean}) => void} options.onEvent one event, in seq order
   * @param {(state: string) => void} [options.onStatus] "online" | "offline" | "rejected"
   * @param {object} [options.extra] other server messages to listen to: name -> handler
   */
  constructor(options) {
    Object.assign(this, { onStatus: () => {}, extra: {} }, options);
    this.seq = null;
    this.syncing = false;
    this.buffer = [];
  }

  start() {
    // eslint-disable-next-line no-undef -- vendored socket.io.min.js defines io
    this.socket = io({ auth: this.auth, reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    this.socket.on("connect", () => {
      this.onStatus("online");
      if (this.seq === null) this.subscribe();
      else this.resync();
    });
    this.socket.on("disconnect", () => this.onStatus("offline"));
    this.socket.on("connect_error", () => this.onStatus(this.socket.active ? "offline" : "rejected"));
    BRANCH_EVENTS.forEach((name) => this.socket.on(name, (data) => this.handle([name, data, true])));
    Object.entries(this.extra).forEach(([name, handler]) => this.socket.on(name, handler));
    return this;
  }

  emit(name, data) {
    this.socket?.emit(name, data);
  }

  /** Emit and resolve with the server's ack (null when it does not answer in time). */
  request(name, data) {
    return new Promise((resolve) => this.socket.timeout(ACK_TIMEOUT).emit(name, data, (err, ack) => resolve(err ? null : ack)));
  }

  subscribe() {
    this.syncing = true;
    this.socket.timeout(ACK_TIMEOUT).emit("subscribe", { branch_id: this.branchId }, (err, ack) => {
      if (err || !ack?.snapshot) return this.failed(ack);
      this.finish([], ack.snapshot);
    });
  }

  /** Ask for every event after our seq (or a snapshot when they are no longer kept). */
  resync(pending) {
    this.syncing = true;
    if (pending) this.buffer.push(pending);
    const request = { branch_id: this.branchId, since_seq: this.seq };
    this.socket.timeout(ACK_TIMEOUT).emit("sync", request, (err, ack) => {
      if (err || !(ack?.events || ack?.snapshot)) return this.failed(ack);
      this.finish((ack.events || []).map((e) => [e.event, e.data, false]), ack.snapshot);
    });
  }

  failed(ack) {
    this.syncing = false;
    if (ack?.status === 401 || ack?.status === 403) return this.onStatus("rejected");
    setTimeout(() => this.socket.connected && (this.seq === null ? this.subscribe() : this.resync()), 1000);
  }

  finish(missed, snapshot) {
    if (snapshot) {
      this.seq = snapshot.seq;
      this.onSnapshot(snapshot);
    }
    const queued = [...missed, ...this.buffer];
    this.buffer = [];
    this.syncing = false;
    queued.forEach((item) => this.handle(item));
  }

  handle(item) {
    const [name, data, live] = item;
    if (this.syncing) return void this.buffer.push(item);
    if (data?.seq == null) return void this.onEvent(name, data, { live });
    if (data.seq <= this.seq) return; // already applied (or part of the snapshot)
    if (data.seq !== this.seq + 1) return void this.resync(item);
    this.seq = data.seq;
    this.onEvent(name, data, { live });
  }
}
