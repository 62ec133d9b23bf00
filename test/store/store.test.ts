import { describe } from "vitest";
import { embeddedInMemory, embeddedJournaled, mongodb } from "./fixtures.js";
import { storeConformance } from "./store-conformance.js";

describe.each([embeddedInMemory, embeddedJournaled])("store conformance: $name", (backend) => {
  storeConformance(backend);
});

// No MongoDB server can run on the build and CI machines; point MONGODB_URI at one to run the
// same suite against the production backend.
describe.skipIf(!process.env.MONGODB_URI)("store conformance: mongodb", () => {
  storeConformance(mongodb);
});
