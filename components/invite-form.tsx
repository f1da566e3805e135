"use client";

// Inviting someone to a winery by email, as an owner or staff: the Users page (a winery's owners) and the Wineries
// page (support staff) both use it; the caller sends the invitation.
import { useState } from "react";
import { firstError } from "@/components/field-errors";
import { Button, Field, Notice, Select, TextInput } from "@/components/ui";

export function InviteForm({
  idPrefix,
  pending,
  error,
  onInvite,
}: {
  idPrefix: string;
  pending: boolean;
  error: { message: string; data?: { fieldErrors?: unknown } | null } | null;
  onInvite: (email: string, membershipRole: "OWNER" | "STAFF", done: () => void) => void;
}) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"OWNER" | "STAFF">("STAFF");
  const errors = error?.data?.fieldErrors;
  return (
    <form
      aria-label="Invite a user"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onInvite(email, role, () => setEmail(""));
      }}
      className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-start"
    >
      <Field id={`${idPrefix}-email`} label="Email" error={firstError(errors, "email")}>
        <TextInput id={`${idPrefix}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} invalid={Boolean(firstError(errors, "email"))} />
      </Field>
      <Field id={`${idPrefix}-role`} label="Role">
        <Select id={`${idPrefix}-role`} value={role} onChange={(e) => setRole(e.target.value as "OWNER" | "STAFF")}>
          <option value="STAFF">Staff</option>
          <option value="OWNER">Owner (manages users)</option>
        </Select>
      </Field>
      <Button type="submit" variant="primary" className="sm:mt-6" disabled={pending || !email.trim()}>
        {pending ? "Sending…" : "Send invitation"}
      </Button>
      {error && !errors && (
        <div className="sm:col-span-3">
          <Notice tone="error">{error.message}</Notice>
        </div>
      )}
    </form>
  );
}
