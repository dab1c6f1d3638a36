// A stand-in for your own authentication (NextAuth, Clerk, your session store, ...): the
// signed-in user comes from a signed cookie, never from what the page asks for.
import { createHmac, timingSafeEqual } from "node:crypto";

import { cookies } from "next/headers";

export interface User {
  id: string;
  region: string;
  offices: string[];
}

export const USERS: Record<string, User> = {
  alice: { id: "alice", region: "North", offices: ["Paris", "London", "Berlin"] },
  bob: { id: "bob", region: "South", offices: ["New York", "Toronto", "São Paulo"] },
};

const COOKIE = "session";

function sign(userId: string): string {
  const secret = process.env.SESSION_SECRET;
  if (!secret) throw new Error("set SESSION_SECRET");
  return createHmac("sha256", secret).update(userId).digest("hex");
}

export function sessionCookie(userId: string): { name: string; value: string } {
  return { name: COOKIE, value: `${userId}.${sign(userId)}` };
}

export async function currentUser(): Promise<User | null> {
  const value = (await cookies()).get(COOKIE)?.value ?? "";
  const dot = value.lastIndexOf(".");
  const userId = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), "hex");
  const expected = Buffer.from(sign(userId), "hex");
  if (dot < 1 || given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return USERS[userId] ?? null;
}
