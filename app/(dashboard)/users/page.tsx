import { Suspense } from "react";
import { UsersPage } from "@/app/(dashboard)/users/users-page";

export const metadata = { title: "Users · vintrace-sync" };

export default function Page() {
  return (
    <Suspense>
      <UsersPage />
    </Suspense>
  );
}
