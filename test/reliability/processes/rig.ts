/**
 * What the process tests share: the emulators (Telegram, Paystack, Daraja) in the test process,
 * a cluster of Duka processes pointed at them (test/reliability/harness/processes.ts), the
 * shopper's paths to a pending payment, and the invariant checks of reliability.md §4.0.
 */
import { randomBytes } from "node:crypto";
import type { DarajaEmulator } from "../../../sandbox/daraja/index.js";
import { freePort } from "../../../sandbox/free-port.js";
import type { PaystackEmulator, PaystackEmulatorOptions } from "../../../sandbox/paystack/index.js";
import {
  type ChatMessage,
  createTelegramEmulator,
  type TelegramEmulator,
  type TelegramUser,
} from "../../../sandbox/telegram/index.js";
import { loadConfig } from "../../../src/config/index.js";
import type { Store } from "../../../src/store/types.js";
import { button, MERCHANT_ID, referenceIn } from "../../helpers/shop.js";
import { createOwnFerretDb, type OwnFerretDb } from "../harness/ferretdb.js";
import { ask, IMPATIENT, type Patience } from "../harness/patience.js";
import { type Cluster, createCluster } from "../harness/processes.js";
import { startProviderEmulators } from "../harness/providers.js";

export const ADMIN_TOKEN = "admin-token-for-process-tests-0123";
export const TENANT_ID = loadConfig({}).tenantId;

export interface Rig {
  readonly cluster: Cluster;
  readonly telegram: TelegramEmulator;
  readonly paystack: PaystackEmulator;
  readonly daraja: DarajaEmulator;
  readonly merchant: TelegramUser;
  /** One PUBLIC_URL for every web process; webhooks are sent to whichever `webPorts` the test picks. */
  readonly publicPort: number;
  close(): Promise<void>;
}

/**
 * Emulators and a cluster on MONGODB_URI when set. Otherwise the embedded store, or with
 * `multiProcess` a FerretDB of the rig's own (harness/ferretdb.ts), so that tests running several
 * processes need no variable (see multiProcessStoreAvailable).
 */
export async function startRig(
  env: Record<string, string> = {},
  paystackOptions: PaystackEmulatorOptions = {},
  { multiProcess = false }: { multiProcess?: boolean } = {},
): Promise<Rig> {
  const [telegram, providers] = await Promise.all([
    createTelegramEmulator(),
    startProviderEmulators(paystackOptions),
  ]);
  const { paystack, daraja } = providers;
  let ferret: OwnFerretDb | undefined;
  if (multiProcess && !process.env.MONGODB_URI) {
    ferret = await createOwnFerretDb();
    await ferret.start();
  }
  const mongodbUri = process.env.MONGODB_URI ?? ferret?.uri("duka");
  const publicPort = await freePort();
  const cluster = await createCluster({
    ...(mongodbUri ? { mongodbUri } : {}),
    env: {
      TELEGRAM_BOT_TOKEN: telegram.botToken,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      MERCHANT_CHAT_IDS: `telegram:${MERCHANT_ID}`,
      PUBLIC_URL: `http://127.0.0.1:${publicPort}`,
      ...providers.env,
      ADMIN_TOKEN,
      // Given, not generated: processes starting together would each write a key file of their own.
      DUKA_MASTER_KEY: randomBytes(32).toString("base64"),
      PROOF_REMINDER_MINUTES: "0",
      // Settling is the webhooks' job here: the reconciler stays out of the way.
      RECONCILE_DELAYS_SECONDS: "3600",
      DUKA_TEST_TIMINGS: "1",
      ...env,
    },
  });
  return {
    cluster,
    telegram,
    paystack,
    daraja,
    merchant: telegram.user({ id: MERCHANT_ID, firstName: "Baraka" }),
    publicPort,
    async close() {
      await cluster.close();
      await Promise.all([telegram.close(), providers.close()]);
      await ferret?.close();
    },
  };
}

/** The provider instances as the admin API lists them. */
export async function providerInstances(
  port: number,
): Promise<{ id: string; plugin: string; active: boolean }[]> {
  const response = await fetch(`http://127.0.0.1:${port}/admin/api/providers`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!response.ok) throw new Error(`GET /admin/api/providers: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; plugin: string; active: boolean }[];
}

/** The webhook URL of `plugin`'s instance on the web process at `port`. */
export async function webhookUrl(port: number, plugin: "paystack" | "mpesa"): Promise<string> {
  const instance = (await providerInstances(port)).find((candidate) => candidate.plugin === plugin);
  if (!instance) throw new Error(`no ${plugin} instance`);
  return `http://127.0.0.1:${port}/webhooks/${plugin}/${instance.id}`;
}

/** /start → Sukuma × 2 → checkout → `method`: the message after choosing it, matching `expected`. */
async function checkout(shopper: TelegramUser, method: string, expected: RegExp, patience: Patience) {
  const catalog = await ask(shopper, () => shopper.sendText("/start"), /Choose a product/, patience);
  const pick = (message: ChatMessage, label: string) => () =>
    shopper.pressButton(message, button(message, label));
  const prompt = await ask(shopper, pick(catalog, "Sukuma"), /How many/, patience);
  const added = await ask(shopper, pick(prompt, "2"), /Added/, patience);
  const methods = await ask(shopper, pick(added, "Checkout"), /How would you like to pay/, patience);
  return ask(shopper, pick(methods, method), expected, patience);
}

/** A card order up to the Paystack link: its reference and the Paystack access code. */
export async function orderByCard(
  shopper: TelegramUser,
  patience: Patience = IMPATIENT,
): Promise<{ ref: string; accessCode: string }> {
  await checkout(shopper, "Card (Paystack)", /e-mail/, patience);
  const link = await ask(
    shopper,
    () => shopper.sendText(`shopper${shopper.id}@example.com`),
    (message) => message.buttons.some((b) => b.url !== undefined),
    patience,
  );
  return {
    ref: referenceIn(link),
    accessCode: link.buttons
      .find((b) => b.url)!
      .url!.split("/")
      .at(-1)!,
  };
}

/** An M-Pesa order up to "check your phone": its reference. */
export async function orderByMpesa(
  shopper: TelegramUser,
  phone: string,
  patience: Patience = IMPATIENT,
): Promise<string> {
  await checkout(shopper, "M-Pesa", /Which M-Pesa number/, patience);
  return referenceIn(await ask(shopper, () => shopper.sendText(phone), /Check your phone/, patience));
}

/** A transfer order with its receipt sent: its reference. */
export async function orderByTransfer(
  shopper: TelegramUser,
  receipt: Uint8Array,
  patience: Patience = IMPATIENT,
): Promise<string> {
  const ref = referenceIn(await checkout(shopper, "Bank transfer / manual", /DK-/, patience));
  await ask(
    shopper,
    () => shopper.sendPhoto(receipt),
    new RegExp(`${ref}[\\s\\S]*merchant|merchant[\\s\\S]*${ref}`),
    patience,
  );
  return ref;
}

/** The shopper's messages saying `ref` is paid. */
export function confirmationsOf(shopper: TelegramUser, ref: string): number {
  return shopper
    .messages()
    .filter((message) => /confirmed/.test(message.text ?? "") && (message.text ?? "").includes(ref)).length;
}

export interface InvariantReport {
  /** Orders paid with exactly one succeeded payment and one settlement audit entry. */
  readonly paidOnce: number;
  /** Orders breaking that (not paid, several succeeded payments or settlements). */
  readonly broken: string[];
  /** Payments of these orders still pending although their order is paid or they succeeded elsewhere. */
  readonly strandedPending: string[];
  /** Inbox rows still `received` (neither processed nor explained as ignored or failed). */
  readonly unprocessedInbox: number;
}

/** checkInvariants on the cluster's store, opened for it (embedded: only while no process runs). */
export async function clusterInvariants(rig: Rig, refs: readonly string[]): Promise<InvariantReport> {
  const store = await rig.cluster.openStore();
  try {
    return await checkInvariants(store, refs);
  } finally {
    await store.close();
  }
}

/**
 * reliability.md §4.0's checks on the orders `refs`: each paid with exactly one succeeded payment
 * and one settlement; no payment of a paid order left pending; no inbox row left unprocessed.
 */
export async function checkInvariants(store: Store, refs: readonly string[]): Promise<InvariantReport> {
  const broken: string[] = [];
  const strandedPending: string[] = [];
  let paidOnce = 0;
  // Each list read once, not once per order: on FerretDB 1.x every such query scans its collection.
  const everything = 1_000_000;
  const orders = new Map(
    (await store.orders.listByStatus(TENANT_ID, undefined, everything)).map((order) => [order.ref, order]),
  );
  const settlements = new Map<string, number>();
  for (const action of ["payment.settled", "payment.confirmed"]) {
    for (const { orderRef = "" } of await store.audit.list(TENANT_ID, { action }, everything))
      settlements.set(orderRef, (settlements.get(orderRef) ?? 0) + 1);
  }
  for (const ref of refs) {
    const order = orders.get(ref);
    if (!order) {
      broken.push(`${ref}: no order`);
      continue;
    }
    const payments = await store.payments.listByOrder(TENANT_ID, order._id);
    const succeeded = payments.filter((payment) => payment.status === "succeeded");
    const settled = settlements.get(ref) ?? 0;
    if (order.status === "paid" && succeeded.length === 1 && settled === 1) paidOnce += 1;
    else
      broken.push(`${ref}: ${order.status}, ${succeeded.length} succeeded payments, ${settled} settlements`);
    for (const payment of payments) {
      if (payment.status === "pending" && order.status === "paid") strandedPending.push(payment._id);
    }
  }
  const unprocessedInbox = (await store.inbox.listReceived(new Date(), 10_000)).length;
  return { paidOnce, broken, strandedPending, unprocessedInbox };
}
