// An Express backend that mints plotboard embed tokens for its signed-in users.
//
//   PLOTBOARD_URL=http://127.0.0.1:8000 PLOTBOARD_API_KEY=pb_... PORT=3000 npm start
//
// The page asks POST /plotboard-token for a token and sets it on <plotboard-editor auth-token>.
import { randomBytes } from "node:crypto";

import { PlotboardClient, PlotboardError } from "@plotboard/node";
import express from "express";

const plotboard = new PlotboardClient({
  url: process.env.PLOTBOARD_URL,
  apiKey: process.env.PLOTBOARD_API_KEY, // a key with the tokens scope; it stays on this server
});

// --- a stand-in for your own users and sign-in (passport, express-session, ...) -------------
const USERS = {
  alice: { id: "alice", region: "North", offices: ["Paris", "London", "Berlin"] },
  bob: { id: "bob", region: "South", offices: ["New York", "Toronto", "São Paulo"] },
};
const sessions = new Map(); // session id -> user id

function signedInUser(req) {
  const cookie = (req.headers.cookie ?? "").split(/;\s*/).find((c) => c.startsWith("sid="));
  return USERS[sessions.get(cookie?.slice(4))] ?? null;
}

const app = express();
app.use(express.json());

app.post("/login", (req, res) => {
  const user = USERS[req.body?.user];
  if (!user) return res.status(401).json({ error: "unknown user" });
  const sid = randomBytes(24).toString("hex");
  sessions.set(sid, user.id);
  res.cookie("sid", sid, { httpOnly: true, sameSite: "lax" }).json({ user: user.id });
});

// --- the part that matters: a token for the signed-in user, never for the one a page names ---
app.post("/plotboard-token", async (req, res) => {
  const user = signedInUser(req);
  if (!user) return res.status(401).json({ error: "sign in first" });
  try {
    const { token, expiresAt } = await plotboard.mintToken(user.id, {
      attributes: { region: user.region, location: user.offices },
      expiresIn: 900,
    });
    res.json({ token, expiresAt });
  } catch (err) {
    if (!(err instanceof PlotboardError)) throw err;
    // Log plotboard's reason (and request id) for yourself; the page learns only that it failed.
    console.error(`plotboard refused a token for ${user.id}: ${err.message}`);
    res.status(502).json({ error: "analytics are unavailable right now" });
  }
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));
