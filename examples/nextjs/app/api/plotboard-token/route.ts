// POST /api/plotboard-token: an embed token for the signed-in user, for <plotboard-editor>.
import { PlotboardClient, PlotboardError } from "@plotboard/node";

import { currentUser } from "@/lib/session";

let client: PlotboardClient | undefined;

/** One client per server process, created on first use (the build runs without the key). */
function plotboard(): PlotboardClient {
  client ??= new PlotboardClient({
    url: process.env.PLOTBOARD_URL ?? "",
    apiKey: process.env.PLOTBOARD_API_KEY ?? "", // a key with the tokens scope: server-side only
  });
  return client;
}

export async function POST(): Promise<Response> {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  try {
    const { token, expiresAt } = await plotboard().mintToken(user.id, {
      attributes: { region: user.region, location: user.offices },
      expiresIn: 900,
    });
    return Response.json({ token, expiresAt });
  } catch (err) {
    if (!(err instanceof PlotboardError)) throw err;
    // plotboard's reason and request id are for your logs; the page learns only that it failed.
    console.error(`plotboard refused a token for ${user.id}: ${err.message}`);
    return Response.json({ error: "analytics are unavailable right now" }, { status: 502 });
  }
}
