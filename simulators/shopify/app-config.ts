// The app-wide webhook subscriptions the app declares in shopify.app.toml, which Shopify keeps for every shop the app
// is installed on through OAuth. Read from the repository's file, so the simulator delivers what a deploy declares.
import { readFileSync } from "node:fs";
import path from "node:path";

const APP_CONFIG = path.resolve(import.meta.dirname, "..", "..", "shopify.app.toml");

/** The topics of every `topics = [...]` line (compliance topics are not subscriptions of ours to duplicate). */
export function appConfigTopics(toml: string): string[] {
  const topics: string[] = [];
  for (const [, list] of toml.matchAll(/^\s*topics\s*=\s*\[([^\]]*)\]/gm)) {
    for (const [, topic] of list.matchAll(/"([^"]+)"/g)) topics.push(topic);
  }
  return topics;
}

export function appSubscriptionTopics(): string[] {
  return appConfigTopics(readFileSync(APP_CONFIG, "utf8"));
}
