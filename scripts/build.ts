// `npm run build`: `next build`, stamped with the revision it was built from, which is what `npm start` checks. After
// it, `npm start` serves this build and never builds again.
import { build } from "./stack";

await build();
console.log("Built. Start it with `npm start`.");
