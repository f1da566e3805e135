import { Loading } from "@/components/ui";

export default function DashboardLoading() {
  return <Loading />;
}
