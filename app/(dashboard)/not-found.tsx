import Link from "next/link";
import { EmptyState } from "@/components/ui";

export default function NotFound() {
  return (
    <EmptyState title="Page not found">
      <Link href="/" className="text-indigo-700 hover:underline">
        Back to the overview
      </Link>
    </EmptyState>
  );
}
