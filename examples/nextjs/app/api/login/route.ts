// Sign in as one of the sample users (a stand-in for your own sign-in).
import { USERS, sessionCookie } from "@/lib/session";

export async function POST(request: Request): Promise<Response> {
  const { user } = (await request.json().catch(() => ({}))) as { user?: string };
  if (!user || !(user in USERS)) return Response.json({ error: "unknown user" }, { status: 401 });
  const { name, value } = sessionCookie(user);
  const response = Response.json({ user });
  response.headers.set("Set-Cookie", `${name}=${value}; Path=/; HttpOnly; SameSite=Lax`);
  return response;
}
