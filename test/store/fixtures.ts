import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mongoose from "mongoose";
import type { AuditEntry } from "../../src/domain/audit.js";
import type { ConversationState } from "../../src/domain/conversation.js";
import { newId } from "../../src/domain/ids.js";
import type { Order } from "../../src/domain/order.js";
import type { Payment } from "../../src/domain/payment.js";
import type { Proof } from "../../src/domain/proof.js";
import type { ProviderInstance } from "../../src/payments/registry/types.js";
import { createStore } from "../../src/store/index.js";
import { readServerProfile } from "../../src/store/mongo/server-profile.js";
import type { OutboxMessage, Store } from "../../src/store/types.js";

async function mongoServerName(uri: string): Promise<string> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    return (await readServerProfile(connection.db!)).name;
  } finally {
    await connection.close();
  }
}

/** The server MONGODB_URI names, e.g. "MongoDB 7.0.5" or "FerretDB v1.24.2"; unset without it. */
export const MONGO_SERVER = process.env.MONGODB_URI
  ? await mongoServerName(process.env.MONGODB_URI)
  : undefined;

/**
 * MongoDB's unique-index semantics that FerretDB 1.x lacks and Duka does not rely on (its unique
 * fields are all required, and it never reads the key of a duplicate-key error): FerretDB names no
 * key in E11000 answers, and a field missing from a unique index is distinct rather than null.
 */
export const MONGO_UNIQUE_SEMANTICS = !MONGO_SERVER?.startsWith("FerretDB v1");

/** A clock that only moves when told to, so "newest first" never depends on timing. */
export function at(minute: number): Date {
  return new Date(Date.UTC(2026, 0, 1, 0, minute));
}

export function makeOrder(overrides: Partial<Order> = {}): Order {
  return {
    _id: newId("ord"),
    tenantId: "t1",
    ref: `DK-${newId("ord").slice(4, 9).toUpperCase()}`,
    customer: { channel: "telegram", chatId: "100", name: "Wanjiku" },
    lines: [{ sku: "EGGS12", name: "Eggs, tray of 12", quantity: 2, unitAmount: 45050 }],
    total: { amount: 90100, currency: "KES" },
    status: "awaiting_payment",
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function makePayment(overrides: Partial<Payment> = {}): Payment {
  return {
    _id: newId("pay"),
    tenantId: "t1",
    orderId: "ord_1",
    orderRef: "DK-AAAAA",
    method: "mobile_money",
    provider: "mpesa",
    amount: { amount: 90100, currency: "KES" },
    status: "pending",
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function makeProof(overrides: Partial<Proof> = {}): Proof {
  return {
    _id: newId("prf"),
    tenantId: "t1",
    paymentId: "pay_1",
    orderId: "ord_1",
    orderRef: "DK-AAAAA",
    mediaId: newId("med"),
    mimeType: "image/jpeg",
    size: 1234,
    sha256: "a".repeat(64),
    submittedBy: { channel: "whatsapp", chatId: "254700000001@c.us" },
    submittedAt: at(0),
    status: "pending",
    ...overrides,
  };
}

export function makeInstance(overrides: Partial<ProviderInstance> = {}): ProviderInstance {
  return {
    _id: newId("pi"),
    tenantId: "t1",
    plugin: "mpesa",
    displayName: `M-Pesa ${newId("pi").slice(3, 9)}`,
    config: { shortcode: "174379", accounts: [{ bank: "KCB", number: "1234" }] },
    secrets: {},
    active: true,
    testMode: false,
    priority: 0,
    health: { status: "unknown" },
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function makeState(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    v: 2,
    step: { name: "choosing_quantity", sku: "EGGS12" },
    cart: [{ sku: "SUKUMA", quantity: 3 }],
    menu: [{ label: "1", data: "qty:1" }],
    seq: 4,
    ...overrides,
  };
}

export function makeOutbox(
  overrides: Partial<Omit<OutboxMessage, "status" | "sentCount">> = {},
): Omit<OutboxMessage, "status" | "sentCount" | "sentAt" | "failedAt" | "error"> {
  return {
    _id: newId("ob"),
    tenantId: "t1",
    to: { channel: "telegram", chatId: "100" },
    replies: [
      { text: "Order *DK-AAAAA* placed", choices: [[{ label: "Pay", data: "pay:1" }]] },
      { text: "Receipt", media: { mediaId: newId("med"), mimeType: "image/png" } },
    ],
    createdAt: at(0),
    ...overrides,
  };
}

export function makeAudit(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    _id: newId("aud"),
    tenantId: "t1",
    at: at(0),
    actor: "system",
    action: "order.placed",
    orderRef: "DK-AAAAA",
    detail: { total: 90100, when: "2026-01-01" },
    ...overrides,
  };
}

export function temporaryDirectory(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "duka-store-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * How the conformance suite gets a store. `open` gives an empty store; `reopen` closes it and
 * opens the same data again (persistent backends only).
 */
export interface StoreHarness {
  open(): Promise<Store>;
  reopen?(): Promise<Store>;
  /** Everything the backend has written for `collection`, as text (persistent backends only). */
  storedText?(collection: string): Promise<string>;
  /** Closes what is open and removes the test data. */
  dispose(): Promise<void>;
  /**
   * The queries no declared index served (embedded backends; MongoDB plans its own), as
   * `collection: fields`: each one's cost grows with the collection.
   */
  unindexedQueries?(): string[];
}

/** Records what the embedded engine reports as unindexed, for `unindexedQueries`. */
function unindexedRecorder() {
  const seen: string[] = [];
  return {
    onUnindexedQuery: (collection: string, filter: Record<string, unknown>) =>
      seen.push(`${collection}: ${Object.keys(filter).join(", ")}`),
    unindexedQueries: () => [...seen],
  };
}

/** A backend under test: `create` is called once per test. */
export interface StoreBackend {
  readonly name: string;
  /** Whether `reopen` exists: the data outlives the store object. */
  readonly persistent: boolean;
  /** Whether a DuplicateKeyError carries the refused key (see MONGO_UNIQUE_SEMANTICS). */
  readonly namesDuplicateKeys: boolean;
  create(): StoreHarness;
}

export const embeddedInMemory: StoreBackend = {
  name: "embedded (memory)",
  persistent: false,
  namesDuplicateKeys: true,
  create: () => {
    const media = temporaryDirectory();
    const { onUnindexedQuery, unindexedQueries } = unindexedRecorder();
    let store: Store | undefined;
    return {
      unindexedQueries,
      open: async () => {
        store = await createStore({ mediaDir: media.path, onUnindexedQuery });
        return store;
      },
      dispose: async () => {
        await store?.close();
        media.remove();
      },
    };
  },
};

export const embeddedJournaled: StoreBackend = {
  name: "embedded (dataDir)",
  persistent: true,
  namesDuplicateKeys: true,
  create: () => {
    const directory = temporaryDirectory();
    const { onUnindexedQuery, unindexedQueries } = unindexedRecorder();
    const options = {
      dataDir: join(directory.path, "data"),
      mediaDir: join(directory.path, "media"),
      onUnindexedQuery,
    };
    let store: Store | undefined;
    return {
      unindexedQueries,
      open: async () => {
        store = await createStore(options);
        return store;
      },
      reopen: async () => {
        await store?.close();
        store = await createStore(options);
        return store;
      },
      storedText: async (collection) =>
        readdirSync(options.dataDir)
          .filter((file) => file.startsWith(`${collection}.`))
          .map((file) => readFileSync(join(options.dataDir, file), "utf8"))
          .join("\n"),
      dispose: async () => {
        await store?.close();
        directory.remove();
      },
    };
  },
};

/** A fresh database per test on the server MONGODB_URI names; dropped afterwards. */
export const mongodb: StoreBackend = {
  name: MONGO_SERVER ?? "mongodb",
  persistent: true,
  namesDuplicateKeys: MONGO_UNIQUE_SEMANTICS,
  create: () => {
    const uri = new URL(process.env.MONGODB_URI ?? "mongodb://127.0.0.1:27017");
    uri.pathname = `/duka_test_${newId("ob").slice(3, 15)}`;
    const media = temporaryDirectory();
    let store: Store | undefined;
    const open = async () => {
      store = await createStore({ mongodbUri: uri.toString(), mediaDir: media.path });
      return store;
    };
    return {
      open,
      reopen: async () => {
        await store?.close();
        return open();
      },
      storedText: async (collection) => {
        const connection = await mongoose.createConnection(uri.toString()).asPromise();
        try {
          const documents = await connection.collection(collection).find({}).toArray();
          return mongoose.mongo.BSON.EJSON.stringify(documents);
        } finally {
          await connection.close();
        }
      },
      dispose: async () => {
        await store?.close();
        const connection = await mongoose.createConnection(uri.toString()).asPromise();
        await connection.dropDatabase();
        await connection.close();
        media.remove();
      },
    };
  },
};
