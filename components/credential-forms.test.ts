import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { AppRouterContext, type AppRouterInstance } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { SearchParamsContext } from "next/dist/shared/lib/hooks-client-context.shared-runtime";
import { describe, expect, it } from "vitest";
import { AcceptInvitationForm } from "../app/invite/[token]/accept-form";
import { ResetPasswordForm } from "../app/reset-password/[token]/reset-form";
import { LoginForm } from "../app/login/login-form";

// If a form's script fails to load, the browser submits it natively: as a GET, the email and password would go into
// the address, the history and the server's logs. With method="post" they stay in the body.

const router = { push: () => {}, replace: () => {}, refresh: () => {}, back: () => {}, forward: () => {}, prefetch: () => {} } as unknown as AppRouterInstance;

function rendered(form: ReactElement): string {
  return renderToStaticMarkup(
    createElement(AppRouterContext.Provider, { value: router }, createElement(SearchParamsContext.Provider, { value: new URLSearchParams() }, form)),
  );
}

describe("forms that carry a password", () => {
  it.each([
    ["the sign-in form", () => createElement(LoginForm)],
    ["the password reset form", () => createElement(ResetPasswordForm, { token: "t", email: "a@b.test" })],
    ["the invitation form", () => createElement(AcceptInvitationForm, { token: "t", email: "a@b.test", hasAccount: true })],
  ])("%s submits natively as a POST", (_, form) => {
    const html = rendered(form());
    expect(html).toMatch(/<input[^>]*type="password"/);
    expect(html).toMatch(/^<form [^>]*method="post"/);
  });
});
