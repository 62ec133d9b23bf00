/**
 * The architecture test's rules (DESIGN §1): the layers only point down, nothing cycles (type
 * imports included: the swc parser keeps them), and nothing in src/ reaches the sandbox.
 * Run by test/architecture.test.ts; `npx depcruise src` shows the same report.
 */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "Modules depend on each other one way; a cycle (even through types) ties layers together.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-sandbox-in-src",
      severity: "error",
      comment: "The emulators and the demo are for tests; the production build never holds them.",
      from: { path: "^src/" },
      to: { path: "^sandbox/" },
    },
    {
      name: "domain-is-the-base",
      severity: "error",
      comment: "The neutral vocabulary imports nothing of Duka's outside itself.",
      from: { path: layer("domain") },
      to: { path: "^src/", pathNot: layer("domain") },
    },
    {
      name: "dialogue-is-pure",
      severity: "error",
      comment: "The dialogue sees the domain and the catalog's types only: no channel, provider, store or queue.",
      from: { path: layer("conversations") },
      to: { path: "^src/", pathNot: [layer("domain"), layer("conversations"), layer("catalog")] },
    },
    {
      name: "payments-below-dialogue-and-channels",
      severity: "error",
      comment: "Providers settle payments; they know nothing of the dialogue, channels, shop or queues.",
      from: { path: layer("payments") },
      to: { path: [layer("conversations"), layer("bot"), layer("shop"), layer("queue"), layer("server"), layer("webhooks"), "^src/app"] },
    },
    {
      name: "store-below-services",
      severity: "error",
      comment: "The store defines its own repository contracts; services depend on it, not the reverse.",
      from: { path: layer("store") },
      to: { path: [layer("payments"), layer("conversations"), layer("bot"), layer("shop"), layer("queue"), layer("server")] },
    },
    {
      name: "channels-below-shop",
      severity: "error",
      comment: "Channel adapters translate; they never reach the dialogue, payments or shop services.",
      from: { path: layer("bot") },
      to: { path: [layer("conversations"), layer("payments"), layer("shop"), layer("queue")] },
    },
    {
      name: "only-main-assembles",
      severity: "error",
      comment: "The composition root is imported by the entry points only.",
      from: { path: "^src/", pathNot: ["^src/main\\.ts$", "^src/cli/", "^src/app"] },
      to: { path: "^src/app(\\.ts$|/)" },
    },
  ],
  options: {
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
