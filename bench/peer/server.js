// Reference peer: the her2poll protocol subset the load generator uses, on the npm
// socket.io server, in memory (no database), so every her2poll figure has a ceiling.
// Usage: node server.js PORT
const http = require("http");
const { Server } = require("socket.io");

const receipts = new Set(); // participant:vote_id already applied (idempotent retries)
const answers = new Map(); // participant|question -> option
const counts = {}; // question -> option -> n
let voteSeq = 0, dirty = false, nextParticipant = 0;

const server = http.createServer((req, res) => {
  const body = req.url === "/api/sessions" ? { code: "PEER", moderator_secret: "peer" } : { status: "ok" };
  res.writeHead(req.url === "/api/sessions" ? 201 : 200, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
});
const io = new Server(server, { transports: ["websocket"] });

io.on("connection", (socket) => {
  socket.on("join", (p, ack) => {
    const role = p.role ?? "attendee"; // the protocol's default
    if (role === "moderator") socket.join("moderator");
    socket.data.pid = role === "attendee" ? `p${++nextParticipant}` : null;
    ack({ ok: true, role, participant: socket.data.pid, participant_token: socket.data.pid, answers: {}, state: {} });
  });
  socket.on("vote", (p, ack) => {
    const key = `${socket.data.pid}:${p.vote_id}`;
    if (receipts.has(key)) return ack({ ok: true, dup: true });
    receipts.add(key);
    const q = (counts[p.question_id] ??= {}), slot = `${socket.data.pid}|${p.question_id}`;
    if (answers.has(slot)) q[answers.get(slot)] -= 1;
    answers.set(slot, p.option_id);
    q[p.option_id] = (q[p.option_id] ?? 0) + 1;
    voteSeq += 1; dirty = true;
    ack({ ok: true, dup: false });
  });
  socket.on("control", (p, ack) => ack({ ok: true, state: {} }));
});

setInterval(() => { // coalesced tally to the moderator room, at most 10 Hz
  if (!dirty) return;
  dirty = false;
  const tallies = {};
  for (const [qid, c] of Object.entries(counts))
    tallies[qid] = { n: Object.values(c).reduce((a, b) => a + b, 0), counts: { ...c } };
  io.to("moderator").emit("tally", { vote_seq: voteSeq, tallies });
}, 100);

server.listen(Number(process.argv[2] || 8290), "127.0.0.1");
