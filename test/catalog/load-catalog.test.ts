import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP, formatPath, loadCatalog, parseCatalog } from "../../src/catalog/index.js";
import { ConfigError } from "../../src/domain/errors.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/catalog.yaml", import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "duka-catalog-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

/** The ConfigError message `promise` rejects with; fails the test if it resolves. */
async function errorOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error("expected the catalog to be rejected");
    },
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

/** parseCatalog's error message for `data` named `shop.yaml`. */
function parseError(data: unknown, manualInstructions?: string): string {
  try {
    parseCatalog(data, { source: "shop.yaml", ...(manualInstructions ? { manualInstructions } : {}) });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected parseCatalog to throw");
}

const VALID_YAML = `
shop: { name: "Mama Mboga", currency: KES, locale: en }
paymentInstructions: "Pay to Till 123456, then send a photo of the receipt."
products:
  - { sku: SUKUMA, name: "Sukuma wiki (bunch)", price: 30 }
  - { sku: EGGS12, name: "Eggs, tray of 12", price: 450.50, description: "Kienyeji" }
`;

const valid = () => ({
  shop: { name: "Duka", currency: "KES" },
  paymentInstructions: "Pay to Till 123456",
  products: [
    { sku: "A1", name: "First", price: 10 },
    { sku: "B2", name: "Second", price: 20.5 },
    { sku: "C3", name: "Third", price: 30 },
  ],
});

describe("loadCatalog", () => {
  it("reads the DESIGN §7 example as YAML, prices in minor units", async () => {
    const catalog = await loadCatalog({ file: await write("shop.yaml", VALID_YAML) });
    expect(catalog).toEqual({
      shop: { name: "Mama Mboga", currency: "KES", locale: "en" },
      paymentInstructions: "Pay to Till 123456, then send a photo of the receipt.",
      products: [
        { sku: "SUKUMA", name: "Sukuma wiki (bunch)", price: { amount: 3000, currency: "KES" } },
        {
          sku: "EGGS12",
          name: "Eggs, tray of 12",
          price: { amount: 45050, currency: "KES" },
          description: "Kienyeji",
        },
      ],
    });
    expect(Object.isFrozen(catalog.products[0])).toBe(true);
  });

  it("reads .yml too", async () => {
    const catalog = await loadCatalog({ file: await write("shop.yml", VALID_YAML) });
    expect(catalog.products).toHaveLength(2);
  });

  it("reads JSON, with locale defaulting to en", async () => {
    const json = JSON.stringify({
      shop: { name: "Kampala Fresh", currency: "UGX" },
      paymentInstructions: "Send to MTN MoMo 0772000000",
      products: [{ sku: "MATOOKE", name: "Matooke (bunch)", price: 25000 }],
    });
    const catalog = await loadCatalog({ file: await write("shop.json", json) });
    expect(catalog.shop).toEqual({ name: "Kampala Fresh", currency: "UGX", locale: "en" });
    expect(catalog.products[0]?.price).toEqual({ amount: 25000, currency: "UGX" });
  });

  it("lets MANUAL_PAYMENT_INSTRUCTIONS override the file, and stand in for a missing one", async () => {
    const file = await write("override.yaml", VALID_YAML);
    expect((await loadCatalog({ file, manualInstructions: " Cash on delivery " })).paymentInstructions).toBe(
      "Cash on delivery",
    );
    const without = await write(
      "no-instructions.yaml",
      "shop: { name: X, currency: KES }\nproducts: [{ sku: A, name: A, price: 1 }]\n",
    );
    expect((await loadCatalog({ file: without, manualInstructions: "Pay cash" })).paymentInstructions).toBe(
      "Pay cash",
    );
  });

  it("requires payment instructions from somewhere", async () => {
    const file = await write(
      "none.yaml",
      "shop: { name: X, currency: KES }\nproducts: [{ sku: A, name: A, price: 1 }]\n",
    );
    expect(await errorOf(loadCatalog({ file }))).toBe(
      `Catalog ${file}: paymentInstructions: is required (or set MANUAL_PAYMENT_INSTRUCTIONS)`,
    );
  });

  it.each([
    ["shop.txt", '".txt"'],
    ["shop.yaml.bak", '".bak"'],
    ["shop", '"(none)"'],
  ])("refuses the file type of %s", async (name, shown) => {
    const file = await write(name, VALID_YAML);
    expect(await errorOf(loadCatalog({ file }))).toBe(
      `Catalog ${file}: unsupported file type ${shown}: use a .yaml, .yml or .json file`,
    );
  });

  it("says when the file is missing", async () => {
    const file = join(dir, "missing.yaml");
    expect(await errorOf(loadCatalog({ file }))).toBe(`Catalog ${file}: file not found`);
  });

  it("says when the path is a directory", async () => {
    const file = join(dir, "folder.yaml");
    await mkdir(file);
    expect(await errorOf(loadCatalog({ file }))).toBe(`Catalog ${file}: not a file`);
  });

  it("says when the file is empty", async () => {
    const file = await write("empty.yaml", "# nothing yet\n");
    expect(await errorOf(loadCatalog({ file }))).toBe(`Catalog ${file}: the file is empty`);
  });

  it.each([
    [
      "unclosed flow mapping",
      "shop: { name: X\nproducts: []\n",
      /YAML syntax error at line \d+, column \d+: /,
    ],
    [
      "duplicate key",
      "shop: {}\nshop: {}\n",
      /YAML syntax error at line 2, column 1: Map keys must be unique/,
    ],
    ["tab indentation", "shop:\n\tname: X\n", /YAML syntax error at line 2, column 1: /],
    [
      "bad indentation",
      "shop:\n  name: X\n currency: KES\n",
      /YAML syntax error at line 3, column \d+: All mapping items must start at the same column/,
    ],
  ])("gives line and column for a YAML syntax error (%s)", async (_what, content, pattern) => {
    const file = await write("syntax.yaml", content);
    const message = await errorOf(loadCatalog({ file }));
    expect(message.startsWith(`Catalog ${file}: YAML syntax error at line `)).toBe(true);
    expect(message).toMatch(pattern);
  });

  it("gives line and column for a JSON syntax error", async () => {
    const file = await write("syntax.json", '{\n  "shop": { "name": "X", },\n  "products": []\n}\n');
    expect(await errorOf(loadCatalog({ file }))).toMatch(
      new RegExp(
        `^Catalog ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: JSON syntax error at line 2, column 26: `,
      ),
    );
  });

  it("reports validation errors with the path in the data", async () => {
    const file = await write(
      "bad.yaml",
      'shop: { name: X, currency: KES }\npaymentInstructions: Pay\nproducts:\n  - { sku: A, name: A, price: 1 }\n  - { sku: B, name: B, price: 2 }\n  - { sku: C, name: C, price: "abc" }\n',
    );
    expect(await errorOf(loadCatalog({ file }))).toBe(
      `Catalog ${file}: products[2].price: expected a positive number (got "abc")`,
    );
  });

  it("loads examples/catalog.yaml (a Lagos shop in naira)", async () => {
    const catalog = await loadCatalog({ file: EXAMPLE });
    expect(catalog.shop).toEqual({ name: "Iya Basira Provisions", currency: "NGN", locale: "en-NG" });
    expect(catalog.products.length).toBeGreaterThanOrEqual(5);
    expect(catalog.products.every((product) => product.price.currency === "NGN")).toBe(true);
    expect(catalog.products.find((product) => product.sku === "PALMOIL-1L")?.price.amount).toBe(275050);
    expect(catalog.products.find((product) => product.sku === "0012")?.name).toBe("Crayfish (small bag)");
  });
});

describe("the built-in demo shop", () => {
  it("loads when no file is given", async () => {
    const catalog = await loadCatalog({});
    expect(catalog.shop).toEqual({ name: "Mama Mboga", currency: "KES", locale: "en" });
    expect(catalog.paymentInstructions).toBe(
      "Pay to Till 123456 (Mama Mboga), then send a photo of the M-Pesa message or receipt.",
    );
    expect(catalog.products.length).toBeGreaterThanOrEqual(6);
    expect(catalog.products.length).toBeLessThanOrEqual(8);
  });

  it("has descriptions on some products and one price with cents", async () => {
    const catalog = await loadCatalog();
    expect(catalog.products.some((product) => product.description)).toBe(true);
    expect(catalog.products.some((product) => !product.description)).toBe(true);
    expect(catalog.products.filter((product) => product.price.amount % 100 !== 0)).toHaveLength(1);
    expect(catalog.products.find((product) => product.sku === "EGGS12")?.price).toEqual({
      amount: 45050,
      currency: "KES",
    });
  });

  it("takes MANUAL_PAYMENT_INSTRUCTIONS too", async () => {
    expect((await loadCatalog({ manualInstructions: "Pay to Paybill 400200" })).paymentInstructions).toBe(
      "Pay to Paybill 400200",
    );
  });

  it("is the DEMO_SHOP data", async () => {
    expect((await loadCatalog()).products.map((product) => product.sku)).toEqual(
      DEMO_SHOP.products.map((product) => product.sku),
    );
  });
});

describe("parseCatalog errors", () => {
  const withProduct = (index: number, change: Record<string, unknown>) => {
    const data = valid();
    data.products[index] = { ...data.products[index], ...change } as (typeof data.products)[number];
    return data;
  };

  it.each<[string, unknown, string]>([
    [
      "a list at the root",
      [],
      "expected a mapping with shop, paymentInstructions and products (got a list of 0)",
    ],
    [
      "text at the root",
      "hello",
      'expected a mapping with shop, paymentInstructions and products (got "hello")',
    ],
    ["no shop", { ...valid(), shop: undefined }, "shop: is required"],
    [
      "empty shop name",
      { ...valid(), shop: { name: " ", currency: "KES" } },
      'shop.name: must not be empty (got " ")',
    ],
    [
      "a long shop name",
      { ...valid(), shop: { name: "x".repeat(65), currency: "KES" } },
      `shop.name: must be at most 64 characters (got "${"x".repeat(60)}…")`,
    ],
    [
      "an unknown currency",
      { ...valid(), shop: { name: "X", currency: "KSH" } },
      'shop.currency: expected an ISO 4217 currency code such as KES, NGN or UGX (got "KSH")',
    ],
    [
      "a bad locale",
      { ...valid(), shop: { name: "X", currency: "KES", locale: "en_KE!" } },
      'shop.locale: expected a language tag such as en, sw or en-KE (got "en_KE!")',
    ],
    [
      "an unknown shop key",
      { ...valid(), shop: { name: "X", currency: "KES", curency: "KES" } },
      'shop: unknown key "curency"',
    ],
    ["an unknown top-level key", { ...valid(), product: [] }, 'unknown key "product"'],
    [
      "long instructions",
      { ...valid(), paymentInstructions: "p".repeat(1001) },
      `paymentInstructions: must be at most 1000 characters (got "${"p".repeat(60)}…")`,
    ],
    [
      "no products",
      { ...valid(), products: [] },
      "products: must list at least one product (got a list of 0)",
    ],
    [
      "products not a list",
      { ...valid(), products: { a: 1 } },
      "products: expected a list of products (got a mapping)",
    ],
    [
      "too many products",
      {
        ...valid(),
        products: Array.from({ length: 201 }, (_, i) => ({ sku: `P${i}`, name: `P${i}`, price: 1 })),
      },
      "products: must list at most 200 products (got a list of 201)",
    ],
    [
      "a product that is text",
      { ...valid(), products: ["eggs"] },
      'products[0]: expected a mapping with sku, name, price and optionally description (got "eggs")',
    ],
    ["a missing sku", withProduct(1, { sku: undefined }), "products[1].sku: is required"],
    [
      "a numeric sku",
      withProduct(1, { sku: 12 }),
      'products[1].sku: expected text (quote codes that look like numbers: sku: "0012") (got 12)',
    ],
    [
      "a sku with spaces",
      withProduct(1, { sku: "EGGS 12" }),
      'products[1].sku: must be 1 to 32 letters, digits, - or _ (got "EGGS 12")',
    ],
    [
      "a long sku",
      withProduct(0, { sku: "A".repeat(33) }),
      `products[0].sku: must be 1 to 32 letters, digits, - or _ (got "${"A".repeat(33)}")`,
    ],
    [
      "a long name",
      withProduct(2, { name: "n".repeat(81) }),
      `products[2].name: must be at most 80 characters (got "${"n".repeat(60)}…")`,
    ],
    [
      "a price in quotes",
      withProduct(2, { price: "abc" }),
      'products[2].price: expected a positive number (got "abc")',
    ],
    ["a zero price", withProduct(2, { price: 0 }), "products[2].price: expected a positive number (got 0)"],
    [
      "a negative price",
      withProduct(0, { price: -5 }),
      "products[0].price: expected a positive number (got -5)",
    ],
    [
      "an infinite price",
      withProduct(0, { price: Number.POSITIVE_INFINITY }),
      "products[0].price: expected a positive number (got Infinity)",
    ],
    [
      "too many decimals",
      withProduct(1, { price: 450.505 }),
      "products[1].price: KES allows at most 2 decimal places (got 450.505)",
    ],
    ["an absurd price", withProduct(1, { price: 1e300 }), "products[1].price: is too large (got 1e+300)"],
    [
      "a long description",
      withProduct(0, { description: "d".repeat(301) }),
      `products[0].description: must be at most 300 characters (got "${"d".repeat(60)}…")`,
    ],
    ["a misspelt key", withProduct(0, { descripton: "x" }), 'products[0]: unknown key "descripton"'],
  ])("%s", (_what, data, line) => {
    expect(parseError(data)).toBe(`Catalog shop.yaml: ${line}`);
  });

  it("checks decimals against the currency: UGX has none", () => {
    const data = { ...valid(), shop: { name: "X", currency: "UGX" } };
    expect(parseError(data)).toBe(
      "Catalog shop.yaml: products[1].price: UGX has no minor unit: expected a whole number (got 20.5)",
    );
  });

  it("names both positions of a duplicate sku, ignoring case", () => {
    const data = valid();
    data.products.push({ sku: "b2", name: "Again", price: 1 });
    expect(parseError(data)).toBe(
      'Catalog shop.yaml: products[3].sku: duplicate sku "b2": products[1].sku is the same (SKUs are compared ignoring case)',
    );
  });

  it("reports every problem, one line each", () => {
    const data = withProduct(0, { price: "x", sku: "bad sku" });
    data.shop = { name: "", currency: "KES" };
    expect(parseError(data).split("\n")).toEqual([
      'Catalog shop.yaml: shop.name: must not be empty (got "")',
      'Catalog shop.yaml: products[0].sku: must be 1 to 32 letters, digits, - or _ (got "bad sku")',
      'Catalog shop.yaml: products[0].price: expected a positive number (got "x")',
    ]);
  });

  it("caps a flood of problems", () => {
    const data = {
      ...valid(),
      products: Array.from({ length: 30 }, () => ({ sku: "?", name: "", price: 0 })),
    };
    const lines = parseError(data).split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[20]).toMatch(/^Catalog shop\.yaml: … and \d+ more problems$/);
  });

  it("refuses an override longer than 1000 characters", () => {
    expect(parseError(valid(), "m".repeat(1001))).toBe(
      "MANUAL_PAYMENT_INSTRUCTIONS must be at most 1000 characters",
    );
  });

  it("normalises what is harmless: lower-case currency, padded text, empty description", () => {
    const catalog = parseCatalog(
      {
        shop: { name: "  Duka  ", currency: "kes", locale: "sw" },
        paymentInstructions: " Pay ",
        products: [{ sku: " A1 ", name: " Eggs ", price: 1, description: "  " }],
      },
      { source: "x.yaml" },
    );
    expect(catalog).toEqual({
      shop: { name: "Duka", currency: "KES", locale: "sw" },
      paymentInstructions: "Pay",
      products: [{ sku: "A1", name: "Eggs", price: { amount: 100, currency: "KES" } }],
    });
  });
});

describe("formatPath", () => {
  it.each<[PropertyKey[], string]>([
    [["products", 2, "price"], "products[2].price"],
    [["shop", "name"], "shop.name"],
    [["products", 0], "products[0]"],
    [[], ""],
  ])("%j → %s", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});
