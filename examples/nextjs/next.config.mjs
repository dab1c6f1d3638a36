import { fileURLToPath } from "node:url";

/** @type {import("next").NextConfig} */
export default {
  // @plotboard/node is linked from ../../clients/node: let the bundler read files up there.
  turbopack: { root: fileURLToPath(new URL("../..", import.meta.url)) },
};
