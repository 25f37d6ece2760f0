// Reference peer: the her2poll protocol subset the load generator uses, on the npm
// socket.io server, in memory (no database), so every her2poll figure has a ceiling.
// Usage: node server.js PORT
const http = require("http");
const { Server } = require("socket.io");

const receipts = new Set(); // participant:vote_id already applied (idempotent retries)
const answers = new Map(); // participant|question -> option
const counts = {}; // question -> option -> n
let voteSeq = 0, dirty = false, nextParticipant = 0;
// Audience Q&A, just what the bench's qa phase sends: settings, ask, upvote.
const qaSettings = { open: true, premoderate: true, names: false, filter: [] };
const qaQuestions = new Map(); // id -> question
const qaUpvotes = new Set(); // participant|question
let qaSeq = 0, qaDirty = false, nextQuestion = 0;

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
  socket.on("qa_settings", (p, ack) => {
    for (const k of Object.keys(qaSettings)) if (k in p) qaSettings[k] = p[k];
    qaSeq += 1; qaDirty = true;
    ack({ ok: true, settings: { ...qaSettings } });
  });
  socket.on("qa_ask", (p, ack) => {
    if (!qaSettings.open) return ack({ ok: false, code: "qa_closed", message: "Q&A is closed" });
    const q = { id: ++nextQuestion, text: String(p.text).trim(), name: null,
                status: qaSettings.premoderate ? "pending" : "approved", votes: 0 };
    qaQuestions.set(q.id, q);
    qaSeq += 1; qaDirty = true;
    ack({ ok: true, dup: false, question: { id: q.id, text: q.text, name: null, status: q.status } });
  });
  socket.on("qa_upvote", (p, ack) => {
    const q = qaQuestions.get(p.question_id);
    if (!q || q.status !== "approved") return ack({ ok: false, code: "qa_not_found", message: "no such question" });
    const key = `${socket.data.pid}|${q.id}`, up = p.up === true, changed = up !== qaUpvotes.has(key);
    if (changed) { up ? qaUpvotes.add(key) : qaUpvotes.delete(key); q.votes += up ? 1 : -1; qaSeq += 1; qaDirty = true; }
    ack({ ok: true, up, changed });
  });
});

setInterval(() => { // coalesced tally to the moderator room, at most 10 Hz
  if (!dirty) return;
  dirty = false;
  const tallies = {};
  for (const [qid, c] of Object.entries(counts))
    tallies[qid] = { n: Object.values(c).reduce((a, b) => a + b, 0), counts: { ...c } };
  io.to("moderator").emit("tally", { vote_seq: voteSeq, tallies });
}, 100);

setInterval(() => { // coalesced Q&A queue to the moderator room, at most 10 Hz
  if (!qaDirty) return;
  qaDirty = false;
  const questions = [...qaQuestions.values()].map((q) => ({ ...q, pinned: false, edited: false, filtered: false, merged_into: null }));
  const counts = { pending: 0, approved: 0, answered: 0, dismissed: 0, merged: 0 };
  for (const q of questions) counts[q.status] += 1;
  io.to("moderator").emit("qa", { qa_seq: qaSeq, settings: { ...qaSettings }, counts, questions });
}, 100);

server.listen(Number(process.argv[2] || 8290), "127.0.0.1");
