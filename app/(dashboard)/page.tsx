import { WineryList } from "@/components/winery-list";

export default function OverviewPage() {
  return (
    <section>
      <h1 className="mb-4 text-lg font-semibold">Wineries</h1>
      <WineryList />
    </section>
  );
}
