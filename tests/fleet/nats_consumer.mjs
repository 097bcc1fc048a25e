// SPDX-License-Identifier: GPL-2.0
// An independent consumer (the `nats` package from npm, not mmtrace): reads
// every message of a stream with an ordered consumer and prints one JSON
// line: the stream's own message count, the messages read, the distinct
// Nats-Msg-Id values and the count per subject's last token (the event).
// Usage: node nats_consumer.mjs SERVERS STREAM
import { connect } from "nats";

const [servers, stream] = process.argv.slice(2);
const nc = await connect({ servers: servers.split(","), timeout: 5000 });
const jsm = await nc.jetstreamManager();
const info = await jsm.streams.info(stream);
const js = nc.jetstream();
const c = await js.consumers.get(stream);
const ids = new Set();
const byEvent = {};
let read = 0;
const total = info.state.messages;
if (total > 0) {
  const msgs = await c.consume();
  const timer = setTimeout(() => msgs.stop(), 20000);
  for await (const m of msgs) {
    read++;
    ids.add(m.headers ? m.headers.get("Nats-Msg-Id") : "");
    const ev = m.subject.split(".").pop();
    byEvent[ev] = (byEvent[ev] || 0) + 1;
    if (read >= total) break;
  }
  clearTimeout(timer);
}
console.log(JSON.stringify({ messages: total, read, ids: ids.size, byEvent }));
await nc.close();
