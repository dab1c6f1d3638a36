// @plotboard/node against a running plotboard: PLOTBOARD_URL and PLOTBOARD_API_KEY (a key with
// the tokens scope) come from the environment; tests/sdk/test_node_client.py starts
// `plotboard demo` and runs these with `node --test` after `npm run build`.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";

import { PlotboardClient, PlotboardError } from "../dist/index.js";

const url = process.env.PLOTBOARD_URL;
const apiKey = process.env.PLOTBOARD_API_KEY;
if (!url || !apiKey) throw new Error("set PLOTBOARD_URL and PLOTBOARD_API_KEY (a running plotboard)");
const NOT_A_KEY = "pb_notakey00_" + "0".repeat(40);
const NORTH = { region: "North", location: ["Paris", "London", "Berlin"] };
const plotboard = new PlotboardClient({ url, apiKey });

async function refusal(promise) {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PlotboardError, `expected a PlotboardError, got ${err}`);
    return err;
  }
  assert.fail("expected the request to be refused");
}

describe("mintToken", () => {
  test("mints a token for the user, with their attributes, that the embed API accepts", async () => {
    const before = Date.now();
    const minted = await plotboard.mintToken("alice", {
      attributes: NORTH,
      aiContextClues: { tone: "concise" },
      permissions: { dashboards: "view" },
      expiresIn: 900,
    });
    assert.equal(minted.token.split(".").length, 3);
    assert.ok(minted.expiresAt instanceof Date);
    assert.ok(Math.abs(minted.expiresAt.getTime() - (before + 900_000)) < 30_000);

    const info = await plotboard.introspectToken(minted.token);
    assert.equal(info.valid, true);
    assert.equal(info.userId, "alice");
    assert.deepEqual(info.attributes, NORTH);
    assert.deepEqual(info.aiContextClues, { tone: "concise" });
    assert.deepEqual(info.permissions, { dashboards: "view", ai: true, sql: false });
    assert.equal(new Date(info.expiresAt).getTime(), minted.expiresAt.getTime());

    const answer = await fetch(`${url}/api/v1/embed/dashboards`, {
      headers: { Authorization: `Bearer ${minted.token}` },
    });
    assert.equal(answer.status, 200);
  });

  test("leaves what is not given to plotboard's defaults", async () => {
    const minted = await plotboard.mintToken("bob");
    const info = await plotboard.introspectToken(minted.token);
    assert.deepEqual(info.attributes, {});
    assert.deepEqual(info.permissions, { dashboards: "edit", ai: true, sql: false });
    assert.ok(Math.abs(minted.expiresAt.getTime() - (Date.now() + 3_600_000)) < 30_000);
  });

  test("an invalid token is reported, not thrown", async () => {
    const info = await plotboard.introspectToken("not-a-token");
    assert.equal(info.valid, false);
    assert.equal(info.code, "invalid_token");
  });
});

describe("errors", () => {
  test("a wrong key: 401 invalid_api_key with plotboard's detail and request id", async () => {
    const err = await refusal(new PlotboardClient({ url, apiKey: NOT_A_KEY }).mintToken("alice"));
    assert.equal(err.status, 401);
    assert.equal(err.code, "invalid_api_key");
    assert.equal(err.detail, "The API key is not valid.");
    assert.match(err.requestId, /^[0-9a-f]{32}$/);
    assert.equal(err.message, `401 invalid_api_key: The API key is not valid. (request id ${err.requestId})`);
    assert.equal(err.name, "PlotboardError");
  });

  test("a wrong attribute: 422 with the field to blame", async () => {
    const err = await refusal(plotboard.mintToken("alice", { attributes: { region: 7 } }));
    assert.equal(err.status, 422);
    assert.equal(err.code, "invalid_attribute");
    assert.deepEqual(err.errors, [{ field: "attributes.region", message: "must be a string, got a number" }]);
    assert.match(err.requestId, /^[0-9a-f]{32}$/);
  });

  test("expiresIn out of range: 422 invalid_request on expires_in", async () => {
    const err = await refusal(plotboard.mintToken("alice", { expiresIn: 10 }));
    assert.equal(err.code, "invalid_request");
    assert.deepEqual(err.errors.map((e) => e.field), ["expires_in"]);
  });

  describe("without an answer", () => {
    let silent;
    let closedPort;
    before(async () => {
      silent = net.createServer(() => {}); // accepts connections, never answers
      await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const probe = net.createServer();
      await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
      closedPort = probe.address().port;
      await new Promise((resolve) => probe.close(resolve));
    });
    after(() => silent.close());

    test("nobody at the address: status 0, unreachable", async () => {
      const client = new PlotboardClient({ url: `http://127.0.0.1:${closedPort}`, apiKey: NOT_A_KEY });
      const err = await refusal(client.mintToken("alice"));
      assert.equal(err.status, 0);
      assert.equal(err.code, "unreachable");
      assert.match(err.detail, /could not reach plotboard at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    });

    test("no answer in time: status 0, timeout", async () => {
      const port = silent.address().port;
      const client = new PlotboardClient({ url: `http://127.0.0.1:${port}`, apiKey: NOT_A_KEY, timeoutMs: 300 });
      const err = await refusal(client.mintToken("alice"));
      assert.equal(err.status, 0);
      assert.equal(err.code, "timeout");
    });
  });

  test("a bad url or an empty key is refused at once", () => {
    assert.throws(() => new PlotboardClient({ url: "analytics.example.com", apiKey: NOT_A_KEY }), /url must start/);
    assert.throws(() => new PlotboardClient({ url, apiKey: "" }), /apiKey is empty/);
  });
});
