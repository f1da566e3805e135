import { AccountPage } from "@/app/(dashboard)/account/account-page";

export const metadata = { title: "Your account · vintrace-sync" };

export default function Page() {
  return <AccountPage />;
}
