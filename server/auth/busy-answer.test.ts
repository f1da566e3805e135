import { describe, expect, it } from "vitest";
import { busyAs429 } from "./busy-answer";

const answer = (url: string) => Response.json({ url }, { headers: { "set-cookie": "next-auth.csrf-token=x; Path=/" } });

describe("the sign-in answer when the server is busy", () => {
  it("is 429 with Retry-After, and keeps the body the login page reads its reason from", async () => {
    const busy = await busyAs429(answer("http://app.test/login?error=busy"));
    expect(busy.status).toBe(429);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(await busy.json()).toEqual({ url: "http://app.test/login?error=busy" });
  });

  it("leaves every other answer as it is", async () => {
    for (const url of ["http://app.test/login?error=invalid", "http://app.test/login?error=locked", "http://app.test/"]) {
      const response = await busyAs429(answer(url));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ url });
    }
    const redirect = new Response(null, { status: 302, headers: { location: "/login?error=busy" } });
    expect((await busyAs429(redirect)).status).toBe(302);
  });
});
