import { Suspense } from "react";
import { UsersPage } from "@/components/users";

export const metadata = { title: "Users · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <UsersPage />
    </Suspense>
  );
}
