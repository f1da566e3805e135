import { AccountPage } from "@/components/mail-account";

export const metadata = { title: "Your account · vintrace-sync" };

export default function Page() {
  return <AccountPage />;
}
